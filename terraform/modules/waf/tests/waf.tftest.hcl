mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name_prefix      = "mealtracker-dev"
  region           = "us-east-1"
  api_stage        = "dev"
  logs_kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
}

run "not_associated_before_the_first_zappa_deploy" {
  command = apply

  assert {
    condition     = !output.associated
    error_message = "Without a REST API id nothing is associated."
  }

  assert {
    condition     = length([for r in aws_wafv2_web_acl.this.rule : r if length(r.statement[0].rate_based_statement) > 0]) == 2
    error_message = "A global and a login rate limit."
  }

  assert {
    condition     = startswith(aws_cloudwatch_log_group.waf.name, "aws-waf-logs-")
    error_message = "WAF log groups must start with aws-waf-logs-."
  }
}

run "associated_with_the_zappa_stage" {
  command = apply

  variables {
    rest_api_id = "abc123defg"
  }

  assert {
    condition     = aws_wafv2_web_acl_association.api[0].resource_arn == "arn:aws:apigateway:us-east-1::/restapis/abc123defg/stages/dev"
    error_message = "The web ACL protects the Zappa stage."
  }
}
