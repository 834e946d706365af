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

variable "field_encryption_key" {
  description = "FIELD_ENCRYPTION_KEY for a secret that has none yet (ephemeral, never stored); its own random value."
  type        = string
  default     = null
  ephemeral   = true
  sensitive   = true
}

variable "current_secret" {
  description = "The secret's current document (read ephemerally before a rewrite), whose keys are kept."
  type        = map(string)
  default     = {}
  ephemeral   = true
  sensitive   = true
}

variable "write_secret_value" {
  description = "Write the secret's value (false: only the empty secret is managed, e.g. in tests)."
  type        = bool
  default     = true
}

variable "app_secret_version" {
  description = "Bump to rotate SECRET_KEY (the secret's other keys are kept)."
  type        = number
  default     = 1
}
