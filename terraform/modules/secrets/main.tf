# KMS keys and the application secret.
#
# Two customer-managed keys per environment:
#   data - RDS storage and Performance Insights, Secrets Manager, S3 (receipts, deployments), SQS DLQ.
#          The Lambda role may use it only through those services (kms:ViaService).
#   logs - CloudWatch Logs and the alarm SNS topic; services publish with it, the app never touches it.
#
# The app secret is written with a write-only attribute from an ephemeral random value, so neither
# SECRET_KEY nor any password is ever stored in Terraform state or plan files (weakness S5).

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
  #checkov:skip=CKV2_AWS_57:SECRET_KEY has no rotation Lambda (a new key logs every user out); rotate by bumping app_secret_version (Django's SECRET_KEY_FALLBACKS keeps sessions). The DB password lives in the RDS-managed secret, which RDS rotates itself.
  name                    = "${var.name_prefix}/app"
  description             = "Django SECRET_KEY and database connection fields for ${var.name_prefix}"
  kms_key_id              = aws_kms_key.data.arn
  recovery_window_in_days = var.secret_recovery_window_days
}

# A fresh random value is opened on every run but only written when app_secret_version changes.
ephemeral "aws_secretsmanager_random_password" "secret_key" {
  password_length     = 64
  exclude_punctuation = true
}

resource "aws_secretsmanager_secret_version" "app" {
  secret_id = aws_secretsmanager_secret.app.id
  secret_string_wo = jsonencode({
    SECRET_KEY             = ephemeral.aws_secretsmanager_random_password.secret_key.random_password
    DB_HOST                = var.db_host
    DB_PORT                = tostring(var.db_port)
    DB_NAME                = var.db_name
    DB_USER                = var.db_username
    DB_PASSWORD_SECRET_ARN = var.db_password_secret_arn
  })
  secret_string_wo_version = var.app_secret_version
}
