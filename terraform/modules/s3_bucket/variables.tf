variable "name" {
  description = "Globally unique bucket name."
  type        = string
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for SSE-KMS default encryption."
  type        = string
}

variable "access_log_bucket" {
  description = "Name of the bucket that receives this bucket's server access logs."
  type        = string
}

variable "noncurrent_version_expiration_days" {
  description = "Days after which non-current object versions are deleted."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1
    error_message = "Must be at least 1 day."
  }
}

variable "noncurrent_versions_to_keep" {
  description = "How many non-current versions survive the expiry regardless of age."
  type        = number
  default     = 3
}

variable "prefix_expirations" {
  description = "Map of key prefix (e.g. \"exports/\") to the number of days after which its objects expire."
  type        = map(number)
  default     = {}
}

variable "force_destroy" {
  description = "Allow destroying a non-empty bucket. Keep false outside throw-away environments."
  type        = bool
  default     = false
}
