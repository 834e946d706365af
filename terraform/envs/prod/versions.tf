terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }

  # Partial configuration: bucket, region and kms_key_id come from backend.hcl (printed by
  # terraform/bootstrap): terraform init -backend-config=backend.hcl. Without kms_key_id, encrypt
  # means SSE-S3, which the state bucket's policy refuses (it takes SSE-KMS only).
  # use_lockfile = S3-native state locking (Terraform >= 1.10); no DynamoDB table needed.
  backend "s3" {
    key          = "envs/prod/terraform.tfstate"
    encrypt      = true
    use_lockfile = true
  }
}
