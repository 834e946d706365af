# The alarms a release watches while the alias `live` sends part of the traffic to a new version
# (deploy/release.py): one-minute periods so a 5-minute canary sees several datapoints. Any of them
# in ALARM moves the alias back to the previous version. Missing data (no traffic) is not breaching.

locals {
  api_dims      = { ApiName = var.api_name, Stage = var.api_stage }
  alias_dims    = { FunctionName = var.function_name, Resource = "${var.function_name}:${var.alias_name}" }
  alarm_actions = var.alarm_topic_arn == "" ? [] : [var.alarm_topic_arn]
}

resource "aws_cloudwatch_metric_alarm" "api_5xx" {
  alarm_name          = "${var.function_name}-canary-api-5xx"
  alarm_description   = "Release canary: the REST API answered 5XX."
  namespace           = "AWS/ApiGateway"
  metric_name         = "5XXError"
  dimensions          = local.api_dims
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  threshold           = var.api_5xx_per_minute
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "api_latency" {
  alarm_name          = "${var.function_name}-canary-api-latency-p95"
  alarm_description   = "Release canary: REST API p95 latency is high."
  namespace           = "AWS/ApiGateway"
  metric_name         = "Latency"
  dimensions          = local.api_dims
  extended_statistic  = "p95"
  period              = 60
  evaluation_periods  = 2
  datapoints_to_alarm = 2
  threshold           = var.api_latency_p95_ms
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "alias_errors" {
  alarm_name          = "${var.function_name}-canary-errors"
  alarm_description   = "Release canary: the function failed behind the alias ${var.alias_name}."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = local.alias_dims
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  threshold           = var.function_errors_per_minute
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
}
