# KMS keys and the application secret.
#
# Two customer-managed keys per environment:
#   data - RDS storage and Performance Insights, Secrets Manager, S3 (receipts, deployments), SQS DLQ.
#          The Lambda role may use it only through those services (kms:ViaService).
#   logs - CloudWatch Logs and the alarm SNS topic; services publish with it, the app never touches it.
#
# The app secret holds SECRET_KEY and the database credentials in the RDS secret format that
# mealtracker/cloud.py reads (username, password, host, port, dbname). Both random values are
# ephemeral and reach AWS only through write-only attributes (the secret and the RDS instance's
# password_wo), so neither is ever stored in Terraform state or plan files (weakness S5). They are
# generated in modules/environment and passed in as ephemeral variables.

locals {
  account_root = "arn:${var.partition}:iam::${var.account_id}:root"
}

data "aws_iam_policy_document" "data_key" {
  #checkov:skip=CKV_AWS_109:Key policy: the account-root statement is AWS's default and lets IAM policies (scoped elsewhere) grant use of this key; "*" in a key policy means this key only.
  #checkov:skip=CKV_AWS_111:Key policy: see CKV_AWS_109; the resource "*" of a key policy is the key itself.
  #checkov:skip=CKV_AWS_356:Key policy: the resource "*" of a key policy is the key itself.
  statement {
    sid       = "EnableIamPoliciesOfThisAccount"
    effect    = "Allow"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = [local.account_root]
    }
  }
}

resource "aws_kms_key" "data" {
  description             = "${var.name_prefix} data at rest (RDS, Secrets Manager, S3, SQS)"
  enable_key_rotation     = true
  rotation_period_in_days = 365
  deletion_window_in_days = var.key_deletion_window_days
  policy                  = data.aws_iam_policy_document.data_key.json
}

resource "aws_kms_alias" "data" {
  name          = "alias/${var.name_prefix}-data"
  target_key_id = aws_kms_key.data.key_id
}

data "aws_iam_policy_document" "logs_key" {
  #checkov:skip=CKV_AWS_109:Key policy: the account-root statement is AWS's default; "*" in a key policy means this key only.
  #checkov:skip=CKV_AWS_111:Key policy: the resource "*" of a key policy is the key itself; service statements are bound to this account by conditions.
  #checkov:skip=CKV_AWS_356:Key policy: the resource "*" of a key policy is the key itself.
  statement {
    sid       = "EnableIamPoliciesOfThisAccount"
    effect    = "Allow"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = [local.account_root]
    }
  }

  statement {
    sid    = "AllowCloudWatchLogsOfThisAccount"
    effect = "Allow"
    actions = [
      "kms:Encrypt*",
      "kms:Decrypt*",
      "kms:ReEncrypt*",
      "kms:GenerateDataKey*",
      "kms:Describe*",
    ]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${var.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${var.partition}:logs:${var.region}:${var.account_id}:log-group:*"]
    }
  }

  statement {
    sid       = "AllowAlarmAndBudgetPublishersToEncryptedTopic"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com", "budgets.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.account_id]
    }
  }
}

resource "aws_kms_key" "logs" {
  description             = "${var.name_prefix} logs and notifications"
  enable_key_rotation     = true
  rotation_period_in_days = 365
  deletion_window_in_days = var.key_deletion_window_days
  policy                  = data.aws_iam_policy_document.logs_key.json
}

resource "aws_kms_alias" "logs" {
  name          = "alias/${var.name_prefix}-logs"
  target_key_id = aws_kms_key.logs.key_id
}

resource "aws_secretsmanager_secret" "app" {
  #checkov:skip=CKV2_AWS_57:No rotation Lambda: rotation is a deliberate `terraform apply -var app_secret_version=N` that writes a new SECRET_KEY and DB password to RDS and the secret together, followed by `zappa update` so no warm function keeps stale credentials (see docs/deploy.md).
  name                    = "${var.name_prefix}/app"
  description             = "Django SECRET_KEY and database connection fields for ${var.name_prefix}"
  kms_key_id              = aws_kms_key.data.arn
  recovery_window_in_days = var.secret_recovery_window_days
}

resource "aws_secretsmanager_secret_version" "app" {
  count = var.write_secret_value ? 1 : 0

  secret_id = aws_secretsmanager_secret.app.id
  secret_string_wo = jsonencode({
    SECRET_KEY = var.secret_key
    engine     = "postgres"
    username   = var.db_username
    password   = var.db_password
    host       = var.db_host
    port       = var.db_port
    dbname     = var.db_name
  })
  secret_string_wo_version = var.app_secret_version
}
