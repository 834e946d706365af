output "websocket_url" {
  description = "Where pages connect (WEBSOCKET_URL): wss://<api>.execute-api.<region>.amazonaws.com/<stage>."
  value       = "${aws_apigatewayv2_api.this.api_endpoint}/${aws_apigatewayv2_stage.this.name}"
}

output "management_url" {
  description = "The Management API endpoint the app posts to (WEBSOCKET_MANAGEMENT_URL)."
  value       = "https://${aws_apigatewayv2_api.this.id}.execute-api.${var.region}.amazonaws.com/${aws_apigatewayv2_stage.this.name}"
}

output "api_id" {
  description = "The WebSocket API's id."
  value       = aws_apigatewayv2_api.this.id
}

output "execution_arn" {
  description = "The WebSocket API's execution ARN."
  value       = aws_apigatewayv2_api.this.execution_arn
}
