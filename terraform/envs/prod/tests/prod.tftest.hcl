# Offline: the AWS provider is mocked, nothing is created. Asserts the properties prod must have.

mock_provider "aws" {
  source = "../../tests/mocks"
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
