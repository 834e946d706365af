variable "app_name" {
  description = "Application name (prefix of every name)."
  type        = string
  default     = "mealtracker"
}

variable "region" {
  description = "Region of the state bucket."
  type        = string
  default     = "us-east-1"
}

variable "allowed_account_ids" {
  description = "If set, the provider refuses to touch any other account."
  type        = list(string)
  default     = []
}

variable "environments" {
  description = "Environments that get a GitHub Actions Terraform role."
  type        = list(string)
  default     = ["dev", "staging", "prod"]
}

variable "github_repository" {
  description = "owner/name of the repository whose workflows may run Terraform; empty: no roles."
  type        = string
  default     = ""
}

variable "create_github_oidc_provider" {
  description = "Create the account's GitHub OIDC provider (there can be only one per account)."
  type        = bool
  default     = true
}

variable "existing_github_oidc_provider_arn" {
  description = "ARN of an existing GitHub OIDC provider when create_github_oidc_provider is false."
  type        = string
  default     = ""
}
