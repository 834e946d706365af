# Least-privilege roles (weakness S13):
#   lambda  - the Zappa function's execution role (manage_roles: false in zappa_settings.json).
#   deploy  - optional GitHub Actions OIDC role that can only package, update, release (alias `live`),
#             roll back and invoke this stage's function with Zappa; Terraform runs under a separate
#             role (bootstrap).
# Every ARN in these policies is built from names, never read from a resource, so `terraform plan`
# shows the whole documents and the deploy rehearsal (make deploy-rehearsal) can evaluate them.

locals {
  function_arn    = "arn:${var.partition}:lambda:${var.region}:${var.account_id}:function:${var.function_name}"
  log_group_arn   = "arn:${var.partition}:logs:${var.region}:${var.account_id}:log-group:/aws/lambda/${var.function_name}"
  lambda_role_arn = "arn:${var.partition}:iam::${var.account_id}:role/${var.name_prefix}-lambda"

  # Zappa passes the execution role (role_arn) to three services: Lambda runs the function with it,
  # API Gateway uses it as the REST API integration's credentials (to invoke the function), and
  # EventBridge receives it as the RoleArn of every schedule rule. Each must be able to assume it,
  # and the deploy role must be allowed to pass it to each.
  execution_role_services = ["lambda.amazonaws.com", "apigateway.amazonaws.com", "events.amazonaws.com"]
}

# --- Lambda execution role --------------------------------------------------------------------------

# A plain jsonencode() document (like the policies below) so that `terraform test` can read it.
locals {
  lambda_trust_statements = [
    {
      Sid       = "LambdaRunsTheFunction"
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
      Condition = { StringEquals = { "aws:SourceAccount" = var.account_id } }
    },
    {
      # Zappa sets this role as the integration credentials of every REST API method. No source
      # condition: API Gateway documents no aws:SourceArn/SourceAccount for integration credentials.
      Sid       = "ApiGatewayInvokesTheFunction"
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "apigateway.amazonaws.com" }
    },
    {
      # Zappa sets this role as RoleArn of the schedule rules (keep-warm and the jobs).
      Sid       = "EventBridgeSchedules"
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "events.amazonaws.com" }
      Condition = { StringEquals = { "aws:SourceAccount" = var.account_id } }
    },
  ]
}

resource "aws_iam_role" "lambda" {
  name                 = "${var.name_prefix}-lambda"
  description          = "Execution role of the ${var.function_name} Zappa function"
  assume_role_policy   = jsonencode({ Version = "2012-10-17", Statement = local.lambda_trust_statements })
  max_session_duration = 3600
}

