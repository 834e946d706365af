# Everything zappa_settings.json needs (scripts/zappa_settings_from_tf.py reads these names).

output "aws_region" {
  description = "Region of the stack."
  value       = var.region
}

output "zappa_project_name" {
  description = "Zappa project_name."
  value       = local.zappa_project_name
}

output "zappa_stage" {
  description = "Zappa stage (and REST API stage)."
  value       = local.zappa_stage
}

output "lambda_function_name" {
  description = "Function name Zappa will create."
  value       = local.function_name
}

output "vpc_id" {
  description = "VPC id."
  value       = module.network.vpc_id
}

output "private_subnet_ids" {
  description = "Subnets for zappa vpc_config.SubnetIds."
  value       = module.network.private_subnet_ids
}

output "lambda_security_group_id" {
  description = "Security group for zappa vpc_config.SecurityGroupIds."
  value       = module.network.lambda_security_group_id
}

output "deployment_bucket" {
  description = "Bucket for zappa s3_bucket."
  value       = module.storage.deployments_bucket
}

output "receipts_bucket" {
  description = "Receipts/exports bucket for django-storages."
  value       = module.storage.receipts_bucket
}

output "kms_key_arn" {
  description = "Data key (SSE-KMS, secrets)."
  value       = module.secrets.data_kms_key_arn
}

output "app_secret_arn" {
  description = "App secret ARN (the app's own keys, no database credentials): APP_SECRET_ID of the function."
  value       = module.secrets.app_secret_arn
}

output "lambda_role_arn" {
  description = "Execution role ARN for zappa role_arn."
  value       = module.iam.lambda_role_arn
}

output "lambda_role_name" {
  description = "Execution role name for zappa role_name."
  value       = module.iam.lambda_role_name
}

output "deploy_role_arn" {
  description = "GitHub Actions Zappa deploy role (null without github_repository)."
  value       = module.iam.deploy_role_arn
}

output "db_endpoint" {
  description = "host:port of RDS."
  value       = module.database.endpoint
}

output "db_host" {
  description = "RDS host name."
  value       = module.database.address
}

output "db_port" {
  description = "RDS port."
  value       = module.database.port
}

output "db_name" {
  description = "Database name."
  value       = module.database.db_name
}

output "db_proxy_endpoint" {
  description = "RDS Proxy endpoint: DATABASE_HOST of the function."
  value       = module.rds_proxy.endpoint
}

output "db_app_role" {
  description = "PostgreSQL role the function signs in as: DATABASE_USER."
  value       = module.rds_proxy.app_role
}

output "db_app_role_secret_arn" {
  description = "The proxy's secret for the app role: DATABASE_APP_SECRET_ID (create_app_db_role)."
  value       = module.rds_proxy.app_role_secret_arn
}

output "db_master_secret_arn" {
  description = "RDS-managed master secret: DATABASE_MASTER_SECRET_ID (create_app_db_role only)."
  value       = module.database.master_secret_arn
}

output "internet_egress" {
  description = "Whether the function reaches the internet (NAT): INTERNET_EGRESS of the function."
  value       = var.enable_nat_gateway
}

output "dlq_arn" {
  description = "Dead-letter queue for zappa dead_letter_arn."
  value       = module.observability.dlq_arn
}

output "alarm_topic_arn" {
  description = "SNS topic for alarms and budget notifications."
  value       = module.observability.alarm_topic_arn
}

output "waf_web_acl_arn" {
  description = "WAF web ACL (null when disabled)."
  value       = one(module.waf[*].web_acl_arn)
}

output "api_stage_settings" {
  description = "Throttling, access logs, web ACL and custom domain deploy/release.py applies to Zappa's stage."
  value       = module.edge.stage_settings
}

output "dashboard_name" {
  description = "CloudWatch dashboard of the stage."
  value       = module.observability.dashboard_name
}

output "custom_domain" {
  description = "Custom domain of the stage (null when none)."
  value       = module.edge.custom_domain
}

output "custom_domain_target" {
  description = "Regional host name the custom domain must point to when its DNS is not in Route 53."
  value       = module.edge.custom_domain_target
}

output "custom_domain_validation_records" {
  description = "CNAMEs that validate the custom domain's certificate (publish them when its DNS is not in Route 53)."
  value       = module.edge.custom_domain_validation_records
}

output "xray_enabled" {
  description = "Whether the execution role may write X-Ray traces (zappa xray_tracing needs it)."
  value       = var.enable_xray
}

output "security_properties" {
  description = "Security-relevant settings as applied (asserted by the env tests)."
  value = {
    database             = module.database.security_properties
    lambda_statements    = concat(module.iam.lambda_policy_statements, module.rds_proxy.lambda_statements)
    rds_proxy            = module.rds_proxy.security_properties
    reserved_concurrency = var.lambda_reserved_concurrency
    log_retention_days   = var.log_retention_days
    nat_gateway_enabled  = var.enable_nat_gateway
    waf_enabled          = var.enable_waf
    audit_log_retention = {
      api_access = var.audit_log_retention_days
      waf        = var.enable_waf ? var.audit_log_retention_days : null
      flow_logs  = var.audit_log_retention_days
      postgresql = var.audit_log_retention_days
    }
    receipts_bucket = module.storage.receipts_bucket_properties
  }
}

output "release_alias" {
  description = "Alias API Gateway and the schedules call (zappa apigateway_lambda_qualifier)."
  value       = module.release.alias_name
}

output "canary_alarm_names" {
  description = "Alarms a release watches during its canary (deploy/release.py)."
  value       = module.release.canary_alarm_names
}

output "db_replica_host" {
  description = "The read replica's host (DATABASE_REPLICA_HOST), empty without one."
  value       = one(module.read_replica[*].address) != null ? one(module.read_replica[*].address) : ""
}

output "db_replica_user" {
  description = "The read-only role the function signs in to the replica as (DATABASE_REPLICA_USER)."
  value       = one(module.read_replica[*].replica_role) != null ? one(module.read_replica[*].replica_role) : ""
}

output "redis_url" {
  description = "The function's REDIS_URL (rediss://, TLS), empty without a cache."
  value       = one(module.cache[*].redis_url) != null ? one(module.cache[*].redis_url) : ""
}

output "websocket_url" {
  description = "Where pages open their live-updates socket (WEBSOCKET_URL, wss://)."
  value       = module.websocket.websocket_url
}

output "websocket_management_url" {
  description = "The WebSocket API's Management API endpoint the function posts to (WEBSOCKET_MANAGEMENT_URL)."
  value       = module.websocket.management_url
}
