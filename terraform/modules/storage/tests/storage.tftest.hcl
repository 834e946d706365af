mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name_prefix = "mealtracker-dev"
  account_id  = "123456789012"
  kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
}

run "bucket_names" {
  command = apply

  assert {
    condition     = output.receipts_bucket == "mealtracker-dev-receipts-123456789012"
    error_message = "Receipts bucket is <prefix>-receipts-<account>."
  }

  assert {
    condition     = output.deployments_bucket == "mealtracker-dev-deployments-123456789012"
    error_message = "Deployment bucket is <prefix>-deployments-<account>."
  }

  assert {
    condition     = output.access_logs_bucket != output.receipts_bucket
    error_message = "Access logs go to a separate bucket."
  }
}
