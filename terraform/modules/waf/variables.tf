variable "name_prefix" {
  description = "Prefix of every name, e.g. mealtracker-dev."
  type        = string
}

variable "rate_limit_per_5_minutes" {
  description = "Requests per client IP per 5 minutes before WAF blocks it."
  type        = number
  default     = 2000

  validation {
    condition     = var.rate_limit_per_5_minutes >= 100
    error_message = "WAF rate limits start at 100."
  }
}

variable "login_rate_limit_per_5_minutes" {
  description = "Requests per client IP per 5 minutes to login, password reset and token endpoints."
  type        = number
  default     = 100

  validation {
    condition     = var.login_rate_limit_per_5_minutes >= 100
    error_message = "WAF rate limits start at 100."
  }
}

variable "logs_kms_key_arn" {
  description = "Key for the WAF log group."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of WAF logs (an audit trail of blocked and allowed clients)."
  type        = number
  default     = 365
}
