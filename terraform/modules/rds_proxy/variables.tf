variable "name_prefix" {
  description = "Prefix of every name, e.g. mealtracker-dev."
  type        = string
}

variable "account_id" {
  description = "AWS account id."
  type        = string
}

variable "region" {
  description = "AWS region."
  type        = string
}

variable "partition" {
  description = "AWS partition."
  type        = string
  default     = "aws"
}

variable "vpc_id" {
  description = "VPC of the function and the database."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets (two AZs) for the proxy."
  type        = list(string)
}

variable "lambda_security_group_id" {
  description = "The function's security group (allowed in on 5432)."
  type        = string
}

variable "database_security_group_id" {
  description = "The database's security group (the proxy is allowed in on 5432)."
  type        = string
}

variable "db_instance_id" {
  description = "RDS instance identifier the proxy targets."
  type        = string
}

variable "kms_key_arn" {
  description = "Data key encrypting the app role's secret."
  type        = string
}

variable "master_secret_arn" {
  description = "The RDS-managed master secret (read only while db_role_bootstrap is on)."
  type        = string
}

variable "lambda_role_name" {
  description = "The function's execution role, which gets rds-db:connect on the proxy as app_role."
  type        = string
}

variable "app_role" {
  description = "PostgreSQL role the app runs as (created by manage.py create_app_db_role)."
  type        = string
  default     = "mealtracker_app"

  validation {
    condition     = can(regex("^[a-z_][a-z0-9_]{2,62}$", var.app_role))
    error_message = "A lower-case PostgreSQL identifier."
  }
}

variable "db_role_bootstrap" {
  description = "Let the function read the master secret and write the app role's (on only while create_app_db_role runs)."
  type        = bool
  default     = false
}

variable "idle_client_timeout_seconds" {
  description = "Seconds an idle client connection is kept (above the app's CONN_MAX_AGE of 600)."
  type        = number
  default     = 900

  validation {
    condition     = var.idle_client_timeout_seconds > 600
    error_message = "Keep it above the app's CONN_MAX_AGE (600 s) so the proxy never drops a connection Django reuses."
  }
}

variable "max_connections_percent" {
  description = "Share of the instance's max_connections the proxy may open."
  type        = number
  default     = 80
}

variable "secret_recovery_window_days" {
  description = "Secrets Manager recovery window."
  type        = number
  default     = 30
}

variable "read_only_endpoint" {
  description = "Add a READ_ONLY proxy endpoint (served by AWS for Aurora targets only; off for an RDS instance)."
  type        = bool
  default     = false
}
