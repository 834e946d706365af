mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name_prefix      = "mealtracker-dev"
  logs_kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
}

run "managed_rules_rate_limits_and_logs" {
  command = apply

  assert {
    condition     = length([for r in aws_wafv2_web_acl.this.rule : r if length(r.statement[0].rate_based_statement) > 0]) == 2
    error_message = "A global and a login rate limit."
  }

  assert {
    condition     = aws_wafv2_web_acl.this.scope == "REGIONAL" && output.web_acl_name == "mealtracker-dev-api"
    error_message = "A regional web ACL (REST API stages), named after the stage."
  }

  assert {
    condition     = startswith(aws_cloudwatch_log_group.waf.name, "aws-waf-logs-") && aws_cloudwatch_log_group.waf.retention_in_days >= 365
    error_message = "WAF log groups must start with aws-waf-logs-, and the logs are kept a year."
  }

  assert {
    condition     = length(aws_wafv2_web_acl_logging_configuration.this.redacted_fields) == 2
    error_message = "Cookies and the Authorization header never reach the WAF logs."
  }
}
