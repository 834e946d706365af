output "receipts_bucket" {
  description = "Receipts bucket name."
  value       = module.receipts.id
}

output "receipts_bucket_arn" {
  description = "Receipts bucket ARN."
  value       = module.receipts.arn
}

output "deployments_bucket" {
  description = "Zappa deployment bucket name."
  value       = module.deployments.id
}

output "deployments_bucket_arn" {
  description = "Zappa deployment bucket ARN."
  value       = module.deployments.arn
}

output "access_logs_bucket" {
  description = "Bucket receiving S3 access logs."
  value       = module.access_logs.id
}

output "receipts_bucket_properties" {
  description = "CORS and lifecycle rules of the receipts bucket (asserted by the tests)."
  value       = module.receipts.properties
}
