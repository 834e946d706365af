mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name_prefix                = "met-test"
  account_id                 = "123456789012"
  region                     = "us-east-1"
  vpc_id                     = "vpc-0123456789abcdef0"
  subnet_ids                 = ["subnet-0a", "subnet-0b"]
  lambda_security_group_id   = "sg-0aaaaaaaaaaaaaaaa"
  database_security_group_id = "sg-0bbbbbbbbbbbbbbbb"
  db_instance_id             = "met-test"
  kms_key_arn                = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  master_secret_arn          = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-mock-AbCdEf"
  lambda_role_name           = "met-test-lambda"
}

run "proxy_requires_tls_and_iam_and_logs_no_statements" {
  command = apply

  assert {
    condition     = aws_db_proxy.this.require_tls
    error_message = "The proxy must refuse connections without TLS."
  }

  assert {
    condition     = one(aws_db_proxy.this.auth[*].iam_auth) == "REQUIRED" && one(aws_db_proxy.this.auth[*].auth_scheme) == "SECRETS"
    error_message = "Clients sign in with IAM tokens only; the proxy uses the app role's secret."
  }

  assert {
    condition     = one(aws_db_proxy.this.auth[*].secret_arn) == aws_secretsmanager_secret.app_role.arn
    error_message = "Only the app role is registered with the proxy (never the master)."
  }

  assert {
    condition     = !aws_db_proxy.this.debug_logging
    error_message = "Debug logging would copy statements (personal data) into logs."
  }

  assert {
    condition     = aws_db_proxy.this.idle_client_timeout > 600
    error_message = "The idle client timeout stays above the app's CONN_MAX_AGE."
  }
}

run "only_the_function_reaches_the_proxy_and_only_the_proxy_the_database" {
  command = apply

  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.proxy_from_lambda.referenced_security_group_id == var.lambda_security_group_id &&
      aws_vpc_security_group_ingress_rule.database_from_proxy.referenced_security_group_id == aws_security_group.proxy.id &&
      aws_vpc_security_group_ingress_rule.database_from_proxy.security_group_id == var.database_security_group_id
    )
    error_message = "function -> proxy -> database, by security group."
  }

  assert {
    condition = alltrue([
      for r in [
        aws_vpc_security_group_ingress_rule.proxy_from_lambda,
        aws_vpc_security_group_ingress_rule.database_from_proxy,
        aws_vpc_security_group_egress_rule.proxy_to_database,
        aws_vpc_security_group_egress_rule.lambda_to_proxy,
      ] : r.cidr_ipv4 == null && r.cidr_ipv6 == null && r.from_port == 5432 && r.to_port == 5432
    ])
    error_message = "5432 only, and never to or from a CIDR (so never 0.0.0.0/0)."
  }
}

run "the_function_may_connect_as_the_app_role_and_read_no_secret" {
  command = apply

  assert {
    condition = (
      length(output.lambda_statements) == 1 &&
      output.lambda_statements[0].Action == ["rds-db:connect"] &&
      endswith(output.lambda_statements[0].Resource[0], "/mealtracker_app")
    )
    error_message = "Without bootstrap the function may only connect to the proxy as the app role."
  }

  assert {
    condition     = length(aws_iam_role_policy.lambda_bootstrap) == 0
    error_message = "No access to the master secret outside the bootstrap."
  }
}

run "bootstrap_grants_the_master_secret_for_the_role_command_only" {
  command = apply

  variables {
    db_role_bootstrap = true
  }

  assert {
    condition     = length(aws_iam_role_policy.lambda_bootstrap) == 1
    error_message = "db_role_bootstrap attaches the bootstrap policy."
  }

  assert {
    condition = alltrue([
      for s in output.lambda_statements : alltrue([for r in s.Resource : r != "*"])
    ])
    error_message = "Every statement names its resources."
  }
}

run "the_idle_timeout_cannot_go_below_conn_max_age" {
  command = plan

  variables {
    idle_client_timeout_seconds = 300
  }

  expect_failures = [var.idle_client_timeout_seconds]
}
