# AWS WAF in front of Zappa's REST API (weaknesses O4 and S7): AWS managed rules, a per-IP rate limit
# shared by every Lambda instance, and a tighter one on the login and token endpoints. The REST API and
# its stage are created by Zappa, so the web ACL is associated with the stage by deploy/release.py after
# every deploy (modules/edge, output stage_settings), not here: an association in Terraform needs the API
# id, is missing after the first deploy, and any apply not given the id would remove it.

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

# The association used to live here (with the API id as a variable); the release owns it now. Forget the
# resource without disassociating, so the stage stays protected while state catches up.
removed {
  from = aws_wafv2_web_acl_association.api

  lifecycle {
    destroy = false
  }
}
