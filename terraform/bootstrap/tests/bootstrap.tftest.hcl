mock_provider "aws" {
  source = "../tests/mocks"
}

run "state_bucket_without_github" {
  command = apply

  assert {
    condition     = output.state_bucket == "mealtracker-tfstate-123456789012"
    error_message = "The state bucket is <app>-tfstate-<account>."
  }

  assert {
    condition     = aws_kms_key.state.enable_key_rotation
    error_message = "The state key rotates."
  }

  assert {
    condition     = length(aws_iam_role.terraform) == 0
    error_message = "No CI roles without a repository."
  }

  assert {
    condition     = strcontains(output.backend_hcl, "kms_key_id = \"${aws_kms_key.state.arn}\"")
    error_message = "backend.hcl names the state key: encrypt alone means SSE-S3, which the state bucket refuses."
  }
}

run "one_terraform_role_per_environment" {
  command = apply

  variables {
    github_repository = "example-org/meal-expense-tracker"
  }

  assert {
    condition     = toset(keys(aws_iam_role.terraform)) == toset(["dev", "staging", "prod"])
    error_message = "dev, staging and prod each get a Terraform role."
  }
}
