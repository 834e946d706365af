mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name               = "met-test-receipts-123456789012"
  kms_key_arn        = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  access_log_bucket  = "met-test-logs-123456789012"
  prefix_expirations = { "exports/" = 7 }
}

run "bucket_is_private_versioned_and_kms_encrypted" {
  command = apply

  assert {
    condition = (
      aws_s3_bucket_public_access_block.this.block_public_acls &&
      aws_s3_bucket_public_access_block.this.block_public_policy &&
      aws_s3_bucket_public_access_block.this.ignore_public_acls &&
      aws_s3_bucket_public_access_block.this.restrict_public_buckets
    )
    error_message = "All four public access blocks must be on."
  }

  assert {
    condition     = aws_s3_bucket_versioning.this.versioning_configuration[0].status == "Enabled"
    error_message = "Versioning must be enabled."
  }

  assert {
    condition = alltrue([
      for r in aws_s3_bucket_server_side_encryption_configuration.this.rule :
      r.bucket_key_enabled && alltrue([
        for d in r.apply_server_side_encryption_by_default :
        d.sse_algorithm == "aws:kms" && d.kms_master_key_id == var.kms_key_arn
      ])
    ])
    error_message = "SSE-KMS with the customer key and a bucket key."
  }

  assert {
    condition     = one(aws_s3_bucket_ownership_controls.this.rule).object_ownership == "BucketOwnerEnforced"
    error_message = "ACLs must be disabled."
  }

  assert {
    condition     = aws_s3_bucket_logging.this.target_bucket == var.access_log_bucket
    error_message = "Access logging goes to the log bucket."
  }

  assert {
    condition     = contains([for r in aws_s3_bucket_lifecycle_configuration.this.rule : r.id], "expire-exports")
    error_message = "The exports/ prefix has an expiry rule."
  }

  assert {
    condition     = contains([for r in aws_s3_bucket_lifecycle_configuration.this.rule : r.id], "expire-noncurrent-versions")
    error_message = "Non-current versions expire."
  }
}

run "no_cors_unless_asked" {
  command = apply

  assert {
    condition     = length(aws_s3_bucket_cors_configuration.this) == 0
    error_message = "A bucket no browser talks to has no CORS rule."
  }
}

run "browsers_may_post_from_the_apps_origins_only" {
  command = apply

  variables {
    cors_rules = [{
      allowed_methods = ["POST"]
      allowed_origins = ["https://meals.example.com", "https://*.execute-api.us-east-1.amazonaws.com"]
    }]
  }

  assert {
    condition     = one(aws_s3_bucket_cors_configuration.this[0].cors_rule).allowed_methods == toset(["POST"])
    error_message = "Only POST (presigned POST uploads) is allowed cross-origin."
  }

  assert {
    condition     = one(aws_s3_bucket_cors_configuration.this[0].cors_rule).allowed_origins == toset(["https://meals.example.com", "https://*.execute-api.us-east-1.amazonaws.com"])
    error_message = "Only the app's origins."
  }
}

run "cors_never_allows_every_origin" {
  command = plan

  variables {
    cors_rules = [{ allowed_methods = ["POST"], allowed_origins = ["*"] }]
  }

  expect_failures = [var.cors_rules]
}
