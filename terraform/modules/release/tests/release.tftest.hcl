mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  function_name = "mealtracker-dev"
  api_name      = "mealtracker-dev"
  api_stage     = "dev"
}

run "canary_alarms_watch_the_alias_and_the_api_minute_by_minute" {
  command = apply

  assert {
    condition     = aws_cloudwatch_metric_alarm.alias_errors.dimensions["Resource"] == "mealtracker-dev:live"
    error_message = "Function errors are read through the alias live (its Resource dimension)."
  }

  assert {
    condition = alltrue([
      for a in [aws_cloudwatch_metric_alarm.api_5xx, aws_cloudwatch_metric_alarm.api_latency, aws_cloudwatch_metric_alarm.alias_errors] :
      a.period == 60 && a.treat_missing_data == "notBreaching"
    ])
    error_message = "One-minute periods (a 5-minute canary sees five datapoints); no traffic is not a failure."
  }

  assert {
    condition     = length(output.canary_alarm_names) == 3
    error_message = "The release watches three alarms."
  }
}
