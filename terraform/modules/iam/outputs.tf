output "lambda_role_arn" {
  description = "Execution role ARN (zappa role_arn)."
  value       = aws_iam_role.lambda.arn
}

output "lambda_role_name" {
  description = "Execution role name (zappa role_name)."
  value       = aws_iam_role.lambda.name
}

output "deploy_role_arn" {
  description = "GitHub Actions deploy role ARN, or null when no repository was given."
  value       = one(aws_iam_role.deploy[*].arn)
}

output "lambda_policy_statements" {
  description = "Every statement of the execution role's inline policies (for tests and reviews)."
  value = concat(
    local.lambda_statements,
    local.lambda_vpc_statements,
    var.enable_xray ? local.lambda_xray_statements : [],
  )
}
