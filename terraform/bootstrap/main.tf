# Run once per AWS account: the Terraform state bucket (versioned, SSE-KMS, TLS-only, access-logged;
# locking uses S3 lock files, so there is no DynamoDB table), the GitHub Actions OIDC provider and,
# per environment, the role GitHub Actions assumes to run terraform plan/apply.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  account_id   = data.aws_caller_identity.current.account_id
  partition    = data.aws_partition.current.partition
  state_bucket = "${var.app_name}-tfstate-${local.account_id}"
  log_bucket   = "${var.app_name}-tfstate-logs-${local.account_id}"
  github_roles = var.github_repository == "" ? toset([]) : toset(var.environments)
}

data "aws_iam_policy_document" "state_key" {
  #checkov:skip=CKV_AWS_109:Key policy: the account-root statement is AWS's default and lets IAM policies grant use of the key; "*" in a key policy means this key only.
  #checkov:skip=CKV_AWS_111:Key policy: the resource "*" of a key policy is the key itself.
  #checkov:skip=CKV_AWS_356:Key policy: the resource "*" of a key policy is the key itself.
  statement {
    sid       = "EnableIamPoliciesOfThisAccount"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }
}

resource "aws_kms_key" "state" {
  description             = "${var.app_name} Terraform state"
  enable_key_rotation     = true
  rotation_period_in_days = 365
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.state_key.json
}

resource "aws_kms_alias" "state" {
  name          = "alias/${var.app_name}-tfstate"
  target_key_id = aws_kms_key.state.key_id
}

module "state_access_logs" {
  source = "../modules/s3_access_log_bucket"

  name               = local.log_bucket
  account_id         = local.account_id
  source_bucket_arns = ["arn:${local.partition}:s3:::${local.state_bucket}"]
}

module "state_bucket" {
  source = "../modules/s3_bucket"

  name                               = local.state_bucket
  kms_key_arn                        = aws_kms_key.state.arn
  access_log_bucket                  = module.state_access_logs.id
  noncurrent_version_expiration_days = 90
  noncurrent_versions_to_keep        = 20 # old states are the undo history of every apply
}

# --- GitHub Actions OIDC ----------------------------------------------------------------------------

resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_github_oidc_provider ? 1 : 0

  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]
  # AWS validates GitHub's certificate chain itself; the thumbprint is kept for older API behaviour.
  thumbprint_list = ["6938fd4d98bab03faadb97b34396831e3780aea1"]
}

locals {
  github_oidc_provider_arn = var.create_github_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : var.existing_github_oidc_provider_arn
}

data "aws_iam_policy_document" "terraform_assume" {
  for_each = local.github_roles

  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.github_oidc_provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }

    # Only jobs running in this repository's GitHub environment of the same name (prod requires a
    # reviewer's approval there) can plan/apply that environment.
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:${var.github_repository}:environment:${each.key}"]
    }
  }
}

resource "aws_iam_role" "terraform" {
  for_each = local.github_roles

  name                 = "${var.app_name}-${each.key}-github-terraform"
  description          = "GitHub Actions: terraform plan/apply of ${each.key}"
  assume_role_policy   = data.aws_iam_policy_document.terraform_assume[each.key].json
  max_session_duration = 3600
}

# Terraform manages VPCs, RDS, KMS, S3, Secrets Manager, CloudWatch, SNS, SQS and Budgets, so the
# role needs broad service rights (PowerUserAccess excludes IAM and Organizations); IAM is granted
# below only on this application's own roles. Use one AWS account per environment to contain it.
resource "aws_iam_role_policy_attachment" "terraform_power_user" {
  for_each = local.github_roles

  role       = aws_iam_role.terraform[each.key].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/PowerUserAccess"
}

data "aws_iam_policy_document" "terraform_iam" {
  for_each = local.github_roles

  statement {
    sid = "ManageOwnRoles"
    actions = [
      "iam:AttachRolePolicy",
      "iam:CreateRole",
      "iam:DeleteRole",
      "iam:DeleteRolePolicy",
      "iam:DetachRolePolicy",
      "iam:GetRole",
      "iam:GetRolePolicy",
      "iam:ListAttachedRolePolicies",
      "iam:ListInstanceProfilesForRole",
      "iam:ListRolePolicies",
      "iam:PassRole",
      "iam:PutRolePolicy",
      "iam:TagRole",
      "iam:UntagRole",
      "iam:UpdateAssumeRolePolicy",
      "iam:UpdateRole",
    ]
    resources = ["arn:${local.partition}:iam::${local.account_id}:role/${var.app_name}-${each.key}-*"]
  }

  statement {
    sid       = "ReadOidcProvider"
    actions   = ["iam:GetOpenIDConnectProvider"]
    resources = [local.github_oidc_provider_arn]
  }

  statement {
    sid       = "ReadManagedPolicies"
    actions   = ["iam:GetPolicy", "iam:GetPolicyVersion"]
    resources = ["arn:${local.partition}:iam::aws:policy/*"]
  }

  statement {
    sid       = "ServiceLinkedRolesForRdsAndEndpoints"
    actions   = ["iam:CreateServiceLinkedRole"]
    resources = ["arn:${local.partition}:iam::${local.account_id}:role/aws-service-role/*"]

    condition {
      test     = "StringLike"
      variable = "iam:AWSServiceName"
      values   = ["rds.amazonaws.com", "monitoring.rds.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "terraform_iam" {
  for_each = local.github_roles

  name   = "own-iam-roles"
  role   = aws_iam_role.terraform[each.key].id
  policy = data.aws_iam_policy_document.terraform_iam[each.key].json
}