# The function's policies are plain jsonencode() documents so that `terraform test` can inspect them
# (a mocked aws_iam_policy_document has no real JSON).
locals {
  lambda_statements = [
    {
      Sid    = "WriteOwnLogGroup"
      Effect = "Allow"
      Action = ["logs:CreateLogStream", "logs:PutLogEvents"]
      # The log group itself is created by Terraform (observability module): no CreateLogGroup.
      Resource = ["${local.log_group_arn}:*"] # the documented pattern: covers the group's log streams
    },
    {
      Sid      = "ReadOwnSecrets"
      Effect   = "Allow"
      Action   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
      Resource = [var.app_secret_arn]
    },
    {
      Sid      = "UseDataKeyThroughServicesOnly"
      Effect   = "Allow"
      Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
      Resource = [var.data_kms_key_arn]
      Condition = {
        StringEquals = {
          "kms:ViaService" = [
            "secretsmanager.${var.region}.amazonaws.com",
            "s3.${var.region}.amazonaws.com",
            "sqs.${var.region}.amazonaws.com",
          ]
        }
      }
    },
    {
      Sid      = "ReceiptObjects"
      Effect   = "Allow"
      Action   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
      Resource = ["${var.receipts_bucket_arn}/*"]
    },
    {
      Sid      = "ListReceipts"
      Effect   = "Allow"
      Action   = ["s3:ListBucket"]
      Resource = [var.receipts_bucket_arn]
    },
    {
      # Zappa's slim_handler downloads the project archive from the deployment bucket at cold start.
      Sid      = "ReadOwnDeploymentArchives"
      Effect   = "Allow"
      Action   = ["s3:GetObject"]
      Resource = ["${var.deployments_bucket_arn}/*"]
    },
    {
      Sid      = "SendFailedAsyncEventsToDlq"
      Effect   = "Allow"
      Action   = ["sqs:SendMessage"]
      Resource = [var.dlq_arn]
    },
    {
      Sid      = "ConnectToDatabaseWithIamAuth"
      Effect   = "Allow"
      Action   = ["rds-db:connect"]
      Resource = ["arn:${var.partition}:rds-db:${var.region}:${var.account_id}:dbuser:${var.db_resource_id}/${var.db_iam_username}"]
    },
  ]

  lambda_vpc_statements = [
    {
      Sid    = "ManageFunctionEnis"
      Effect = "Allow"
      Action = [
        "ec2:CreateNetworkInterface",
        "ec2:DeleteNetworkInterface",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeSubnets",
        "ec2:AssignPrivateIpAddresses",
        "ec2:UnassignPrivateIpAddresses",
      ]
      # Lambda creates the ENIs at run time with this role: their ids cannot be known here, and the
      # Describe calls support no resource-level permissions at all. "*" is the only resource that
      # works (the same set as AWSLambdaVPCAccessExecutionRole).
      Resource = ["*"]
    },
  ]

  lambda_xray_statements = [
    {
      Sid    = "WriteTraces"
      Effect = "Allow"
      Action = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
      # X-Ray write actions have no resource-level permissions.
      Resource = ["*"]
    },
  ]
}

resource "aws_iam_role_policy" "lambda" {
  name   = "app"
  role   = aws_iam_role.lambda.id
  policy = jsonencode({ Version = "2012-10-17", Statement = local.lambda_statements })
}

resource "aws_iam_role_policy" "lambda_vpc" {
  #checkov:skip=CKV_AWS_290:ENI actions for a VPC-attached Lambda: Lambda creates/deletes the function's ENIs with this role at run time, so no ENI ARN can be named in advance.
  #checkov:skip=CKV_AWS_355:ec2:Describe* has no resource-level permissions and the ENIs are created by Lambda at run time, so "*" is the only possible resource.
  name   = "vpc-enis"
  role   = aws_iam_role.lambda.id
  policy = jsonencode({ Version = "2012-10-17", Statement = local.lambda_vpc_statements })
}

resource "aws_iam_role_policy" "lambda_xray" {
  #checkov:skip=CKV_AWS_355:X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions.
  #checkov:skip=CKV_AWS_290:X-Ray write actions support no resource-level permissions.
  count = var.enable_xray ? 1 : 0

  name   = "xray"
  role   = aws_iam_role.lambda.id
  policy = jsonencode({ Version = "2012-10-17", Statement = local.lambda_xray_statements })
}

# API Gateway calls the function with this role (the integration credentials Zappa sets), through the
# alias `live` or a published version: the role must be allowed to invoke its own function.
locals {
  lambda_invoke_statements = [
    {
      Sid      = "ApiGatewayInvokesOwnFunction"
      Effect   = "Allow"
      Action   = ["lambda:InvokeFunction"]
      Resource = [local.function_arn, "${local.function_arn}:*"]
    },
  ]
}

resource "aws_iam_role_policy" "lambda_invoke" {
  name   = "invoke-own-function"
  role   = aws_iam_role.lambda.id
  policy = jsonencode({ Version = "2012-10-17", Statement = local.lambda_invoke_statements })
}

# --- GitHub Actions deploy role (Zappa) -------------------------------------------------------------

locals {
  create_deploy_role = var.github_repository != ""
}

data "aws_iam_policy_document" "deploy_assume" {
  count = local.create_deploy_role ? 1 : 0

  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [var.github_oidc_provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }

    # Only jobs bound to this repository's GitHub environment (with its protection rules).
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:${var.github_repository}:environment:${var.github_environment}"]
    }
  }
}

