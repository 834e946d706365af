variable "name_prefix" {
  description = "Prefix of every name, e.g. mealtracker-dev."
  type        = string
}

variable "function_name" {
  description = "The app's Lambda function (created by Zappa); the routes invoke it through its alias."
  type        = string
}

variable "function_alias" {
  description = "The alias the WebSocket routes invoke (the one releases shift traffic on)."
  type        = string
  default     = "live"
}

variable "lambda_role_name" {
  description = "The function's execution role: it is given execute-api:ManageConnections on this API's stage."
  type        = string
}

variable "stage_name" {
  description = "The WebSocket API's stage (the Zappa stage name)."
  type        = string
}

variable "account_id" {
  description = "The AWS account id."
  type        = string
}

variable "region" {
  description = "The AWS region."
  type        = string
}

variable "partition" {
  description = "The AWS partition (aws, aws-cn, aws-us-gov)."
  type        = string
  default     = "aws"
}

variable "logs_kms_key_arn" {
  description = "KMS key of the access log group."
  type        = string
}

variable "access_log_retention_days" {
  description = "How long the WebSocket API's access logs are kept."
  type        = number
  default     = 365
}

variable "throttle_rate_limit" {
  description = "Steady messages (and connects) per second across the stage."
  type        = number
  default     = 50
}

variable "throttle_burst_limit" {
  description = "Burst of messages (and connects) across the stage."
  type        = number
  default     = 100
}
