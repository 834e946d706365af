variable "name_prefix" {
  description = "Prefix of every name, e.g. mealtracker-dev."
  type        = string
}

variable "function_name" {
  description = "Lambda function name Zappa creates: <project_name>-<stage>."
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

variable "app_secret_arn" {
  description = "App secret (SECRET_KEY and DB credentials)."
  type        = string
}

variable "data_kms_key_arn" {
  description = "Data key (secrets, S3, SQS)."
  type        = string
}

variable "receipts_bucket_arn" {
  description = "Receipts bucket ARN."
  type        = string
}

variable "deployments_bucket_arn" {
  description = "Zappa deployment bucket ARN."
  type        = string
}

variable "dlq_arn" {
  description = "SQS dead-letter queue for failed asynchronous invocations."
  type        = string
}

variable "db_resource_id" {
  description = "RDS resource id (db-XXXX) for rds-db:connect."
  type        = string
}

variable "db_iam_username" {
  description = "Database user allowed to log in with an IAM token (must be granted rds_iam in PostgreSQL)."
  type        = string
  default     = "mealtracker_app"
}

variable "enable_xray" {
  description = "Allow the function to send X-Ray traces (set xray_tracing in Zappa too)."
  type        = bool
  default     = false
}

variable "github_repository" {
  description = "owner/name of the GitHub repository allowed to deploy; empty creates no deploy role."
  type        = string
  default     = ""

  validation {
    condition     = var.github_repository == "" || can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "Use owner/name."
  }
}

variable "github_environment" {
  description = "GitHub environment whose jobs may assume the deploy role."
  type        = string
  default     = ""
}

variable "github_oidc_provider_arn" {
  description = "ARN of the account's GitHub OIDC provider (created by terraform/bootstrap)."
  type        = string
  default     = ""
}

variable "enable_textract" {
  description = "Allow the function to call Textract AnalyzeExpense (receipt OCR with OCR_BACKEND=textract)."
  type        = bool
  default     = true
}

variable "api_stage" {
  description = "REST API stage (the Zappa stage) whose settings the release applies."
  type        = string
  default     = ""
}

variable "web_acl_name" {
  description = "Name of the WAF web ACL the release associates with the stage (empty: no WAF)."
  type        = string
  default     = ""
}

variable "custom_domain_name" {
  description = "Custom domain whose base path mapping the release points at the stage (empty: none)."
  type        = string
  default     = ""
}
