variable "identifier" {
  description = "RDS instance identifier, e.g. mealtracker-dev."
  type        = string
}

variable "account_id" {
  description = "AWS account id."
  type        = string
}

variable "partition" {
  description = "AWS partition."
  type        = string
  default     = "aws"
}

variable "subnet_ids" {
  description = "Private subnets in two AZs."
  type        = list(string)
}

variable "security_group_id" {
  description = "Security group admitting 5432 from the Lambda only."
  type        = string
}

variable "kms_key_arn" {
  description = "Customer-managed key for storage, Performance Insights and the master secret."
  type        = string
}

variable "logs_kms_key_arn" {
  description = "Key for the exported log groups."
  type        = string
}

variable "engine_version" {
  description = "PostgreSQL version (major or major.minor); minor upgrades are automatic."
  type        = string
  default     = "16"

  validation {
    condition     = startswith(var.engine_version, "16")
    error_message = "This stack runs PostgreSQL 16."
  }
}

variable "instance_class" {
  description = "Instance class."
  type        = string
  default     = "db.t4g.micro"
}

variable "db_name" {
  description = "Database created at launch."
  type        = string
  default     = "mealtracker"
}

variable "master_username" {
  description = "Master user name."
  type        = string
  default     = "mealtracker_admin"
}

variable "allocated_storage" {
  description = "Initial storage in GiB."
  type        = number
  default     = 20
}

variable "max_allocated_storage" {
  description = "Storage autoscaling ceiling in GiB."
  type        = number
  default     = 100
}

variable "multi_az" {
  description = "Standby in a second AZ (on in prod)."
  type        = bool
  default     = false
}

variable "backup_retention_days" {
  description = "Automated backup / point-in-time recovery window in days (1-35)."
  type        = number
  default     = 7

  validation {
    condition     = var.backup_retention_days >= 1 && var.backup_retention_days <= 35
    error_message = "Backups must stay on (1 to 35 days) for point-in-time recovery."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete the instance."
  type        = bool
  default     = true
}

variable "performance_insights_enabled" {
  description = "Performance Insights (on in prod)."
  type        = bool
  default     = false
}

variable "monitoring_interval" {
  description = "Enhanced monitoring interval in seconds (0 turns it off; 1, 5, 10, 15, 30 or 60)."
  type        = number
  default     = 60

  validation {
    condition     = contains([0, 1, 5, 10, 15, 30, 60], var.monitoring_interval)
    error_message = "Use 0, 1, 5, 10, 15, 30 or 60."
  }
}

variable "slow_query_log_ms" {
  description = "Statements slower than this (ms) are logged."
  type        = number
  default     = 500
}

variable "log_retention_days" {
  description = "Retention of the exported PostgreSQL logs."
  type        = number
  default     = 90
}
