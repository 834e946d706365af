terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
      # Only opens the ephemeral random SECRET_KEY; a separate configuration so that terraform test
      # can mock every other resource (mock providers cannot serve ephemeral resources yet).
      configuration_aliases = [aws.secret_generator]
    }
  }
}
