# Monthly cost budget for one environment (weakness O4: the old budget variable had no resource).
# Costs are attributed through the Environment cost-allocation tag that every resource carries
# (provider default_tags); activate the tag once in Billing > Cost allocation tags.

resource "aws_budgets_budget" "monthly" {
  name         = "${var.name_prefix}-monthly"
  budget_type  = "COST"
  limit_amount = format("%.2f", var.monthly_limit_usd)
  limit_unit   = "USD"
  time_unit    = "MONTHLY"

  dynamic "cost_filter" {
    for_each = var.environment_tag_value == "" ? [] : [var.environment_tag_value]

    content {
      name   = "TagKeyValue"
      values = ["user:${var.environment_tag_key}$${cost_filter.value}"]
    }
  }

  dynamic "notification" {
    for_each = var.actual_thresholds_percent

    content {
      comparison_operator        = "GREATER_THAN"
      threshold                  = notification.value
      threshold_type             = "PERCENTAGE"
      notification_type          = "ACTUAL"
      subscriber_sns_topic_arns  = [var.sns_topic_arn]
      subscriber_email_addresses = var.emails
    }
  }

  notification {
    comparison_operator        = "GREATER_THAN"
    threshold                  = 100
    threshold_type             = "PERCENTAGE"
    notification_type          = "FORECASTED"
    subscriber_sns_topic_arns  = [var.sns_topic_arn]
    subscriber_email_addresses = var.emails
  }
}
