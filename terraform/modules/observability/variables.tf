variable "name_prefix" {
  description = "Prefix of every name, e.g. mealtracker-dev."
  type        = string
}

variable "account_id" {
  description = "AWS account id."
  type        = string
}

variable "function_name" {
  description = "Lambda function name (Zappa: <project_name>-<stage>)."
  type        = string
}

variable "api_name" {
  description = "REST API name: Zappa names it after the function."
  type        = string
}

variable "api_stage" {
  description = "REST API stage: the Zappa stage name."
  type        = string
}

variable "region" {
  description = "AWS region (the dashboard's widgets name it)."
  type        = string
}

variable "db_proxy_name" {
  description = "RDS Proxy name (its connection metrics on the dashboard)."
  type        = string
}

variable "reserved_concurrency" {
  description = "The function's reserved concurrency (shown next to its concurrency on the dashboard)."
  type        = number
}

variable "db_instance_id" {
  description = "RDS instance identifier."
  type        = string
}

variable "logs_kms_key_arn" {
  description = "Key for log groups and the SNS topic."
  type        = string
}

variable "data_kms_key_arn" {
  description = "Key for the dead-letter queue (it holds event payloads)."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the function's logs (at least 90 days in prod)."
  type        = number
  default     = 90

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "Use a retention CloudWatch Logs accepts."
  }
}

variable "alarm_emails" {
  description = "E-mail addresses subscribed to the alarm topic (each must confirm)."
  type        = list(string)
  default     = []
}

variable "lambda_error_threshold" {
  description = "Function errors in 5 minutes that raise the alarm."
  type        = number
  default     = 1
}

variable "lambda_duration_p95_ms" {
  description = "p95 function duration (ms) that raises the alarm."
  type        = number
  default     = 10000
}

variable "api_5xx_threshold" {
  description = "API 5XX responses in 5 minutes that raise the alarm."
  type        = number
  default     = 5
}

variable "api_latency_p95_ms" {
  description = "p95 API latency (ms) that raises the alarm."
  type        = number
  default     = 3000
}

variable "db_cpu_percent" {
  description = "Average RDS CPU (%) that raises the alarm."
  type        = number
  default     = 80
}

variable "db_free_storage_bytes" {
  description = "Free storage (bytes) below which the alarm is raised."
  type        = number
  default     = 2147483648
}

variable "db_connections_max" {
  description = "Connections above which the alarm is raised."
  type        = number
  default     = 60
}
