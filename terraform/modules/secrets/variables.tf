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

variable "secret_key" {
  description = "Django SECRET_KEY (ephemeral: written through a write-only attribute, never stored)."
  type        = string
  default     = null
  ephemeral   = true
  sensitive   = true
}

variable "db_password" {
  description = "Database master password (ephemeral, never stored)."
  type        = string
  default     = null
  ephemeral   = true
  sensitive   = true
}

variable "write_secret_value" {
  description = "Write the secret's value (false: only the empty secret is managed, e.g. in tests)."
  type        = bool
  default     = true
}

variable "app_secret_version" {
  description = "Bump to rotate: a new SECRET_KEY and DB password are written to the secret and RDS together."
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

