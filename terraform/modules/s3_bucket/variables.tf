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

variable "cors_rules" {
  description = "CORS rules for browsers that talk to the bucket directly (presigned POST uploads); empty: no CORS."
  type = list(object({
    allowed_methods = list(string)
    allowed_origins = list(string)
    allowed_headers = optional(list(string), [])
    expose_headers  = optional(list(string), [])
    max_age_seconds = optional(number, 3000)
  }))
  default = []

  validation {
    condition = alltrue(flatten([
      for r in var.cors_rules : [for o in r.allowed_origins : startswith(o, "https://") && length(regexall("\\*", o)) <= 1]
    ]))
    error_message = "Origins are https:// origins (never \"*\" alone), with at most one wildcard each, as S3 allows."
  }

  validation {
    condition     = alltrue([for r in var.cors_rules : length(setsubtract(r.allowed_methods, ["GET", "PUT", "POST", "DELETE", "HEAD"])) == 0])
    error_message = "S3 CORS methods are GET, PUT, POST, DELETE and HEAD."
  }
}
