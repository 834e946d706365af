mock_provider "aws" {
  source = "../../tests/mocks"

  mock_resource "aws_apigatewayv2_api" {
    defaults = {
      id            = "a1b2c3d4e5"
      api_endpoint  = "wss://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com"
      execution_arn = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5"
    }
  }

  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/apigateway/mealtracker-dev-live"
    }
  }
}

variables {
  name_prefix      = "mealtracker-dev"
  function_name    = "mealtracker-dev"
  lambda_role_name = "mealtracker-dev-lambda"
  stage_name       = "dev"
  account_id       = "123456789012"
  region           = "us-east-1"
  logs_kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
}

run "a_websocket_api_whose_three_routes_invoke_the_app_through_its_alias" {
  command = apply

  assert {
    condition     = aws_apigatewayv2_api.this.protocol_type == "WEBSOCKET"
    error_message = "Live updates need a WebSocket API."
  }

  assert {
    condition     = toset([for r in aws_apigatewayv2_route.this : r.route_key]) == toset(["$connect", "$disconnect", "$default"])
    error_message = "$connect, $disconnect and $default are routed."
  }

  assert {
    condition     = endswith(aws_apigatewayv2_integration.function.integration_uri, "function:mealtracker-dev:live/invocations")
    error_message = "The routes invoke the function through the alias releases shift."
  }

  assert {
    condition     = aws_apigatewayv2_integration.function.credentials_arn == aws_iam_role.invoke.arn
    error_message = "API Gateway invokes with its own role (the function may not exist when this is applied)."
  }

  assert {
    condition     = one(data.aws_iam_policy_document.invoke.statement).resources == toset(["arn:aws:lambda:us-east-1:123456789012:function:mealtracker-dev:live"])
    error_message = "The invoke role reaches the app's alias only."
  }

  assert {
    condition     = aws_apigatewayv2_stage.this.access_log_settings[0].destination_arn == aws_cloudwatch_log_group.access.arn
    error_message = "Connects and messages are access-logged."
  }

  assert {
    condition     = aws_cloudwatch_log_group.access.kms_key_id != null && aws_cloudwatch_log_group.access.retention_in_days == 365
    error_message = "Access logs are encrypted and kept a year."
  }
}

run "the_function_may_post_to_this_stages_connections_only" {
  command = apply

  assert {
    condition     = one(data.aws_iam_policy_document.manage_connections.statement).actions == toset(["execute-api:ManageConnections"])
    error_message = "The function's role gets execute-api:ManageConnections."
  }

  assert {
    condition     = one(data.aws_iam_policy_document.manage_connections.statement).resources == toset(["arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/POST/@connections/*"])
    error_message = "Only POST to this API's stage connections."
  }

  assert {
    condition     = aws_iam_role_policy.manage_connections.role == "mealtracker-dev-lambda"
    error_message = "The grant goes to the function's execution role."
  }

  assert {
    condition     = output.websocket_url == "wss://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/dev"
    error_message = "WEBSOCKET_URL is the stage's wss:// URL."
  }

  assert {
    condition     = output.management_url == "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/dev"
    error_message = "WEBSOCKET_MANAGEMENT_URL is the stage's https:// endpoint."
  }
}
