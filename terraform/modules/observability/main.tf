# Log groups, the alarm topic, the dead-letter queue and the alarms (weakness O1: the API alarms use
# the metrics a REST API really publishes - AWS/ApiGateway 5XXError/Latency by ApiName and Stage - and
# Zappa creates a REST API named after the function, with the Zappa stage as its stage).

locals {
  alarm_actions = [aws_sns_topic.alarms.arn]
  lambda_dims   = { FunctionName = var.function_name }
  api_dims      = { ApiName = var.api_name, Stage = var.api_stage }
  db_dims       = { DBInstanceIdentifier = var.db_instance_id }
}

resource "aws_cloudwatch_log_group" "lambda" {
  #checkov:skip=CKV_AWS_338:Application logs: retention is per stage (log_retention_days: 365 in prod, asserted by envs/prod tests; 30 in dev, 90 in staging, where they serve debugging and hold request details). Audit logs (API access, WAF, flow logs, PostgreSQL) keep 365 days in every stage.
  name              = "/aws/lambda/${var.function_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn
}

# --- Alarm topic ------------------------------------------------------------------------------------

resource "aws_sns_topic" "alarms" {
  name              = "${var.name_prefix}-alarms"
  kms_master_key_id = var.logs_kms_key_arn
}

data "aws_iam_policy_document" "alarms_topic" {
  statement {
    sid       = "AllowCloudWatchAndBudgetsOfThisAccount"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alarms.arn]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com", "budgets.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.account_id]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alarms.arn]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_sns_topic_policy" "alarms" {
  arn    = aws_sns_topic.alarms.arn
  policy = data.aws_iam_policy_document.alarms_topic.json
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.alarm_emails)

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = each.value
}

# --- Dead-letter queue for failed asynchronous invocations (Zappa dead_letter_arn) -------------------

resource "aws_sqs_queue" "dlq" {
  name                              = "${var.name_prefix}-dlq"
  kms_master_key_id                 = var.data_kms_key_arn
  kms_data_key_reuse_period_seconds = 3600
  message_retention_seconds         = 1209600 # 14 days, the maximum
}

# --- Alarms -----------------------------------------------------------------------------------------

