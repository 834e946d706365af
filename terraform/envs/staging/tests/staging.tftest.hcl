# Offline: the AWS provider is mocked, nothing is created. Asserts the properties staging must have.

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

run "staging_database_is_private_and_protected" {
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

run "staging_lambda_role_has_no_wildcard_actions" {
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

run "staging_outputs_feed_zappa" {
  command = apply

  assert {
    condition     = output.zappa_stage == "staging" && output.lambda_function_name == "mealtracker-staging"
    error_message = "Zappa stage and function name must match the environment."
  }

  assert {
    condition     = length(output.private_subnet_ids) == 2 && output.aws_region == "us-east-1"
    error_message = "Two private subnets in the configured region."
  }
}

run "staging_database_is_reached_through_the_proxy_as_the_app_role" {
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

run "staging_app_secrets_and_database_credentials_are_separate" {
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

run "staging_stage_is_throttled_logged_and_behind_waf" {
  command = apply

  assert {
    condition     = output.security_properties.waf_enabled && output.api_stage_settings.web_acl_arn != null
    error_message = "The execute-api URL is public: the release associates the web ACL with the stage."
  }

  assert {
    condition     = output.api_stage_settings.throttle_rate_limit == 100 && output.api_stage_settings.throttle_burst_limit == 200
    error_message = "The stage is throttled in line with the function's reserved concurrency."
  }

  assert {
    condition     = output.api_stage_settings.access_log_arn == "arn:aws:logs:us-east-1:123456789012:log-group:/aws/apigateway/mealtracker-staging/access"
    error_message = "Access logs go to the stage's own log group."
  }

  assert {
    condition     = alltrue([for days in values(output.security_properties.audit_log_retention) : days >= 365])
    error_message = "API access, WAF, flow and PostgreSQL logs are kept at least a year."
  }

  assert {
    condition     = output.custom_domain == null && output.api_stage_settings.custom_domain == null
    error_message = "No custom domain unless one is named."
  }

  assert {
    condition     = output.dashboard_name == "mealtracker-staging"
    error_message = "The stage has its dashboard."
  }
}

run "staging_receipts_bucket_takes_direct_uploads" {
  command = apply

  assert {
    condition = (
      one(output.security_properties.receipts_bucket.cors_rules).allowed_methods == tolist(["POST"]) &&
      one(output.security_properties.receipts_bucket.cors_rules).allowed_origins == tolist(["https://*.execute-api.us-east-1.amazonaws.com"])
    )
    error_message = "Browsers on the app's pages may POST receipts to the bucket, from no other origin."
  }

  assert {
    condition     = output.security_properties.receipts_bucket.prefix_expirations["uploads/"] == 1
    error_message = "Abandoned direct uploads expire after a day."
  }
}

run "staging_custom_domain_is_an_origin_of_the_app" {
  command = apply

  variables {
    custom_domain_name = "meals.example.com"
    route53_zone_id    = "Z0123456789ABCDEFGHIJ"
  }

  override_resource {
    target = module.environment.module.edge.aws_acm_certificate.api[0]
    values = {
      arn = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
      domain_validation_options = [{
        domain_name           = "meals.example.com"
        resource_record_name  = "_abc.meals.example.com."
        resource_record_type  = "CNAME"
        resource_record_value = "_def.acm-validations.aws."
      }]
    }
  }

  override_resource {
    target = module.environment.module.edge.aws_acm_certificate_validation.api[0]
    values = {
      certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
    }
  }

  assert {
    condition     = output.api_stage_settings.custom_domain == "meals.example.com" && output.custom_domain == "meals.example.com"
    error_message = "The release maps the custom domain to the stage."
  }

  assert {
    condition     = contains(one(output.security_properties.receipts_bucket.cors_rules).allowed_origins, "https://meals.example.com")
    error_message = "Pages served on the custom domain may post receipts to the bucket."
  }
}

run "staging_has_a_read_replica_for_the_function" {
  command = apply

  assert {
    condition     = output.db_replica_user == "mealtracker_reader"
    error_message = "Staging reads reports and lists from a replica, signing in as the read-only role."
  }
}
