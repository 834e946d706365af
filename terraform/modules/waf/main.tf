# AWS WAF in front of Zappa's REST API (weaknesses O4 and S7): AWS managed rules, a per-IP rate limit
# shared by every Lambda instance, and a tighter one on the login and token endpoints. The REST API
# is created by Zappa, so the association needs its id: pass rest_api_id once `zappa deploy` has run
# (.github/workflows/deploy.yml looks it up before each terraform plan).

locals {
  metric_prefix = replace(var.name_prefix, "-", "")
}

resource "aws_wafv2_web_acl" "this" {
  name        = "${var.name_prefix}-api"
  description = "Managed rules and rate limits for the ${var.name_prefix} API"
  scope       = "REGIONAL"

  default_action {
    allow {}
  }

  rule {
    name     = "aws-common"
    priority = 10

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesCommonRuleSet"

        # Receipt uploads and imports are larger than the rule set's 8 KB body limit: count, don't block.
        rule_action_override {
          name = "SizeRestrictions_BODY"

          action_to_use {
            count {}
          }
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${local.metric_prefix}AwsCommon"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "aws-known-bad-inputs"
    priority = 20

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesKnownBadInputsRuleSet"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${local.metric_prefix}KnownBadInputs"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "rate-limit-login"
    priority = 30

    action {
      block {}
    }

    statement {
      rate_based_statement {
        limit              = var.login_rate_limit_per_5_minutes
        aggregate_key_type = "IP"

        scope_down_statement {
          regex_match_statement {
            regex_string = "/(accounts/login|accounts/password/reset|api/v1/auth)"

            field_to_match {
              uri_path {}
            }

            text_transformation {
              priority = 0
              type     = "LOWERCASE"
            }
          }
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${local.metric_prefix}RateLimitLogin"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "rate-limit-per-ip"
    priority = 40

    action {
      block {}
    }

    statement {
      rate_based_statement {
        limit              = var.rate_limit_per_5_minutes
        aggregate_key_type = "IP"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${local.metric_prefix}RateLimitPerIp"
      sampled_requests_enabled   = true
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "${local.metric_prefix}Api"
    sampled_requests_enabled   = true
  }
}

# WAF requires the log group name to start with "aws-waf-logs-".
resource "aws_cloudwatch_log_group" "waf" {
  name              = "aws-waf-logs-${var.name_prefix}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn
}

resource "aws_wafv2_web_acl_logging_configuration" "this" {
  resource_arn            = aws_wafv2_web_acl.this.arn
  log_destination_configs = [aws_cloudwatch_log_group.waf.arn]

  # Session cookies and bearer tokens never reach the logs.
  redacted_fields {
    single_header {
      name = "authorization"
    }
  }

  redacted_fields {
    single_header {
      name = "cookie"
    }
  }
}

resource "aws_wafv2_web_acl_association" "api" {
  count = var.rest_api_id == "" ? 0 : 1

  resource_arn = "arn:${var.partition}:apigateway:${var.region}::/restapis/${var.rest_api_id}/stages/${var.api_stage}"
  web_acl_arn  = aws_wafv2_web_acl.this.arn
}
