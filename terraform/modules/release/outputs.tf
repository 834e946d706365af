output "alias_name" {
  description = "Alias that serves traffic (zappa apigateway_lambda_qualifier)."
  value       = var.alias_name
}

output "canary_alarm_names" {
  description = "Alarms deploy/release.py watches during a canary; any in ALARM rolls the alias back."
  value = [
    aws_cloudwatch_metric_alarm.api_5xx.alarm_name,
    aws_cloudwatch_metric_alarm.api_latency.alarm_name,
    aws_cloudwatch_metric_alarm.alias_errors.alarm_name,
  ]
}
