variable "name_prefix" {
  description = "Prefix of every name, e.g. meal-expense-tracker-dev."
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

variable "key_deletion_window_days" {
  description = "Waiting period before a scheduled KMS key deletion completes."
  type        = number
  default     = 30

  validation {
    condition     = var.key_deletion_window_days >= 7 && var.key_deletion_window_days <= 30
    error_message = "KMS accepts 7 to 30 days."
  }
}

variable "secret_recovery_window_days" {
  description = "Days a deleted secret can still be restored (0 deletes at once; avoid outside dev)."
  type        = number
  default     = 30
}

variable "app_secret_version" {
  description = "Bump to (re)write the app secret: a new SECRET_KEY and the current DB fields."
  type        = number
  default     = 1
}

variable "db_host" {
  description = "Database host name."
  type        = string
}

variable "db_port" {
  description = "Database port."
  type        = number
}

variable "db_name" {
  description = "Database name."
  type        = string
}

variable "db_username" {
  description = "Database user the app connects as."
  type        = string
}

variable "db_password_secret_arn" {
  description = "ARN of the RDS-managed secret holding the database password."
  type        = string
}
