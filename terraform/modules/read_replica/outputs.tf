output "address" {
  description = "Host name of the replica (DATABASE_REPLICA_HOST)."
  value       = aws_db_instance.replica.address
}

output "replica_role" {
  description = "PostgreSQL role the function signs in to the replica as (DATABASE_REPLICA_USER)."
  value       = var.replica_role
}

output "security_group_id" {
  description = "The replica's security group."
  value       = aws_security_group.replica.id
}

output "lambda_statements" {
  description = "Statements added to the function's role (for tests and reviews)."
  value       = local.lambda_statements
}

output "security_properties" {
  description = "Security-relevant settings as applied (asserted by terraform test)."
  value = {
    publicly_accessible = aws_db_instance.replica.publicly_accessible
    storage_encrypted   = aws_db_instance.replica.storage_encrypted
    iam_auth            = aws_db_instance.replica.iam_database_authentication_enabled
    replicate_source_db = aws_db_instance.replica.replicate_source_db
  }
}
