# Live updates in AWS (docs/realtime.md): an API Gateway WebSocket API whose $connect, $disconnect and $default routes
# invoke the app's own function (accounts/ws_lambda.py, dispatched by Zappa's handler). $connect is authenticated by
# the app itself: a 60-second ticket signed by the web session, or a JWT access token. The app posts events back
# through the Management API (execute-api:ManageConnections, granted to the function's role here).
#
# The function is Zappa's and may not exist yet when this is applied, so API Gateway invokes it with a role of its
# own (credentials_arn) rather than through a resource policy on the function.

locals {
  function_arn = "arn:${var.partition}:lambda:${var.region}:${var.account_id}:function:${var.function_name}:${var.function_alias}"
  routes       = toset(["$connect", "$disconnect", "$default"])
}

resource "aws_apigatewayv2_api" "this" {
  name                       = "${var.name_prefix}-live"
  description                = "Live updates of Meal Expense Tracker"
  protocol_type              = "WEBSOCKET"
  route_selection_expression = "$request.body.action"
}

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

resource "aws_iam_role" "invoke" {
  name               = "${var.name_prefix}-live-invoke"
  assume_role_policy = data.aws_iam_policy_document.apigateway_assume.json
}

data "aws_iam_policy_document" "invoke" {
  statement {
    sid       = "InvokeTheAppThroughItsAlias"
    actions   = ["lambda:InvokeFunction"]
    resources = [local.function_arn]
  }
}

resource "aws_iam_role_policy" "invoke" {
  name   = "invoke-function"
  role   = aws_iam_role.invoke.id
  policy = data.aws_iam_policy_document.invoke.json
}

resource "aws_apigatewayv2_integration" "function" {
  api_id                    = aws_apigatewayv2_api.this.id
  integration_type          = "AWS_PROXY"
  integration_method        = "POST"
  integration_uri           = "arn:${var.partition}:apigateway:${var.region}:lambda:path/2015-03-31/functions/${local.function_arn}/invocations"
  credentials_arn           = aws_iam_role.invoke.arn
  content_handling_strategy = "CONVERT_TO_TEXT"
  passthrough_behavior      = "WHEN_NO_MATCH"
}

resource "aws_apigatewayv2_route" "this" {
  #checkov:skip=CKV_AWS_309:$connect is authenticated by the function itself (a signed 60-second ticket or a JWT; accounts/ws_lambda.py refuses anything else with 401); $disconnect and $default only exist on an accepted connection.
  for_each = local.routes

  api_id             = aws_apigatewayv2_api.this.id
  route_key          = each.key
  authorization_type = "NONE"
  target             = "integrations/${aws_apigatewayv2_integration.function.id}"
}

resource "aws_cloudwatch_log_group" "access" {
  name              = "/aws/apigateway/${var.name_prefix}-live"
  retention_in_days = var.access_log_retention_days
  kms_key_id        = var.logs_kms_key_arn
}

resource "aws_apigatewayv2_stage" "this" {
  #checkov:skip=CKV2_AWS_51:Browsers open this socket and cannot present client certificates; $connect checks a signed 60-second ticket or a JWT instead.
  api_id      = aws_apigatewayv2_api.this.id
  name        = var.stage_name
  auto_deploy = true

  default_route_settings {
    throttling_rate_limit  = var.throttle_rate_limit
    throttling_burst_limit = var.throttle_burst_limit
  }

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format = jsonencode({
      requestId    = "$context.requestId"
      connectionId = "$context.connectionId"
      routeKey     = "$context.routeKey"
      eventType    = "$context.eventType"
      status       = "$context.status"
      ip           = "$context.identity.sourceIp"
      requestTime  = "$context.requestTimeEpoch"
      error        = "$context.error.message"
      integration  = "$context.integrationErrorMessage"
    })
  }

  depends_on = [aws_apigatewayv2_route.this]
}

# The function posts to its users' connections of this stage (and may close one), nothing else.
data "aws_iam_policy_document" "manage_connections" {
  statement {
    sid       = "PostToLiveUpdateConnections"
    actions   = ["execute-api:ManageConnections"]
    resources = ["${aws_apigatewayv2_api.this.execution_arn}/${var.stage_name}/POST/@connections/*"]
  }
}

resource "aws_iam_role_policy" "manage_connections" {
  name   = "live-updates"
  role   = var.lambda_role_name
  policy = data.aws_iam_policy_document.manage_connections.json
}
