# Offline: the AWS provider is mocked, nothing is created. Asserts the properties prod must have.

mock_provider "aws" {
  source = "../../tests/mocks"
}

# Every mocked secret gets the same ARN otherwise; the app role's needs its own to tell the secrets apart.
override_resource {
  target = module.environment.module.rds_proxy.aws_secretsmanager_secret.app_role
  values = {
    arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mealtracker/db-app-role-GhIjKl"
  }
}

# Mock providers cannot serve ephemeral resources, so the SECRET_KEY generator keeps a real (but
# offline, never called) provider and the secret value is not written in tests.
provider "aws" {
  alias                       = "secret_generator"
  region                      = "us-east-1"
  access_key                  = "offline-test"
  secret_key                  = "offline-test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

variables {
  region            = "us-east-1"
  alarm_emails      = ["ops@example.com"]
  github_repository = "example-org/meal-expense-tracker"
  write_app_secret  = false
}

run "prod_database_is_protected" {
  command = apply

  assert {
    condition     = output.security_properties.database.deletion_protection
    error_message = "prod RDS must have deletion protection."
  }

  assert {
    condition     = output.security_properties.database.multi_az
    error_message = "prod RDS must be multi-AZ."
  }

  assert {
    condition     = output.security_properties.database.performance_insights_enabled
    error_message = "prod RDS must have Performance Insights."
  }

  assert {
    condition     = output.security_properties.database.backup_retention_days >= 14
    error_message = "prod needs at least 14 days of point-in-time recovery."
  }

  assert {
    condition     = !output.security_properties.database.publicly_accessible && output.security_properties.database.storage_encrypted
    error_message = "RDS must be private and encrypted."
  }

  assert {
    condition     = output.security_properties.database.force_ssl == "1"
    error_message = "RDS must force TLS."
  }

  assert {
    condition     = !output.security_properties.database.password_in_state
    error_message = "The database password must never be stored in Terraform state."
  }
}

run "prod_keeps_logs_and_has_no_nat" {
  command = apply

  assert {
    condition     = output.security_properties.waf_enabled
    error_message = "prod has AWS WAF in front of the API."
  }

  assert {
    condition     = output.security_properties.log_retention_days >= 90
    error_message = "prod keeps logs for at least 90 days."
  }

  assert {
    condition     = !output.security_properties.nat_gateway_enabled
    error_message = "prod reaches AWS through VPC endpoints, not a NAT gateway."
  }
}

run "lambda_role_has_no_wildcard_actions" {
  command = apply

  assert {
    condition = alltrue(flatten([
      for s in output.security_properties.lambda_statements : [
        for a in s.Action : a != "*" && !endswith(a, ":*")
      ]
    ]))
    error_message = "The Lambda execution role must not use wildcard actions."
  }

  assert {
    condition = alltrue([
      for s in output.security_properties.lambda_statements :
      contains(["ManageFunctionEnis", "WriteTraces"], s.Sid) || !contains(s.Resource, "*")
    ])
    error_message = "Resource \"*\" only where AWS offers no resource-level permission (ENIs, X-Ray)."
  }
}

run "outputs_feed_zappa" {
  command = apply

  assert {
    condition     = output.zappa_stage == "prod" && output.lambda_function_name == "mealtracker-prod"
    error_message = "Zappa stage and function name must match the environment."
  }

  assert {
    condition     = length(output.private_subnet_ids) == 2
    error_message = "The function runs in two private subnets."
  }

  assert {
    condition     = output.deployment_bucket == "mealtracker-prod-deployments-123456789012"
    error_message = "Deployment bucket name is <app>-<env>-deployments-<account>."
  }
}

run "prod_database_is_reached_through_the_proxy_as_the_app_role" {
  command = apply

  assert {
    condition     = output.security_properties.rds_proxy.require_tls && output.security_properties.rds_proxy.iam_auth == "REQUIRED"
    error_message = "The function reaches PostgreSQL through RDS Proxy, with TLS and IAM tokens only."
  }

  assert {
    condition     = output.db_app_role == "mealtracker_app" && !output.security_properties.rds_proxy.bootstrap_access
    error_message = "The app runs as its own role; no access to the master secret outside the bootstrap."
  }

  assert {
    condition     = output.security_properties.database.master_password_managed
    error_message = "The master password is RDS-managed (its own secret, rotated by RDS)."
  }
}

run "prod_app_secrets_and_database_credentials_are_separate" {
  command = apply

  assert {
    condition     = length(toset([output.app_secret_arn, output.db_master_secret_arn, output.db_app_role_secret_arn])) == 3
    error_message = "SECRET_KEY and the app's keys, the master's credentials and the app role's are three secrets."
  }

  assert {
    condition = alltrue([
      for s in output.security_properties.lambda_statements :
      !contains(s.Resource, output.db_master_secret_arn) && !contains(s.Resource, output.db_app_role_secret_arn)
    ])
    error_message = "The function reads neither database secret at run time."
  }
}
