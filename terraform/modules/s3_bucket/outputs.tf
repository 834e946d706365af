output "id" {
  description = "Bucket name."
  value       = aws_s3_bucket.this.bucket
}

output "arn" {
  description = "Bucket ARN (known at plan time)."
  value       = local.arn
}

output "properties" {
  description = "CORS and lifecycle rules as applied (asserted by the storage and environment tests)."
  value = {
    cors_rules         = var.cors_rules
    prefix_expirations = var.prefix_expirations
    lifecycle_rule_ids = [for r in aws_s3_bucket_lifecycle_configuration.this.rule : r.id]
  }
}
