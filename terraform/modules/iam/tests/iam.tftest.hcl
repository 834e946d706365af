mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name_prefix            = "met-test"
  function_name          = "met-test"
  account_id             = "123456789012"
  region                 = "us-east-1"
  app_secret_arn         = "arn:aws:secretsmanager:us-east-1:123456789012:secret:met-test/app-AbCdEf"
  data_kms_key_arn       = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  receipts_bucket_arn    = "arn:aws:s3:::met-test-receipts"
  deployments_bucket_arn = "arn:aws:s3:::met-test-deployments"
  dlq_arn                = "arn:aws:sqs:us-east-1:123456789012:met-test-dlq"
  db_resource_id         = "db-ABCDEFGHIJKLMNOPQRSTUVWXYZ"
}

run "execution_role_is_least_privilege" {
  command = apply

  variables {
    enable_xray = true
  }

  assert {
    condition = alltrue(flatten([
      for s in output.lambda_policy_statements : [for a in s.Action : a != "*" && !endswith(a, ":*")]
    ]))
    error_message = "No wildcard actions in the execution role."
  }

  assert {
    condition = alltrue([
      for s in output.lambda_policy_statements :
      contains(["ManageFunctionEnis", "WriteTraces"], s.Sid) || !contains(s.Resource, "*")
    ])
    error_message = "Resource \"*\" only where AWS offers no resource-level permission (ENIs, X-Ray)."
  }

  assert {
    condition = toset(flatten([
      for s in output.lambda_policy_statements : s.Resource if s.Sid == "ReadOwnSecrets"
    ])) == toset([var.app_secret_arn])
    error_message = "The function reads its own two secrets and nothing else."
  }

  assert {
    condition     = length(aws_iam_role.deploy) == 0
    error_message = "No GitHub deploy role without a repository."
  }
}

run "xray_is_optional" {
  command = apply

  assert {
    condition     = length(aws_iam_role_policy.lambda_xray) == 0
    error_message = "X-Ray permissions only when enabled."
  }
}

run "deploy_role_when_repository_given" {
  command = apply

  variables {
    github_repository        = "example-org/meal-expense-tracker"
    github_environment       = "staging"
    github_oidc_provider_arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
  }

  assert {
    condition     = length(aws_iam_role.deploy) == 1
    error_message = "A deploy role is created for the repository."
  }
}

run "zappa_can_pass_the_execution_role_to_each_service_it_uses" {
  command = apply

  assert {
    condition = toset(flatten([
      for s in jsondecode(aws_iam_role.lambda.assume_role_policy).Statement : s.Principal.Service
    ])) == toset(["lambda.amazonaws.com", "apigateway.amazonaws.com", "events.amazonaws.com"])
    error_message = "Lambda, API Gateway (integration credentials) and EventBridge (rule RoleArn) assume the role Zappa passes them."
  }

  assert {
    condition = anytrue([
      for s in jsondecode(aws_iam_role_policy.lambda_invoke.policy).Statement :
      contains(s.Action, "lambda:InvokeFunction") && contains(s.Resource, "arn:aws:lambda:us-east-1:123456789012:function:met-test:*")
    ])
    error_message = "API Gateway, acting with the role, may invoke the function's alias and versions."
  }
}

run "the_release_may_attach_only_this_stages_web_acl_and_domain" {
  command = apply

  variables {
    github_repository        = "example-org/meal-expense-tracker"
    github_environment       = "dev"
    github_oidc_provider_arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    api_stage                = "dev"
    web_acl_name             = "met-test-api"
    custom_domain_name       = "meals.example.com"
  }

  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.deploy[0].statement :
      s.actions == toset(["wafv2:AssociateWebACL"]) && s.resources == toset(["arn:aws:wafv2:us-east-1:123456789012:regional/webacl/met-test-api/*"])
    ])
    error_message = "The deploy role may associate this stage's web ACL, named, and no other."
  }

  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.deploy[0].statement :
      s.actions == toset(["apigateway:SetWebACL"]) && s.resources == toset(["arn:aws:apigateway:us-east-1::/restapis/*/stages/dev"])
    ])
    error_message = "AssociateWebACL also needs apigateway:SetWebACL, on this stage only."
  }

  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.deploy[0].statement :
      contains(s.resources, "arn:aws:apigateway:us-east-1::/domainnames/meals.example.com/basepathmappings")
    ])
    error_message = "The release maps this custom domain (and no other) to the stage."
  }
}

run "no_waf_or_domain_permissions_without_them" {
  command = apply

  variables {
    github_repository        = "example-org/meal-expense-tracker"
    github_environment       = "dev"
    github_oidc_provider_arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    api_stage                = "dev"
  }

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.deploy[0].statement :
      !contains(s.actions, "wafv2:AssociateWebACL") && length([for r in s.resources : r if strcontains(r, "/domainnames/")]) == 0
    ])
    error_message = "Without WAF or a custom domain the deploy role gets neither permission."
  }
}
