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

run "abandoned_direct_uploads_expire" {
  command = apply

  assert {
    condition     = output.receipts_bucket_properties.prefix_expirations["uploads/"] == 1
    error_message = "Objects left under uploads/ (direct uploads never completed) are deleted after a day."
  }

  assert {
    condition     = contains(output.receipts_bucket_properties.lifecycle_rule_ids, "expire-uploads") && contains(output.receipts_bucket_properties.lifecycle_rule_ids, "expire-exports")
    error_message = "uploads/ and exports/ each have an expiry rule."
  }

  assert {
    condition     = !contains(keys(output.receipts_bucket_properties.prefix_expirations), "receipts/")
    error_message = "Stored receipts never expire."
  }
}

run "browsers_post_receipts_from_the_apps_origins" {
  command = apply

  variables {
    receipts_cors_origins = ["https://*.execute-api.us-east-1.amazonaws.com"]
  }

  assert {
    condition = (
      length(output.receipts_bucket_properties.cors_rules) == 1 &&
      output.receipts_bucket_properties.cors_rules[0].allowed_methods == tolist(["POST"]) &&
      output.receipts_bucket_properties.cors_rules[0].allowed_origins == tolist(["https://*.execute-api.us-east-1.amazonaws.com"])
    )
    error_message = "The receipts bucket takes cross-origin POSTs from the app's origins only."
  }
}

run "no_cors_without_origins" {
  command = apply

  assert {
    condition     = length(output.receipts_bucket_properties.cors_rules) == 0
    error_message = "No origins, no CORS rule."
  }
}
