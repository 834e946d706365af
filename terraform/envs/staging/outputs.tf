# Consumed by scripts/zappa_settings_from_tf.py; keep the names stable.

output "aws_region" {
  description = "See modules/environment/outputs.tf."
  value       = module.environment.aws_region
}

output "zappa_project_name" {
  description = "See modules/environment/outputs.tf."
  value       = module.environment.zappa_project_name
}

output "zappa_stage" {
  description = "See modules/environment/outputs.tf."
  value       = module.environment.zappa_stage
}

output "lambda_function_name" {
  description = "See modules/environment/outputs.tf."
  value       = module.environment.lambda_function_name
}

output "vpc_id" {
  description = "See modules/environment/outputs.tf."
  value       = module.environment.vpc_id
}

output "private_subnet_ids" {
  description = "See modules/environment/outputs.tf."
  value       = module.environment.private_subnet_ids
}

output "lambda_security_group_id" {
  description = "See modules/environment/outputs.tf."
  value       = module.environment.lambda_security_group_id
}

output "deployment_bucket" {
  description = "See modules/environment/outputs.tf."
  value       = module.environment.deployment_bucket
}

output "receipts_bucket" {
  description = "See modules/environment/outputs.tf."
  value       = module.environment.receipts_bucket
}

output "kms_key_arn" {
  description = "See modules/environment/outputs.tf."
  value       = module.environment.kms_key_arn
}

output "app_secret_arn" {
  description = "See modules/environment/outputs.tf."
  value       = module.environment.app_secret_arn
}

output "lambda_role_arn" {
  description = "See modules/environment/outputs.tf."
  value       = module.environment.lambda_role_arn
}

output "lambda_role_name" {
  description = "See modules/environment/outputs.tf."
  value       = module.environment.lambda_role_name
}

output "deploy_role_arn" {
  description = "See modules/environment/outputs.tf."
  value       = module.environment.deploy_role_arn
}

output "db_endpoint" {
  description = "See modules/environment/outputs.tf."
  value       = module.environment.db_endpoint
}

output "db_host" {
  description = "See modules/environment/outputs.tf."
  value       = module.environment.db_host
}

output "db_port" {
  description = "See modules/environment/outputs.tf."
  value       = module.environment.db_port
}

output "db_name" {
  description = "See modules/environment/outputs.tf."
  value       = module.environment.db_name
}

output "dlq_arn" {
  description = "See modules/environment/outputs.tf."
  value       = module.environment.dlq_arn
}

output "alarm_topic_arn" {
  description = "See modules/environment/outputs.tf."
  value       = module.environment.alarm_topic_arn
}

output "api_stage_settings" {
  description = "See modules/environment/outputs.tf."
  value       = module.environment.api_stage_settings
}

output "dashboard_name" {
  description = "See modules/environment/outputs.tf."
  value       = module.environment.dashboard_name
}

output "custom_domain" {
  description = "See modules/environment/outputs.tf."
  value       = module.environment.custom_domain
}

output "custom_domain_target" {
  description = "See modules/environment/outputs.tf."
  value       = module.environment.custom_domain_target
}

output "custom_domain_validation_records" {
  description = "See modules/environment/outputs.tf."
  value       = module.environment.custom_domain_validation_records
}

output "xray_enabled" {
  description = "See modules/environment/outputs.tf."
  value       = module.environment.xray_enabled
}

output "security_properties" {
  description = "See modules/environment/outputs.tf."
  value       = module.environment.security_properties
}

output "release_alias" {
  description = "See modules/environment/outputs.tf."
  value       = module.environment.release_alias
}

output "canary_alarm_names" {
  description = "See modules/environment/outputs.tf."
  value       = module.environment.canary_alarm_names
}

output "db_proxy_endpoint" {
  description = "See modules/environment/outputs.tf."
  value       = module.environment.db_proxy_endpoint
}

output "db_app_role" {
  description = "See modules/environment/outputs.tf."
  value       = module.environment.db_app_role
}

output "db_app_role_secret_arn" {
  description = "See modules/environment/outputs.tf."
  value       = module.environment.db_app_role_secret_arn
}

output "db_master_secret_arn" {
  description = "See modules/environment/outputs.tf."
  value       = module.environment.db_master_secret_arn
}

output "internet_egress" {
  description = "See modules/environment/outputs.tf."
  value       = module.environment.internet_egress
}

output "db_replica_host" {
  description = "See modules/environment/outputs.tf."
  value       = module.environment.db_replica_host
}

output "db_replica_user" {
  description = "See modules/environment/outputs.tf."
  value       = module.environment.db_replica_user
}

output "redis_url" {
  description = "See modules/environment/outputs.tf."
  value       = module.environment.redis_url
}

output "websocket_url" {
  description = "See modules/environment/outputs.tf."
  value       = module.environment.websocket_url
}

output "websocket_management_url" {
  description = "See modules/environment/outputs.tf."
  value       = module.environment.websocket_management_url
}
