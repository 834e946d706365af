output "data_kms_key_arn" {
  description = "ARN of the data-at-rest key."
  value       = aws_kms_key.data.arn
}

output "logs_kms_key_arn" {
  description = "ARN of the logs/notifications key."
  value       = aws_kms_key.logs.arn
}

output "app_secret_arn" {
  description = "ARN of the app secret (the app's own keys; no database credentials)."
  value       = aws_secretsmanager_secret.app.arn
}

output "app_secret_name" {
  description = "Name of the app secret."
  value       = aws_secretsmanager_secret.app.name
}
