output "instance_id" {
  description = "RDS instance identifier."
  value       = aws_db_instance.this.identifier
}

output "resource_id" {
  description = "RDS resource id (used in rds-db:connect ARNs for IAM auth)."
  value       = aws_db_instance.this.resource_id
}

output "address" {
  description = "Host name of the instance."
  value       = aws_db_instance.this.address
}

output "port" {
  description = "Port of the instance."
  value       = aws_db_instance.this.port
}

output "endpoint" {
  description = "host:port of the instance."
  value       = aws_db_instance.this.endpoint
}

output "db_name" {
  description = "Database name."
  value       = aws_db_instance.this.db_name
}

output "master_secret_arn" {
  description = "The RDS-managed secret of the master user (rotated by RDS); used only by create_app_db_role."
  value       = one(aws_db_instance.this.master_user_secret[*].secret_arn)
}

output "master_username" {
  description = "Master user name."
  value       = aws_db_instance.this.username
}


output "security_properties" {
  description = "Security-relevant settings as applied (asserted by terraform test)."
  value = {
    publicly_accessible          = aws_db_instance.this.publicly_accessible
    storage_encrypted            = aws_db_instance.this.storage_encrypted
    kms_key_id                   = aws_db_instance.this.kms_key_id
    iam_auth                     = aws_db_instance.this.iam_database_authentication_enabled
    password_in_state            = nonsensitive(aws_db_instance.this.password != null)
    master_password_managed      = aws_db_instance.this.manage_master_user_password
    multi_az                     = aws_db_instance.this.multi_az
    deletion_protection          = aws_db_instance.this.deletion_protection
    backup_retention_days        = aws_db_instance.this.backup_retention_period
    performance_insights_enabled = aws_db_instance.this.performance_insights_enabled
    force_ssl                    = one([for p in aws_db_parameter_group.this.parameter : p.value if p.name == "rds.force_ssl"])
    engine_version               = aws_db_instance.this.engine_version
  }
}

output "parameter_group_name" {
  description = "The instance's parameter group (a read replica uses it too)."
  value       = aws_db_parameter_group.this.name
}

output "monitoring_role_arn" {
  description = "Enhanced-monitoring role (null when monitoring is off)."
  value       = var.monitoring_interval > 0 ? aws_iam_role.monitoring[0].arn : null
}
