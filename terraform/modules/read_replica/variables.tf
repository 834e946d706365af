variable "identifier" {
  description = "Identifier of the primary instance; the replica is <identifier>-replica."
  type        = string
}

variable "source_db_identifier" {
  description = "The primary RDS instance the replica streams from."
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

variable "lambda_security_group_id" {
  description = "The function's security group (the only one allowed in on 5432)."
  type        = string
}

variable "lambda_role_name" {
  description = "The function's execution role, which gets rds-db:connect on the replica as replica_role."
  type        = string
}

variable "instance_class" {
  description = "Instance class of the replica."
  type        = string
}

variable "parameter_group_name" {
  description = "The primary's parameter group (TLS forced, no JIT)."
  type        = string
}

variable "kms_key_arn" {
  description = "Data key encrypting the replica's storage (the primary's)."
  type        = string
}

variable "replica_role" {
  description = "Read-only PostgreSQL role the function signs in to the replica as, with IAM (granted rds_iam)."
  type        = string
  default     = "mealtracker_reader"

  validation {
    condition     = can(regex("^[a-z_][a-z0-9_]{2,62}$", var.replica_role))
    error_message = "A lower-case PostgreSQL identifier."
  }
}

variable "deletion_protection" {
  description = "Deletion protection of the replica."
  type        = bool
  default     = false
}

variable "performance_insights_enabled" {
  description = "Performance Insights on the replica."
  type        = bool
  default     = false
}

variable "monitoring_interval" {
  description = "Enhanced monitoring interval in seconds (0 = off)."
  type        = number
  default     = 0
}

variable "monitoring_role_arn" {
  description = "The primary's enhanced-monitoring role (when monitoring_interval > 0)."
  type        = string
  default     = null
}
