output "endpoint" {
  description = "Host name the function connects to (DATABASE_HOST)."
  value       = aws_db_proxy.this.endpoint
}

output "app_role" {
  description = "PostgreSQL role the function signs in as (DATABASE_USER)."
  value       = var.app_role
}

output "app_role_secret_arn" {
  description = "The proxy's secret for the app role (DATABASE_APP_SECRET_ID for create_app_db_role)."
  value       = aws_secretsmanager_secret.app_role.arn
}

output "security_group_id" {
  description = "The proxy's security group."
  value       = aws_security_group.proxy.id
}

output "lambda_statements" {
  description = "Statements added to the function's role (for tests and reviews)."
  value       = concat(local.lambda_statements, var.db_role_bootstrap ? local.bootstrap_statements : [])
}

output "security_properties" {
  description = "Security-relevant settings as applied (asserted by terraform test)."
  value = {
    require_tls         = aws_db_proxy.this.require_tls
    iam_auth            = one(aws_db_proxy.this.auth[*].iam_auth)
    debug_logging       = aws_db_proxy.this.debug_logging
    idle_client_timeout = aws_db_proxy.this.idle_client_timeout
    bootstrap_access    = var.db_role_bootstrap
  }
}

output "name" {
  description = "Proxy name (its CloudWatch metrics' ProxyName)."
  value       = aws_db_proxy.this.name
}

output "read_only_endpoint" {
  description = "Host name of the READ_ONLY endpoint, or null when there is none."
  value       = one(aws_db_proxy_endpoint.read_only[*].endpoint)
}
