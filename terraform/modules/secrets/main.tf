# KMS keys and the application secret.
#
# Two customer-managed keys per environment:
#   data - RDS storage and Performance Insights, Secrets Manager, S3 (receipts, deployments), SQS DLQ.
#          The Lambda role may use it only through those services (kms:ViaService).
#   logs - CloudWatch Logs and the alarm SNS topic; services publish with it, the app never touches it.
#
# The app secret holds the app's own keys only: SECRET_KEY and FIELD_ENCRYPTION_KEY (written here, each its own
# random value), plus keys an operator adds by hand (PLACES_API_KEY, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD). The
# database credentials are not in it: the master's secret is RDS-managed (modules/database) and the app role's is
# read by RDS Proxy only (modules/rds_proxy), so rotating a database password never changes SECRET_KEY. Values
# reach AWS through the write-only secret_string_wo: never stored in Terraform state or plan files. A rewrite
# (app_secret_version bumped to rotate SECRET_KEY) starts from the current document, read ephemerally, so keys
# added by hand and FIELD_ENCRYPTION_KEY survive it (modules/environment).

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
  #checkov:skip=CKV2_AWS_57:No rotation Lambda: SECRET_KEY rotates by `terraform apply -var app_secret_version=N` (other keys kept) then `zappa update`; FIELD_ENCRYPTION_KEY by adding a key first and `manage.py rotate_field_encryption`; database passwords are not in this secret (see docs/deploy.md).
  name                    = "${var.name_prefix}/app"
  description             = "The app's own keys (SECRET_KEY, FIELD_ENCRYPTION_KEY, PLACES_API_KEY, ...) for ${var.name_prefix}"
  kms_key_id              = aws_kms_key.data.arn
  recovery_window_in_days = var.secret_recovery_window_days
}

resource "aws_secretsmanager_secret_version" "app" {
  count = var.write_secret_value ? 1 : 0

  secret_id = aws_secretsmanager_secret.app.id
  # Keys already in the secret (added by hand, or FIELD_ENCRYPTION_KEY from an earlier version) are kept; a new
  # SECRET_KEY replaces the old one; FIELD_ENCRYPTION_KEY is only generated when the secret has none.
  secret_string_wo = jsonencode(merge(
    { FIELD_ENCRYPTION_KEY = var.field_encryption_key },
    var.current_secret,
    { SECRET_KEY = var.secret_key },
  ))
  secret_string_wo_version = var.app_secret_version
}
