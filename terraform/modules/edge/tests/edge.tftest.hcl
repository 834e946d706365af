mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name_prefix          = "mealtracker-dev"
  account_id           = "123456789012"
  region               = "us-east-1"
  logs_kms_key_arn     = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  throttle_rate_limit  = 25
  throttle_burst_limit = 50
  web_acl_arn          = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/mealtracker-dev-api/11111111-2222-3333-4444-555555555555"
}

run "the_release_gets_throttling_access_logs_and_the_web_acl" {
  command = apply

  assert {
    condition     = output.stage_settings.throttle_rate_limit == 25 && output.stage_settings.throttle_burst_limit == 50
    error_message = "The stage's throttling comes from the environment."
  }

  assert {
    condition     = output.stage_settings.access_log_arn == "arn:aws:logs:us-east-1:123456789012:log-group:/aws/apigateway/mealtracker-dev/access"
    error_message = "Access logs go to the stage's own log group (ARN without ':*', known at plan)."
  }

  assert {
    condition     = output.stage_settings.web_acl_arn == var.web_acl_arn
    error_message = "The release associates the environment's web ACL."
  }

  assert {
    condition = alltrue([
      for field in ["$context.requestId", "$context.identity.sourceIp", "$context.status", "$context.responseLatency", "$context.wafResponseCode"] :
      contains(values(jsondecode(output.stage_settings.access_log_format)), field)
    ])
    error_message = "One JSON line per request with the request id, client, status, latency and WAF verdict."
  }

  assert {
    condition     = !strcontains(output.stage_settings.access_log_format, "userAgent") && !strcontains(output.stage_settings.access_log_format, "querystring")
    error_message = "No user agent or query strings in the access logs."
  }

  assert {
    condition     = aws_cloudwatch_log_group.access.kms_key_id == var.logs_kms_key_arn && aws_cloudwatch_log_group.access.retention_in_days >= 365
    error_message = "Access logs are encrypted and kept a year."
  }
}

run "api_gateway_may_write_the_logs_of_this_account" {
  command = apply

  assert {
    condition     = aws_api_gateway_account.this[0].cloudwatch_role_arn == aws_iam_role.apigateway_logs[0].arn
    error_message = "The account's API Gateway settings name the logging role."
  }

  assert {
    condition     = endswith(aws_iam_role_policy_attachment.apigateway_logs[0].policy_arn, ":policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs")
    error_message = "The logging role has the documented API Gateway logging policy."
  }
}

run "another_stack_may_own_the_account_logging_role" {
  command = apply

  variables {
    manage_account_logging_role = false
  }

  assert {
    condition     = length(aws_api_gateway_account.this) == 0 && output.account_logging_role_arn == null
    error_message = "With manage_account_logging_role off the account setting is left alone."
  }
}

run "no_custom_domain_by_default" {
  command = apply

  assert {
    condition     = output.custom_domain == null && output.stage_settings.custom_domain == null
    error_message = "The custom domain is off unless named."
  }

  assert {
    condition     = length(aws_acm_certificate.api) == 0 && length(aws_api_gateway_domain_name.api) == 0
    error_message = "No certificate nor domain name without a custom domain."
  }
}

run "custom_domain_with_a_route53_zone" {
  command = apply

  variables {
    custom_domain_name = "meals.example.com"
    route53_zone_id    = "Z0123456789ABCDEFGHIJ"
  }

  override_resource {
    target = aws_acm_certificate.api[0]
    values = {
      arn = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
      domain_validation_options = [{
        domain_name           = "meals.example.com"
        resource_record_name  = "_abc.meals.example.com."
        resource_record_type  = "CNAME"
        resource_record_value = "_def.acm-validations.aws."
      }]
    }
  }

  override_resource {
    target = aws_acm_certificate_validation.api[0]
    values = {
      certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
    }
  }

  assert {
    condition     = aws_acm_certificate.api[0].validation_method == "DNS" && aws_acm_certificate.api[0].domain_name == "meals.example.com"
    error_message = "An ACM certificate validated through DNS."
  }

  assert {
    condition     = aws_api_gateway_domain_name.api[0].security_policy == "TLS_1_2" && one(aws_api_gateway_domain_name.api[0].endpoint_configuration[0].types) == "REGIONAL"
    error_message = "A regional domain name (like Zappa's API) that refuses TLS below 1.2."
  }

  assert {
    condition     = aws_api_gateway_domain_name.api[0].regional_certificate_arn == "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
    error_message = "The domain name uses the validated certificate."
  }

  assert {
    condition     = length(aws_route53_record.certificate_validation) == 1 && toset(keys(aws_route53_record.api)) == toset(["A", "AAAA"])
    error_message = "Validation and alias records are created in the zone."
  }

  assert {
    condition     = output.stage_settings.custom_domain == "meals.example.com" && output.stage_settings.base_path == ""
    error_message = "The release maps the domain's root to the stage."
  }
}

run "custom_domain_without_route53_lists_the_records_to_publish" {
  command = apply

  variables {
    custom_domain_name = "meals.example.com"
  }

  override_resource {
    target = aws_acm_certificate.api[0]
    values = {
      arn = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
      domain_validation_options = [{
        domain_name           = "meals.example.com"
        resource_record_name  = "_abc.meals.example.com."
        resource_record_type  = "CNAME"
        resource_record_value = "_def.acm-validations.aws."
      }]
    }
  }

  assert {
    condition     = length(aws_route53_record.certificate_validation) == 0 && length(aws_route53_record.api) == 0
    error_message = "No Route 53 records without a zone."
  }

  assert {
    condition     = length(output.custom_domain_validation_records) == 1 && output.custom_domain_validation_records[0].name == "_abc.meals.example.com." && output.custom_domain_validation_records[0].value == "_def.acm-validations.aws."
    error_message = "The validation record to publish by hand is an output."
  }
}

run "a_custom_domain_must_be_a_dns_name" {
  command = plan

  variables {
    custom_domain_name = "https://meals.example.com/"
  }

  expect_failures = [var.custom_domain_name]
}

run "access_logs_are_kept_a_year" {
  command = plan

  variables {
    access_log_retention_days = 30
  }

  expect_failures = [var.access_log_retention_days]
}
