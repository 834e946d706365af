mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name_prefix    = "mealtracker-dev"
  account_id     = "123456789012"
  function_name  = "mealtracker-dev"
  api_name       = "mealtracker-dev"
  api_stage      = "dev"
  db_instance_id = "mealtracker-dev"
  region         = "us-east-1"
  db_proxy_name  = "mealtracker-dev"

  reserved_concurrency = 5
  logs_kms_key_arn     = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  data_kms_key_arn     = "arn:aws:kms:us-east-1:123456789012:key/66666666-2222-3333-4444-555555555555"
}

run "api_alarms_use_rest_api_metrics" {
  command = apply

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.api_5xx.namespace == "AWS/ApiGateway" &&
      aws_cloudwatch_metric_alarm.api_5xx.metric_name == "5XXError" &&
      aws_cloudwatch_metric_alarm.api_latency.metric_name == "Latency"
    )
    error_message = "REST APIs publish 5XXError and Latency in AWS/ApiGateway."
  }

  assert {
    condition = alltrue([
      for a in [aws_cloudwatch_metric_alarm.api_5xx, aws_cloudwatch_metric_alarm.api_latency] :
      length(a.dimensions) == 2 && a.dimensions["ApiName"] == "mealtracker-dev" && a.dimensions["Stage"] == "dev"
    ])
    error_message = "REST API metrics are keyed by ApiName and Stage (not ApiId, which HTTP APIs use)."
  }
}

run "lambda_and_rds_alarms_notify_the_encrypted_topic" {
  command = apply

  assert {
    condition = alltrue([
      for a in [
        aws_cloudwatch_metric_alarm.lambda_errors,
        aws_cloudwatch_metric_alarm.lambda_throttles,
        aws_cloudwatch_metric_alarm.lambda_duration,
        aws_cloudwatch_metric_alarm.db_cpu,
        aws_cloudwatch_metric_alarm.db_free_storage,
        aws_cloudwatch_metric_alarm.db_connections,
      ] : a.actions_enabled && contains(a.alarm_actions, aws_sns_topic.alarms.arn)
    ])
    error_message = "Every alarm notifies the SNS topic."
  }

  assert {
    condition     = aws_sns_topic.alarms.kms_master_key_id == var.logs_kms_key_arn
    error_message = "The alarm topic is KMS-encrypted."
  }

  assert {
    condition     = aws_cloudwatch_log_group.lambda.name == "/aws/lambda/mealtracker-dev" && aws_cloudwatch_log_group.lambda.kms_key_id == var.logs_kms_key_arn
    error_message = "The function's log group is pre-created and encrypted."
  }
}

run "retention_must_be_valid" {
  command = plan

  variables {
    log_retention_days = 45
  }

  expect_failures = [var.log_retention_days]
}

run "the_dashboard_shows_requests_latency_errors_cold_starts_connections_and_queue_depth" {
  command = apply

  assert {
    condition     = aws_cloudwatch_dashboard.this.dashboard_name == "mealtracker-dev"
    error_message = "One dashboard per stage, named after it."
  }

  assert {
    condition = alltrue([
      for wanted in [
        ["AWS/ApiGateway", "Count", "Sum"],
        ["AWS/ApiGateway", "Latency", "p50"],
        ["AWS/ApiGateway", "Latency", "p95"],
        ["AWS/ApiGateway", "5XXError", "Sum"],
        ["AWS/Lambda", "Errors", "Sum"],
        ["AWS/RDS", "ClientConnections", "Maximum"],
        ["AWS/RDS", "DatabaseConnections", "Maximum"],
        ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum"],
        ] : anytrue(flatten([
          for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : [
            for m in try(w.properties.metrics, []) : m[0] == wanted[0] && m[1] == wanted[1] && m[length(m) - 1].stat == wanted[2]
          ]
      ]))
    ])
    error_message = "Requests, p50/p95 latency, 5XX and function errors, proxy and database connections, and the queue depth are on the dashboard."
  }

  assert {
    condition = alltrue(flatten([
      for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : [
        for m in try(w.properties.metrics, []) :
        m[0] != "AWS/ApiGateway" || (contains(m, "ApiName") && contains(m, "mealtracker-dev") && contains(m, "Stage") && contains(m, "dev"))
      ]
    ]))
    error_message = "API metrics are keyed by ApiName and Stage, as REST APIs publish them."
  }

  assert {
    condition = anytrue([
      for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets :
      strcontains(try(w.properties.query, ""), "SOURCE '/aws/lambda/mealtracker-dev'") && strcontains(try(w.properties.query, ""), "@initDuration")
    ])
    error_message = "Cold starts come from the Init Duration of the function's REPORT lines."
  }

  assert {
    condition     = alltrue([for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : w.properties.region == "us-east-1"])
    error_message = "Every widget names the stage's region."
  }
}
