variable "name_prefix" {
  description = "Prefix of every name, e.g. mealtracker-staging."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the function."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets (two AZs) for the cache's endpoints."
  type        = list(string)
}

variable "lambda_security_group_id" {
  description = "The function's security group (the only one allowed in on 6379)."
  type        = string
}

variable "kms_key_arn" {
  description = "Data key encrypting the cache at rest."
  type        = string
}

variable "engine" {
  description = "valkey (cheaper) or redis; both speak the Redis protocol the app uses."
  type        = string
  default     = "valkey"

  validation {
    condition     = contains(["valkey", "redis"], var.engine)
    error_message = "valkey or redis."
  }
}

variable "major_engine_version" {
  description = "Major engine version (valkey 8, redis 7)."
  type        = string
  default     = "8"
}

variable "max_data_storage_gb" {
  description = "Upper bound of stored data (GB): a cost ceiling."
  type        = number
  default     = 1
}

variable "max_ecpu_per_second" {
  description = "Upper bound of ElastiCache Processing Units per second: a cost ceiling."
  type        = number
  default     = 5000
}
