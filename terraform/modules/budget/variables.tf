variable "name_prefix" {
  description = "Prefix of every name, e.g. mealtracker-dev."
  type        = string
}

variable "monthly_limit_usd" {
  description = "Monthly budget in USD."
  type        = number

  validation {
    condition     = var.monthly_limit_usd > 0
    error_message = "The budget must be positive."
  }
}

variable "sns_topic_arn" {
  description = "Topic notified when a threshold is crossed."
  type        = string
}

variable "emails" {
  description = "E-mail addresses notified directly by AWS Budgets."
  type        = list(string)
  default     = []
}

variable "actual_thresholds_percent" {
  description = "Percentages of actual spend that notify."
  type        = list(number)
  default     = [80, 100]
}

variable "environment_tag_key" {
  description = "Cost-allocation tag key that identifies the environment."
  type        = string
  default     = "Environment"
}

variable "environment_tag_value" {
  description = "Value of the tag; empty budgets the whole account."
  type        = string
  default     = ""
}
