terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }

  # Partial configuration: bucket and region come from backend.hcl (printed by terraform/bootstrap):
  #   terraform init -backend-config=backend.hcl
  # use_lockfile = S3-native state locking (Terraform >= 1.10); no DynamoDB table needed.
  backend "s3" {
    key          = "envs/dev/terraform.tfstate"
    encrypt      = true
    use_lockfile = true
  }
}
