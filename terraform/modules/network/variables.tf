variable "name_prefix" {
  description = "Prefix of every name, e.g. mealtracker-dev."
  type        = string
}

variable "account_id" {
  description = "AWS account id (used to bind policies to this account)."
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

variable "cidr_block" {
  description = "VPC CIDR; split into /20 subnets (needs at least a /16)."
  type        = string
  default     = "10.40.0.0/16"

  validation {
    condition     = can(cidrnetmask(var.cidr_block)) && tonumber(split("/", var.cidr_block)[1]) <= 16
    error_message = "Use a valid CIDR of size /16 or larger."
  }
}

variable "azs" {
  description = "Availability zones, exactly two (RDS subnet groups need two; Lambda spreads over both)."
  type        = list(string)

  validation {
    condition     = length(var.azs) == 2
    error_message = "Give exactly two availability zones."
  }
}

variable "enable_nat_gateway" {
  description = "Create one NAT gateway for outbound internet access (about 35 USD/month); off by default."
  type        = bool
  default     = false
}

variable "interface_endpoint_services" {
  description = "AWS services reached through interface endpoints (Secrets Manager and CloudWatch Logs at least; Textract for receipt OCR)."
  type        = list(string)
  default     = ["secretsmanager", "logs", "textract"]

  validation {
    condition     = contains(var.interface_endpoint_services, "secretsmanager") && contains(var.interface_endpoint_services, "logs")
    error_message = "secretsmanager and logs endpoints are required (the function has no NAT by default)."
  }
}

variable "logs_kms_key_arn" {
  description = "KMS key for the flow-log log group."
  type        = string
}

variable "flow_log_retention_days" {
  description = "Retention of VPC flow logs."
  type        = number
  default     = 90
}
