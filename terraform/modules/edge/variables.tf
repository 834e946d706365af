variable "name_prefix" {
  description = "Prefix of every name, e.g. mealtracker-dev."
  type        = string
}

variable "account_id" {
  description = "AWS account id."
  type        = string
}

variable "region" {
  description = "AWS region of the REST API."
  type        = string
}

variable "partition" {
  description = "AWS partition."
  type        = string
  default     = "aws"
}

variable "logs_kms_key_arn" {
  description = "Key for the access log group."
  type        = string
}

variable "access_log_retention_days" {
  description = "Retention of the API's access logs (an audit trail: at least a year)."
  type        = number
  default     = 365

  validation {
    condition     = contains([365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.access_log_retention_days)
    error_message = "Access logs are kept at least a year, in a retention CloudWatch Logs accepts."
  }
}

variable "throttle_rate_limit" {
  description = "Steady requests per second the stage accepts (above: 429 from API Gateway, the function never runs)."
  type        = number

  validation {
    condition     = var.throttle_rate_limit >= 1 && var.throttle_rate_limit <= 10000
    error_message = "Between 1 and the account's default 10,000 requests per second."
  }
}

variable "throttle_burst_limit" {
  description = "Requests the stage accepts at once above the steady rate."
  type        = number

  validation {
    condition     = var.throttle_burst_limit >= 1 && var.throttle_burst_limit <= 5000
    error_message = "Between 1 and the account's default burst of 5,000."
  }
}

variable "web_acl_arn" {
  description = "WAF web ACL the release associates with the stage (null: none)."
  type        = string
  default     = null
}

variable "manage_account_logging_role" {
  description = "Set the account's API Gateway CloudWatch Logs role (one per account and region; off if another stack sets it)."
  type        = bool
  default     = true
}

variable "custom_domain_name" {
  description = "Optional custom domain for the stage, e.g. meals.example.com (empty: the execute-api URL only)."
  type        = string
  default     = ""

  validation {
    condition     = var.custom_domain_name == "" || can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,}$", var.custom_domain_name))
    error_message = "A lower-case DNS name such as meals.example.com, or empty."
  }
}

variable "route53_zone_id" {
  description = "Route 53 hosted zone of custom_domain_name: certificate validation and alias records are created there (empty: publish them by hand)."
  type        = string
  default     = ""
}
