mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name_prefix          = "met-test"
  account_id           = "123456789012"
  region               = "us-east-1"
  write_secret_value   = true
  secret_key           = "test-only-secret-key"
  field_encryption_key = "test-only-field-key"
  current_secret       = { PLACES_API_KEY = "added-by-hand" }
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

run "the_app_secret_holds_no_database_credentials" {
  command = apply


  assert {
    condition     = aws_secretsmanager_secret_version.app[0].secret_string_wo == null
    error_message = "Written write-only."
  }

  assert {
    condition     = !strcontains(aws_secretsmanager_secret.app.description, "database")
    error_message = "The app secret is the app's own keys; database credentials live in their own secrets."
  }
}
