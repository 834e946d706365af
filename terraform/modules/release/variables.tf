variable "function_name" {
  description = "Lambda function name (Zappa: <project_name>-<stage>)."
  type        = string
}

variable "alias_name" {
  description = "Alias API Gateway and the schedules call (zappa apigateway_lambda_qualifier)."
  type        = string
  default     = "live"
}

variable "api_name" {
  description = "REST API name (Zappa names it after the function)."
  type        = string
}

variable "api_stage" {
  description = "REST API stage (the Zappa stage)."
  type        = string
}

variable "alarm_topic_arn" {
  description = "SNS topic told when a canary alarm fires; empty: none."
  type        = string
  default     = ""
}

variable "api_5xx_per_minute" {
  description = "5XX responses in one minute that stop a canary."
  type        = number
  default     = 3
}

variable "api_latency_p95_ms" {
  description = "p95 latency (ms) that, held for two minutes, stops a canary."
  type        = number
  default     = 3000
}

variable "function_errors_per_minute" {
  description = "Function errors (crashes, timeouts, unhandled exceptions) in one minute through the alias that stop a canary."
  type        = number
  default     = 1
}
