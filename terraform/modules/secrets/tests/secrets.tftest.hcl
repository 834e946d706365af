mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name_prefix        = "met-test"
  account_id         = "123456789012"
  region             = "us-east-1"
  db_host            = "db.example.internal"
  db_port            = 5432
  db_name            = "mealtracker"
  db_username        = "mealtracker_admin"
  write_secret_value = true
  secret_key         = "test-only-secret-key"
  db_password        = "test-only-db-password"
}

run "keys_rotate_and_secret_uses_the_data_key" {
  command = apply

  assert {
    condition     = aws_kms_key.data.enable_key_rotation && aws_kms_key.logs.enable_key_rotation
    error_message = "KMS keys must rotate."
  }

  assert {
    condition     = aws_secretsmanager_secret.app.kms_key_id == aws_kms_key.data.arn
    error_message = "The app secret is encrypted with the customer data key."
  }

  assert {
    condition     = aws_secretsmanager_secret_version.app[0].secret_string_wo == null && aws_secretsmanager_secret_version.app[0].secret_string == null
    error_message = "The secret value is written write-only and never kept in state."
  }

  assert {
    condition     = aws_kms_key.data.deletion_window_in_days >= 7
    error_message = "Keys have a deletion window."
  }
}
