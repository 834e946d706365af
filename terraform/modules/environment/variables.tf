variable "app_name" {
  description = "Application name: prefix of every resource and the Zappa project_name (see zappa_settings.json)."
  type        = string
  default     = "mealtracker"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,30}$", var.app_name))
    error_message = "Lower-case letters, digits and hyphens, 3 to 31 characters."
  }
}

variable "environment" {
  description = "Environment name; also the Zappa stage and the GitHub environment."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "Use dev, staging or prod."
  }
}

variable "region" {
  description = "AWS region."
  type        = string
}

variable "azs" {
  description = "Two availability zones of the region."
  type        = list(string)
}

variable "vpc_cidr" {
  description = "VPC CIDR (/16)."
  type        = string
}

variable "enable_nat_gateway" {
  description = "Outbound internet for the function through a NAT gateway (off: AWS APIs via endpoints only)."
  type        = bool
  default     = false
}

variable "db_instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.micro"
}

variable "db_allocated_storage" {
  description = "Initial RDS storage (GiB)."
  type        = number
  default     = 20
}

variable "db_max_allocated_storage" {
  description = "RDS storage autoscaling ceiling (GiB)."
  type        = number
  default     = 100
}

variable "db_multi_az" {
  description = "RDS standby in a second AZ."
  type        = bool
  default     = false
}

variable "db_backup_retention_days" {
  description = "RDS backup / PITR window (days)."
  type        = number
  default     = 7
}

variable "db_deletion_protection" {
  description = "RDS deletion protection."
  type        = bool
  default     = true
}

variable "db_performance_insights" {
  description = "RDS Performance Insights."
  type        = bool
  default     = false
}

variable "db_monitoring_interval" {
  description = "RDS enhanced monitoring interval (s); 0 turns it off."
  type        = number
  default     = 60
}

variable "log_retention_days" {
  description = "Retention of the function's own (application) logs."
  type        = number
  default     = 90
}

variable "audit_log_retention_days" {
  description = "Retention of the audit logs: API access, WAF, VPC flow logs, PostgreSQL (connections, DDL)."
  type        = number
  default     = 365

  validation {
    condition     = contains([365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.audit_log_retention_days)
    error_message = "Audit logs are kept at least a year (in a retention CloudWatch Logs accepts)."
  }
}

variable "exports_expiration_days" {
  description = "Days before objects under exports/ expire."
  type        = number
  default     = 7
}

variable "alarm_emails" {
  description = "Addresses for alarms and budget notifications."
  type        = list(string)
  default     = []
}

variable "alarm_lambda_error_threshold" {
  description = "Function errors per 5 minutes that alarm."
  type        = number
  default     = 1
}

variable "alarm_api_5xx_threshold" {
  description = "API 5XX per 5 minutes that alarm."
  type        = number
  default     = 5
}

variable "alarm_db_connections_max" {
  description = "Database connections that alarm."
  type        = number
  default     = 60
}

variable "monthly_budget_usd" {
  description = "Monthly AWS budget for this environment (USD)."
  type        = number
}

variable "enable_waf" {
  description = "Put AWS WAF (managed rules, per-IP rate limits) in front of the REST API (about 10 USD/month)."
  type        = bool
  default     = true
}

variable "api_throttle_rate_limit" {
  description = "Requests per second the REST API stage accepts (beyond: 429 before the function runs)."
  type        = number
}

variable "api_throttle_burst_limit" {
  description = "Requests the REST API stage accepts at once above the steady rate."
  type        = number
}

variable "manage_api_gateway_logging_role" {
  description = "Set the account's API Gateway CloudWatch Logs role (per account and region; off when another stage in the same account sets it)."
  type        = bool
  default     = true
}

variable "custom_domain_name" {
  description = "Optional custom domain of the stage (ACM certificate, API Gateway domain name); empty: execute-api URL only."
  type        = string
  default     = ""
}

variable "route53_zone_id" {
  description = "Route 53 zone of custom_domain_name for the validation and alias records; empty: publish them by hand."
  type        = string
  default     = ""
}

variable "waf_rate_limit_per_5_minutes" {
  description = "Requests per client IP per 5 minutes before WAF blocks it."
  type        = number
  default     = 2000
}

variable "enable_xray" {
  description = "Allow X-Ray tracing from the function."
  type        = bool
  default     = false
}

variable "github_repository" {
  description = "owner/name allowed to deploy through GitHub OIDC; empty: no deploy role."
  type        = string
  default     = ""
}

variable "github_oidc_provider_arn" {
  description = "GitHub OIDC provider ARN from terraform/bootstrap."
  type        = string
  default     = ""
}

variable "kms_deletion_window_days" {
  description = "KMS key deletion window."
  type        = number
  default     = 30
}

variable "secret_recovery_window_days" {
  description = "Secrets Manager recovery window."
  type        = number
  default     = 30
}

variable "write_app_secret" {
  description = "Write the app secret's value (false only in offline tests)."
  type        = bool
  default     = true
}

variable "app_secret_version" {
  description = "Bump to rotate SECRET_KEY (other keys of the app secret are kept; then zappa update)."
  type        = number
  default     = 1
}

variable "force_destroy_buckets" {
  description = "Allow destroying non-empty buckets (dev only)."
  type        = bool
  default     = false
}

variable "db_role_bootstrap" {
  description = "Let the function read the master secret to run `manage.py create_app_db_role` (off again afterwards)."
  type        = bool
  default     = false
}

variable "lambda_reserved_concurrency" {
  description = "Reserved concurrency of the function (zappa_settings.json lambda_concurrency of the stage)."
  type        = number
  default     = 5
}

variable "db_read_replica" {
  description = "A read replica of the database for reports, exports, dashboards and lists (staging, prod)."
  type        = bool
  default     = false
}

variable "db_replica_instance_class" {
  description = "Instance class of the read replica (empty: the primary's)."
  type        = string
  default     = ""
}

variable "cache_enabled" {
  description = "ElastiCache Serverless as the app's cache (REDIS_URL); the database cache otherwise."
  type        = bool
  default     = false
}

variable "cache_max_data_storage_gb" {
  description = "Storage ceiling of the serverless cache (GB)."
  type        = number
  default     = 1
}
