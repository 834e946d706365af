variable "name_prefix" {
  description = "Prefix of every name, e.g. mealtracker-dev."
  type        = string
}

variable "account_id" {
  description = "AWS account id (suffix of bucket names, so they are globally unique)."
  type        = string
}

variable "partition" {
  description = "AWS partition."
  type        = string
  default     = "aws"
}

variable "kms_key_arn" {
  description = "Customer-managed key for SSE-KMS."
  type        = string
}

variable "exports_expiration_days" {
  description = "Days after which objects under exports/ are deleted."
  type        = number
  default     = 7
}

variable "uploads_expiration_days" {
  description = "Days after which a direct upload left under uploads/ (never completed) is deleted."
  type        = number
  default     = 1

  validation {
    condition     = var.uploads_expiration_days >= 1 && var.uploads_expiration_days <= 7
    error_message = "Between 1 (S3 lifecycle's shortest) and 7 days: staging objects are not receipts yet."
  }
}

variable "receipts_cors_origins" {
  description = "Origins of the app (https://...) whose pages post receipts straight to the receipts bucket."
  type        = list(string)
  default     = []
}

variable "receipts_noncurrent_version_days" {
  description = "Days a replaced or deleted receipt version is kept (undo window)."
  type        = number
  default     = 90
}

variable "access_log_retention_days" {
  description = "Days to keep S3 access logs."
  type        = number
  default     = 365
}

variable "force_destroy" {
  description = "Allow destroying non-empty buckets (never in prod)."
  type        = bool
  default     = false
}
