variable "name" {
  description = "Globally unique bucket name."
  type        = string
}

variable "account_id" {
  description = "Account whose buckets may deliver access logs here."
  type        = string
}

variable "source_bucket_arns" {
  description = "ARN patterns of the buckets allowed to deliver logs (e.g. arn:aws:s3:::myapp-dev-*)."
  type        = list(string)
}

variable "retention_days" {
  description = "Days to keep access logs."
  type        = number
  default     = 365
}

variable "force_destroy" {
  description = "Allow destroying a non-empty bucket."
  type        = bool
  default     = false
}
