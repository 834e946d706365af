# Receipts bucket (user uploads and generated exports) and the Zappa deployment bucket, both built by
# the hardened s3_bucket module, plus the bucket that receives their access logs.

locals {
  receipts_bucket    = "${var.name_prefix}-receipts-${var.account_id}"
  deployments_bucket = "${var.name_prefix}-deployments-${var.account_id}"
  access_logs_bucket = "${var.name_prefix}-s3-access-logs-${var.account_id}"
}

module "access_logs" {
  source = "../s3_access_log_bucket"

  name           = local.access_logs_bucket
  account_id     = var.account_id
  retention_days = var.access_log_retention_days
  force_destroy  = var.force_destroy
  source_bucket_arns = [
    "arn:${var.partition}:s3:::${local.receipts_bucket}",
    "arn:${var.partition}:s3:::${local.deployments_bucket}",
  ]
}

module "receipts" {
  source = "../s3_bucket"

  name                               = local.receipts_bucket
  kms_key_arn                        = var.kms_key_arn
  access_log_bucket                  = module.access_logs.id
  noncurrent_version_expiration_days = var.receipts_noncurrent_version_days
  force_destroy                      = var.force_destroy

  # Generated exports are handed out through presigned URLs and are not kept. Under uploads/ the browser posts
  # receipts straight to S3 (presigned POST, expenses/services/receipt_uploads.py STAGING_PREFIX); the app
  # moves each one to receipts/ and deletes it, so what stays there was abandoned (a closed tab, a refused file).
  prefix_expirations = {
    "exports/" = var.exports_expiration_days
    "uploads/" = var.uploads_expiration_days
  }

  cors_rules = length(var.receipts_cors_origins) == 0 ? [] : [{
    allowed_methods = ["POST"]
    allowed_origins = var.receipts_cors_origins
    allowed_headers = ["content-type"]
    expose_headers  = ["ETag"]
    max_age_seconds = 3000
  }]
}

module "deployments" {
  source = "../s3_bucket"

  name                               = local.deployments_bucket
  kms_key_arn                        = var.kms_key_arn
  access_log_bucket                  = module.access_logs.id
  noncurrent_version_expiration_days = 30
  noncurrent_versions_to_keep        = 5
  force_destroy                      = var.force_destroy
}
