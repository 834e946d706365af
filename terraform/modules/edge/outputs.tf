output "access_log_group_arn" {
  description = "Access log group of the stage."
  value       = local.access_log_arn
}

output "access_log_group_name" {
  description = "Access log group name."
  value       = aws_cloudwatch_log_group.access.name
}

output "custom_domain" {
  description = "The custom domain (null when none)."
  value       = local.custom_domain ? var.custom_domain_name : null
}

output "custom_domain_target" {
  description = "Where the custom domain must point (CNAME or alias) when its DNS is not in Route 53 (null when none)."
  value       = one(aws_api_gateway_domain_name.api[*].regional_domain_name)
}

output "custom_domain_validation_records" {
  description = "DNS records that prove ownership of the custom domain to ACM (publish them when the zone is not in Route 53)."
  value = local.custom_domain ? [
    for o in aws_acm_certificate.api[0].domain_validation_options : {
      name  = o.resource_record_name
      type  = o.resource_record_type
      value = o.resource_record_value
    }
  ] : []
}

output "stage_settings" {
  description = "What deploy/release.py applies to Zappa's REST API stage after every deploy or update."
  value = {
    throttle_rate_limit  = var.throttle_rate_limit
    throttle_burst_limit = var.throttle_burst_limit
    access_log_arn       = local.access_log_arn
    access_log_format    = local.access_log_format
    web_acl_arn          = var.web_acl_arn
    custom_domain        = local.custom_domain ? var.custom_domain_name : null
    base_path            = "" # the domain's root is the stage: static URLs need no /<stage> prefix there
  }
}

output "account_logging_role_arn" {
  description = "Role API Gateway uses to write CloudWatch Logs (null when another stack manages the account setting)."
  value       = one(aws_iam_role.apigateway_logs[*].arn)
}
