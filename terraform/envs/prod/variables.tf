variable "region" {
  description = "AWS region."
  type        = string
  default     = "us-east-1"
}

variable "allowed_account_ids" {
  description = "If set, the provider refuses to touch any other account."
  type        = list(string)
  default     = []
}

variable "alarm_emails" {
  description = "Addresses for alarms and budget notifications."
  type        = list(string)
  default     = []
}

variable "github_repository" {
  description = "owner/name of the GitHub repository allowed to deploy this environment; empty: no deploy role."
  type        = string
  default     = ""
}

variable "github_oidc_provider_arn" {
  description = "GitHub OIDC provider ARN (output of terraform/bootstrap)."
  type        = string
  default     = ""
}

variable "custom_domain_name" {
  description = "Optional custom domain of the stage, e.g. meals.example.com (empty: the execute-api URL only)."
  type        = string
  default     = ""
}

variable "route53_zone_id" {
  description = "Route 53 hosted zone of custom_domain_name (empty: publish the validation and alias records by hand)."
  type        = string
  default     = ""
}

variable "manage_api_gateway_logging_role" {
  description = "Set the account's API Gateway CloudWatch Logs role; false when another stage of the same account and region sets it."
  type        = bool
  default     = true
}

variable "db_deletion_protection" {
  description = "Keep on; switch off only to destroy the environment on purpose."
  type        = bool
  default     = true
}

variable "write_app_secret" {
  description = "Write the app secret's value; false only in offline tests (terraform test)."
  type        = bool
  default     = true
}

variable "app_secret_version" {
  description = "The app secret's revision, committed in app-secret.auto.tfvars: bump it there to rotate SECRET_KEY."
  type        = number

  validation {
    condition     = var.app_secret_version >= 1 && floor(var.app_secret_version) == var.app_secret_version
    error_message = "app_secret_version is a whole number from 1; it only ever goes up."
  }
}

variable "db_role_bootstrap" {
  description = "On only while `zappa manage <stage> create_app_db_role` runs: the function may read the master secret."
  type        = bool
  default     = false
}
