# Offline: the AWS provider is mocked, nothing is created. Asserts the properties dev must have.

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

run "dev_database_is_private_and_protected" {
  command = apply

  assert {
    condition     = output.security_properties.database.deletion_protection
    error_message = "RDS keeps deletion protection in every environment."
  }

  assert {
    condition     = !output.security_properties.database.publicly_accessible && output.security_properties.database.storage_encrypted
    error_message = "RDS must be private and encrypted."
  }

  assert {
    condition     = output.security_properties.database.force_ssl == "1" && output.security_properties.database.iam_auth
    error_message = "RDS forces TLS and allows IAM authentication."
  }

  assert {
    condition     = output.security_properties.database.backup_retention_days >= 7
    error_message = "At least a week of point-in-time recovery."
  }
}

run "dev_lambda_role_has_no_wildcard_actions" {
  command = apply

  assert {
    condition = alltrue(flatten([
      for s in output.security_properties.lambda_statements : [
        for a in s.Action : a != "*" && !endswith(a, ":*")
      ]
    ]))
    error_message = "The Lambda execution role must not use wildcard actions."
  }
}

run "dev_outputs_feed_zappa" {
  command = apply

  assert {
    condition     = output.zappa_stage == "dev" && output.lambda_function_name == "mealtracker-dev"
    error_message = "Zappa stage and function name must match the environment."
  }

  assert {
    condition     = length(output.private_subnet_ids) == 2 && output.aws_region == "us-east-1"
    error_message = "Two private subnets in the configured region."
  }
}
