terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }

  # Bootstrap keeps its own (small, secret-free) state locally: it creates the bucket every other
  # root stores its state in. After the first apply you may move it into that bucket with
  #   terraform init -migrate-state -backend-config=... (see docs/deploy.md).
}