resource "aws_cloudwatch_metric_alarm" "lambda_errors" {
  alarm_name          = "${var.function_name}-errors"
  alarm_description   = "The function raised errors (unhandled exceptions, timeouts, crashes)."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = local.lambda_dims
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.lambda_error_threshold
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  actions_enabled     = true
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "lambda_throttles" {
  alarm_name          = "${var.function_name}-throttles"
  alarm_description   = "Invocations were throttled (concurrency limit reached)."
  namespace           = "AWS/Lambda"
  metric_name         = "Throttles"
  dimensions          = local.lambda_dims
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  actions_enabled     = true
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "lambda_duration" {
  alarm_name          = "${var.function_name}-duration-p95"
  alarm_description   = "p95 duration is close to API Gateway's 29 s integration limit."
  namespace           = "AWS/Lambda"
  metric_name         = "Duration"
  dimensions          = local.lambda_dims
  extended_statistic  = "p95"
  period              = 300
  evaluation_periods  = 3
  threshold           = var.lambda_duration_p95_ms
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  actions_enabled     = true
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "dlq_messages" {
  alarm_name          = "${var.name_prefix}-dlq-not-empty"
  alarm_description   = "An asynchronous invocation failed all retries and landed in the dead-letter queue."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.dlq.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  actions_enabled     = true
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "api_5xx" {
  alarm_name          = "${var.api_name}-${var.api_stage}-api-5xx"
  alarm_description   = "API Gateway (REST) returned 5XX responses."
  namespace           = "AWS/ApiGateway"
  metric_name         = "5XXError"
  dimensions          = local.api_dims
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.api_5xx_threshold
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  actions_enabled     = true
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "api_latency" {
  alarm_name          = "${var.api_name}-${var.api_stage}-api-latency-p95"
  alarm_description   = "API Gateway (REST) p95 latency is high."
  namespace           = "AWS/ApiGateway"
  metric_name         = "Latency"
  dimensions          = local.api_dims
  extended_statistic  = "p95"
  period              = 300
  evaluation_periods  = 3
  threshold           = var.api_latency_p95_ms
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  actions_enabled     = true
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "db_cpu" {
  alarm_name          = "${var.db_instance_id}-cpu"
  alarm_description   = "RDS CPU above threshold for 15 minutes."
  namespace           = "AWS/RDS"
  metric_name         = "CPUUtilization"
  dimensions          = local.db_dims
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  threshold           = var.db_cpu_percent
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "breaching"
  actions_enabled     = true
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "db_free_storage" {
  alarm_name          = "${var.db_instance_id}-free-storage"
  alarm_description   = "RDS free storage is low."
  namespace           = "AWS/RDS"
  metric_name         = "FreeStorageSpace"
  dimensions          = local.db_dims
  statistic           = "Minimum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.db_free_storage_bytes
  comparison_operator = "LessThanThreshold"
  treat_missing_data  = "breaching"
  actions_enabled     = true
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "db_connections" {
  alarm_name          = "${var.db_instance_id}-connections"
  alarm_description   = "Many database connections: each warm Lambda instance holds one."
  namespace           = "AWS/RDS"
  metric_name         = "DatabaseConnections"
  dimensions          = local.db_dims
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 2
  threshold           = var.db_connections_max
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  actions_enabled     = true
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

# --- Dashboard ----------------------------------------------------------------------------------------
# One page per stage: requests, latency p50/p95, errors, cold starts, database connections, queue depth.
# Cold starts have no Lambda metric: the function's REPORT lines carry "Init Duration" on a cold start only,
# which Logs Insights reads as @initDuration (the widget's query scans the log group when the page is opened).

locals {
  dlq_dims   = { QueueName = aws_sqs_queue.dlq.name }
  proxy_dims = { ProxyName = var.db_proxy_name }

  # [namespace, metric, dimension name, value, ..., {options}] as CloudWatch dashboards want them.
  dashboard_metric = { for k, v in {
    requests       = ["AWS/ApiGateway", "Count", local.api_dims, { stat = "Sum", label = "requests" }]
    latency_p50    = ["AWS/ApiGateway", "Latency", local.api_dims, { stat = "p50", label = "p50" }]
    latency_p95    = ["AWS/ApiGateway", "Latency", local.api_dims, { stat = "p95", label = "p95" }]
    function_p95   = ["AWS/Lambda", "Duration", local.lambda_dims, { stat = "p95", label = "function p95" }]
    api_4xx        = ["AWS/ApiGateway", "4XXError", local.api_dims, { stat = "Sum", label = "4XX" }]
    api_5xx        = ["AWS/ApiGateway", "5XXError", local.api_dims, { stat = "Sum", label = "5XX" }]
    errors         = ["AWS/Lambda", "Errors", local.lambda_dims, { stat = "Sum", label = "function errors" }]
    throttles      = ["AWS/Lambda", "Throttles", local.lambda_dims, { stat = "Sum", label = "throttles" }]
    concurrency    = ["AWS/Lambda", "ConcurrentExecutions", local.lambda_dims, { stat = "Maximum", label = "concurrent executions" }]
    proxy_clients  = ["AWS/RDS", "ClientConnections", local.proxy_dims, { stat = "Maximum", label = "proxy: client connections" }]
    proxy_database = ["AWS/RDS", "DatabaseConnections", local.proxy_dims, { stat = "Maximum", label = "proxy: database connections" }]
    db_connections = ["AWS/RDS", "DatabaseConnections", local.db_dims, { stat = "Maximum", label = "instance: connections" }]
    dlq_depth      = ["AWS/SQS", "ApproximateNumberOfMessagesVisible", local.dlq_dims, { stat = "Maximum", label = "dead-letter queue" }]
    dlq_age        = ["AWS/SQS", "ApproximateAgeOfOldestMessage", local.dlq_dims, { stat = "Maximum", label = "oldest message (s)" }]
    } : k => concat([v[0], v[1]], flatten([for name, value in v[2] : [name, value]]), [v[3]])
  }

  dashboard_panels = [
    { title = "Requests", metrics = ["requests"], period = 60 },
    { title = "Latency (API Gateway p50, p95; function p95), ms", metrics = ["latency_p50", "latency_p95", "function_p95"], period = 60 },
    { title = "Errors", metrics = ["api_4xx", "api_5xx", "errors", "throttles"], period = 60 },
    { title = "Concurrency (reserved: ${var.reserved_concurrency})", metrics = ["concurrency"], period = 60 },
    { title = "Database connections (RDS Proxy and instance)", metrics = ["proxy_clients", "proxy_database", "db_connections"], period = 60 },
    { title = "Queue depth (dead-letter queue of asynchronous invocations)", metrics = ["dlq_depth", "dlq_age"], period = 300 },
  ]

  cold_start_query = join(" | ", [
    "SOURCE '${aws_cloudwatch_log_group.lambda.name}'",
    "filter @type = \"REPORT\" and ispresent(@initDuration)",
    "stats count(*) as cold_starts, pct(@initDuration, 50) as init_p50_ms, pct(@initDuration, 95) as init_p95_ms by bin(5m)",
  ])

  dashboard_widgets = concat(
    [for i, panel in local.dashboard_panels : {
      type   = "metric"
      x      = (i % 2) * 12
      y      = floor(i / 2) * 6
      width  = 12
      height = 6
      properties = {
        title   = panel.title
        region  = var.region
        view    = "timeSeries"
        stacked = false
        period  = panel.period
        metrics = [for m in panel.metrics : local.dashboard_metric[m]]
      }
    }],
    [{
      type   = "log"
      x      = 0
      y      = ceil(length(local.dashboard_panels) / 2) * 6
      width  = 24
      height = 6
      properties = {
        title  = "Cold starts (Init Duration from the function's REPORT lines)"
        region = var.region
        view   = "timeSeries"
        query  = local.cold_start_query
      }
    }],
  )
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.name_prefix
  dashboard_body = jsonencode({ widgets = local.dashboard_widgets })
}
