# What the REST API's stage gets once Zappa has made it: access logs, throttling, the WAF web ACL and,
# optionally, a custom domain. Zappa creates the REST API and its stage (CloudFormation plus CreateDeployment)
# on the first `zappa deploy`, so Terraform cannot own the stage: an aws_api_gateway_stage would fight
# Zappa's deployments, and anything keyed by the API id (a WAF association, a base path mapping) would be
# missing after the first deploy and destroyed by any apply that is not told the id. Terraform builds what
# the stage points at and publishes it as the output `stage_settings`; deploy/release.py applies it to the
# stage after every `zappa deploy` or `zappa update` (UpdateStage, AssociateWebACL, a base path mapping),
# idempotently, before the new version gets any traffic.

locals {
  custom_domain = var.custom_domain_name != ""
  # Built from the name, so the plan (and the deploy rehearsal) knows it; API Gateway wants no ":*" suffix.
  access_log_group = "/aws/apigateway/${var.name_prefix}/access"
  access_log_arn   = "arn:${var.partition}:logs:${var.region}:${var.account_id}:log-group:${local.access_log_group}"
  manage_dns       = local.custom_domain && var.route53_zone_id != ""

  # One JSON object per request. The client address is kept (abuse, WAF tuning); the user agent, headers and
  # query strings are not (personal data with no operational use). $context.requestId is required by API Gateway.
  access_log_format = jsonencode({
    requestId          = "$context.requestId"
    extendedRequestId  = "$context.extendedRequestId"
    time               = "$context.requestTime"
    ip                 = "$context.identity.sourceIp"
    method             = "$context.httpMethod"
    path               = "$context.path"
    protocol           = "$context.protocol"
    status             = "$context.status"
    responseLength     = "$context.responseLength"
    responseLatency    = "$context.responseLatency"
    integrationLatency = "$context.integrationLatency"
    integrationStatus  = "$context.integration.status"
    error              = "$context.error.message"
    waf                = "$context.wafResponseCode"
    domain             = "$context.domainName"
  })
}

# --- Access logs ------------------------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "access" {
  name              = local.access_log_group
  retention_in_days = var.access_log_retention_days
  kms_key_id        = var.logs_kms_key_arn
}

# API Gateway writes logs to CloudWatch only through the role named in the account's API Gateway settings
# (one per account and region). Off when another stack in the same account and region already sets it.
data "aws_iam_policy_document" "apigateway_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["apigateway.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.account_id]
    }
  }
}

resource "aws_iam_role" "apigateway_logs" {
  count = var.manage_account_logging_role ? 1 : 0

  name               = "${var.name_prefix}-apigateway-logs"
  description        = "API Gateway writes access logs of this account's REST APIs to CloudWatch Logs"
  assume_role_policy = data.aws_iam_policy_document.apigateway_assume.json
}

resource "aws_iam_role_policy_attachment" "apigateway_logs" {
  count = var.manage_account_logging_role ? 1 : 0

  role       = aws_iam_role.apigateway_logs[0].name
  policy_arn = "arn:${var.partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
}

resource "aws_api_gateway_account" "this" {
  count = var.manage_account_logging_role ? 1 : 0

  cloudwatch_role_arn = aws_iam_role.apigateway_logs[0].arn

  depends_on = [aws_iam_role_policy_attachment.apigateway_logs]
}

# --- Custom domain (optional) ---------------------------------------------------------------------------

resource "aws_acm_certificate" "api" {
  count = local.custom_domain ? 1 : 0

  domain_name       = var.custom_domain_name
  validation_method = "DNS"

  options {
    certificate_transparency_logging_preference = "ENABLED"
  }

  lifecycle {
    create_before_destroy = true
  }
}

# Keyed by the (static) domain name, so the plan knows the instances before the certificate exists.
resource "aws_route53_record" "certificate_validation" {
  for_each = local.manage_dns ? toset([var.custom_domain_name]) : toset([])

  zone_id         = var.route53_zone_id
  name            = one([for o in aws_acm_certificate.api[0].domain_validation_options : o.resource_record_name if o.domain_name == each.key])
  type            = one([for o in aws_acm_certificate.api[0].domain_validation_options : o.resource_record_type if o.domain_name == each.key])
  records         = [for o in aws_acm_certificate.api[0].domain_validation_options : o.resource_record_value if o.domain_name == each.key]
  ttl             = 300
  allow_overwrite = true
}

# Without a Route 53 zone this waits (up to 75 minutes) for the CNAME shown by the output
# custom_domain_validation_records to be published at the domain's DNS host.
resource "aws_acm_certificate_validation" "api" {
  count = local.custom_domain ? 1 : 0

  certificate_arn         = aws_acm_certificate.api[0].arn
  validation_record_fqdns = local.manage_dns ? [for r in aws_route53_record.certificate_validation : r.fqdn] : null
}

resource "aws_api_gateway_domain_name" "api" {
  count = local.custom_domain ? 1 : 0

  domain_name              = var.custom_domain_name
  regional_certificate_arn = aws_acm_certificate_validation.api[0].certificate_arn
  security_policy          = "TLS_1_2"

  endpoint_configuration {
    types = ["REGIONAL"] # zappa_settings.json endpoint_configuration
  }
}

resource "aws_route53_record" "api" {
  for_each = local.manage_dns ? toset(["A", "AAAA"]) : toset([])

  zone_id = var.route53_zone_id
  name    = var.custom_domain_name
  type    = each.key

  alias {
    name                   = aws_api_gateway_domain_name.api[0].regional_domain_name
    zone_id                = aws_api_gateway_domain_name.api[0].regional_zone_id
    evaluate_target_health = false
  }
}
