output "state_bucket" {
  description = "Bucket holding every environment's state."
  value       = module.state_bucket.id
}

output "state_kms_key_arn" {
  description = "Key encrypting the state bucket."
  value       = aws_kms_key.state.arn
}

output "backend_hcl" {
  description = "Contents of terraform/envs/<env>/backend.hcl."
  # kms_key_id is not optional: with `encrypt = true` alone the S3 backend uploads state with SSE-S3
  # (AES256), which the state bucket's DenyUploadsWithOtherEncryption statement refuses.
  value = join("", [
    "bucket     = \"${module.state_bucket.id}\"\n",
    "region     = \"${var.region}\"\n",
    "kms_key_id = \"${aws_kms_key.state.arn}\"\n",
  ])
}

output "github_oidc_provider_arn" {
  description = "Pass to each environment as github_oidc_provider_arn."
  value       = local.github_oidc_provider_arn
}

output "terraform_role_arns" {
  description = "Per environment: the role for the AWS_TERRAFORM_ROLE_ARN secret of that GitHub environment."
  value       = { for env, role in aws_iam_role.terraform : env => role.arn }
}
