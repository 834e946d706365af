mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name_prefix           = "mealtracker-dev"
  monthly_limit_usd     = 30
  sns_topic_arn         = "arn:aws:sns:us-east-1:123456789012:alarms"
  emails                = ["ops@example.com"]
  environment_tag_value = "dev"
}

run "budget_notifies_topic_and_email" {
  command = apply

  assert {
    condition     = aws_budgets_budget.monthly.limit_amount == "30.00" && aws_budgets_budget.monthly.time_unit == "MONTHLY"
    error_message = "Monthly budget of the given amount."
  }

  assert {
    condition = alltrue([
      for n in aws_budgets_budget.monthly.notification :
      contains(n.subscriber_sns_topic_arns, var.sns_topic_arn) && contains(n.subscriber_email_addresses, "ops@example.com")
    ])
    error_message = "Every notification goes to the topic and the e-mails."
  }

  assert {
    condition     = contains([for n in aws_budgets_budget.monthly.notification : n.notification_type], "FORECASTED")
    error_message = "A forecast notification warns before the money is spent."
  }
}

run "budget_must_be_positive" {
  command = plan

  variables {
    monthly_limit_usd = 0
  }

  expect_failures = [var.monthly_limit_usd]
}
