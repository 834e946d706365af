mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  identifier        = "met-test"
  account_id        = "123456789012"
  subnet_ids        = ["subnet-0a", "subnet-0b"]
  security_group_id = "sg-0123456789abcdef0"
  kms_key_arn       = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  logs_kms_key_arn  = "arn:aws:kms:us-east-1:123456789012:key/66666666-2222-3333-4444-555555555555"
}

run "private_encrypted_tls_only" {
  command = apply

  assert {
    condition     = !aws_db_instance.this.publicly_accessible
    error_message = "RDS must not be publicly accessible."
  }

  assert {
    condition     = aws_db_instance.this.storage_encrypted && aws_db_instance.this.kms_key_id == var.kms_key_arn
    error_message = "RDS storage must be encrypted with the customer key."
  }

  assert {
    condition     = output.security_properties.force_ssl == "1"
    error_message = "The parameter group must set rds.force_ssl=1."
  }

  assert {
    condition     = aws_db_parameter_group.this.family == "postgres16" && aws_db_instance.this.engine == "postgres"
    error_message = "PostgreSQL 16."
  }

  assert {
    condition     = aws_db_instance.this.iam_database_authentication_enabled
    error_message = "IAM database authentication must be on."
  }

  assert {
    condition     = aws_db_instance.this.password == null && aws_db_instance.this.manage_master_user_password
    error_message = "The master password is RDS-managed (its own secret, rotated by RDS), never in state."
  }

  assert {
    condition     = aws_db_instance.this.master_user_secret_kms_key_id == var.kms_key_arn
    error_message = "The master's secret is encrypted with the customer data key."
  }

  assert {
    condition     = aws_db_instance.this.deletion_protection && !aws_db_instance.this.skip_final_snapshot
    error_message = "Deletion protection and a final snapshot by default."
  }

  assert {
    condition     = aws_db_instance.this.backup_retention_period >= 1
    error_message = "Automated backups (PITR) must be on."
  }
}

run "multi_az_and_insights_follow_variables" {
  command = apply

  variables {
    multi_az                     = true
    performance_insights_enabled = true
  }

  assert {
    condition     = aws_db_instance.this.multi_az && aws_db_instance.this.performance_insights_enabled
    error_message = "multi_az and performance_insights_enabled must reach the instance."
  }

  assert {
    condition     = aws_db_instance.this.performance_insights_kms_key_id == var.kms_key_arn
    error_message = "Performance Insights is encrypted with the customer key."
  }
}

run "backups_cannot_be_turned_off" {
  command = plan

  variables {
    backup_retention_days = 0
  }

  expect_failures = [var.backup_retention_days]
}
