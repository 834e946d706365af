output "alarm_topic_arn" {
  description = "SNS topic receiving alarms and budget notifications."
  value       = aws_sns_topic.alarms.arn
}

output "lambda_log_group_name" {
  description = "The function's log group."
  value       = aws_cloudwatch_log_group.lambda.name
}

output "dlq_arn" {
  description = "Dead-letter queue ARN (zappa dead_letter_arn)."
  value       = aws_sqs_queue.dlq.arn
}

output "alarm_names" {
  description = "Names of all alarms."
  value = [
    aws_cloudwatch_metric_alarm.lambda_errors.alarm_name,
    aws_cloudwatch_metric_alarm.lambda_throttles.alarm_name,
    aws_cloudwatch_metric_alarm.lambda_duration.alarm_name,
    aws_cloudwatch_metric_alarm.dlq_messages.alarm_name,
    aws_cloudwatch_metric_alarm.api_5xx.alarm_name,
    aws_cloudwatch_metric_alarm.api_latency.alarm_name,
    aws_cloudwatch_metric_alarm.db_cpu.alarm_name,
    aws_cloudwatch_metric_alarm.db_free_storage.alarm_name,
    aws_cloudwatch_metric_alarm.db_connections.alarm_name,
  ]
}

output "dashboard_name" {
  description = "CloudWatch dashboard of the stage."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}