resource "aws_iam_role" "deploy" {
  count = local.create_deploy_role ? 1 : 0

  name                 = "${var.name_prefix}-github-deploy"
  description          = "GitHub Actions: Zappa deploy/update/rollback of ${var.function_name}"
  assume_role_policy   = data.aws_iam_policy_document.deploy_assume[0].json
  max_session_duration = 3600
}

data "aws_iam_policy_document" "deploy" {
  #checkov:skip=CKV_AWS_356:API Gateway REST API ids are assigned by CloudFormation at first deploy, and a few list/describe calls have no resource-level permissions; every other statement is scoped to this stage's ARNs.
  #checkov:skip=CKV_AWS_111:See CKV_AWS_356: API Gateway writes are limited to this account and region because the API id does not exist before the first zappa deploy.
  count = local.create_deploy_role ? 1 : 0

  statement {
    sid = "UploadPackages"
    actions = [
      "s3:GetObject",
      "s3:PutObject",
      "s3:DeleteObject",
      "s3:ListBucket",
      "s3:GetBucketLocation",
    ]
    resources = [var.deployments_bucket_arn, "${var.deployments_bucket_arn}/*"]
  }

  statement {
    # The bucket's default key, named by what S3 puts in the encryption context (the bucket with
    # bucket keys on, the object without) rather than by the key's ARN, which is unknown at plan.
    sid       = "EncryptPackages"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = ["arn:${var.partition}:kms:${var.region}:${var.account_id}:key/*"]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${var.region}.amazonaws.com"]
    }

    condition {
      test     = "StringLike"
      variable = "kms:EncryptionContext:aws:s3:arn"
      values   = [var.deployments_bucket_arn, "${var.deployments_bucket_arn}/*"]
    }
  }

  statement {
    sid = "ManageOwnFunction"
    actions = [
      "lambda:AddPermission",
      "lambda:CreateAlias",
      "lambda:CreateFunction",
      "lambda:DeleteFunction",
      "lambda:DeleteFunctionConcurrency",
      "lambda:GetAlias",
      "lambda:GetFunction",
      "lambda:GetFunctionUrlConfig",
      "lambda:GetFunctionConfiguration",
      "lambda:GetPolicy",
      "lambda:InvokeFunction",
      "lambda:ListAliases",
      "lambda:ListFunctionUrlConfigs",
      "lambda:ListTags",
      "lambda:ListVersionsByFunction",
      "lambda:PublishVersion",
      "lambda:PutFunctionConcurrency",
      "lambda:RemovePermission",
      "lambda:TagResource",
      "lambda:UpdateAlias",
      "lambda:UpdateFunctionCode",
      "lambda:UpdateFunctionConfiguration",
    ]
    resources = [local.function_arn, "${local.function_arn}:*"]
  }

  statement {
    # Zappa passes the execution role to Lambda (the function), API Gateway (integration credentials,
    # through CloudFormation, which acts with this role's permissions) and EventBridge (rule RoleArn).
    sid       = "PassOnlyTheExecutionRole"
    actions   = ["iam:GetRole", "iam:PassRole"]
    resources = [local.lambda_role_arn]

    condition {
      test     = "StringEqualsIfExists"
      variable = "iam:PassedToService"
      values   = local.execution_role_services
    }
  }

  statement {
    sid = "ZappaApiStack"
    actions = [
      "cloudformation:CreateStack",
      "cloudformation:DeleteStack",
      "cloudformation:DescribeStackEvents",
      "cloudformation:DescribeStackResource",
      "cloudformation:DescribeStackResources",
      "cloudformation:DescribeStacks",
      "cloudformation:ListStackResources",
      "cloudformation:UpdateStack",
    ]
    resources = ["arn:${var.partition}:cloudformation:${var.region}:${var.account_id}:stack/${var.function_name}/*"]
  }

  statement {
    sid = "ZappaRestApi"
    actions = [
      "apigateway:DELETE",
      "apigateway:GET",
      "apigateway:PATCH",
      "apigateway:POST",
      "apigateway:PUT",
    ]
    resources = [
      "arn:${var.partition}:apigateway:${var.region}::/restapis",
      "arn:${var.partition}:apigateway:${var.region}::/restapis/*",
      "arn:${var.partition}:apigateway:${var.region}::/tags/*",
    ]
  }

  statement {
    sid = "ZappaScheduledEvents"
    actions = [
      "events:DeleteRule",
      "events:DescribeRule",
      "events:ListTargetsByRule",
      "events:PutRule",
      "events:PutTargets",
      "events:RemoveTargets",
    ]
    # Zappa names every rule "<function name>-<job>" (all of ours fit in its 64 characters).
    resources = ["arn:${var.partition}:events:${var.region}:${var.account_id}:rule/${var.function_name}-*"]
  }

  statement {
    sid = "DescribeOnlyCallsWithoutResourceLevelPermissions"
    actions = [
      "events:ListRules",
      "events:ListRuleNamesByTarget",
      # The release step watches the canary alarms.
      "cloudwatch:DescribeAlarms",
      # Lambda checks these for the caller when a function gets a VPC configuration.
      "ec2:DescribeSecurityGroups",
      "ec2:DescribeSubnets",
      "ec2:DescribeVpcs",
    ]
    resources = ["*"]
  }

  # After every deploy the release applies the stage settings (deploy/release.py): throttling and access logs
  # (apigateway:PATCH on the stage, above), the web ACL and, with a custom domain, its base path mapping.
  dynamic "statement" {
    for_each = var.web_acl_name == "" ? [] : [1]

    content {
      sid       = "AssociateOnlyThisStagesWebAcl"
      actions   = ["wafv2:AssociateWebACL"]
      resources = ["arn:${var.partition}:wafv2:${var.region}:${var.account_id}:regional/webacl/${var.web_acl_name}/*"]
    }
  }

  dynamic "statement" {
    for_each = var.web_acl_name == "" ? [] : [1]

    content {
      # AssociateWebACL also asks API Gateway for the stage it protects.
      sid       = "SetTheWebAclOfThisStage"
      actions   = ["apigateway:SetWebACL"]
      resources = ["arn:${var.partition}:apigateway:${var.region}::/restapis/*/stages/${var.api_stage}"]
    }
  }

  dynamic "statement" {
    for_each = var.custom_domain_name == "" ? [] : [1]

    content {
      sid     = "MapTheCustomDomainToTheStage"
      actions = ["apigateway:GET", "apigateway:POST", "apigateway:PATCH"]
      resources = [
        "arn:${var.partition}:apigateway:${var.region}::/domainnames/${var.custom_domain_name}/basepathmappings",
        "arn:${var.partition}:apigateway:${var.region}::/domainnames/${var.custom_domain_name}/basepathmappings/*",
      ]
    }
  }

  statement {
    sid       = "ZappaTail"
    actions   = ["logs:DescribeLogStreams", "logs:FilterLogEvents", "logs:GetLogEvents"]
    resources = [local.log_group_arn, "${local.log_group_arn}:*"]
  }
}

resource "aws_iam_role_policy" "deploy" {
  count = local.create_deploy_role ? 1 : 0

  name   = "zappa-deploy"
  role   = aws_iam_role.deploy[0].id
  policy = data.aws_iam_policy_document.deploy[0].json
}

# --- Receipt OCR (OCR_BACKEND=textract) ------------------------------------------------------------

resource "aws_iam_role_policy" "lambda_textract" {
  #checkov:skip=CKV_AWS_355:textract:AnalyzeExpense on document bytes has no resource-level permissions.
  #checkov:skip=CKV_AWS_290:textract:AnalyzeExpense on document bytes has no resource-level permissions.
  count = var.enable_textract ? 1 : 0

  name = "textract"
  role = aws_iam_role.lambda.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "ReadReceipts"
      Effect   = "Allow"
      Action   = ["textract:AnalyzeExpense"]
      Resource = ["*"]
    }]
  })
}
