# A read replica of the RDS PostgreSQL instance for reports, exports, dashboards and list pages
# (mealtracker/db_router.py decides which reads go there; writes never do).
#
# RDS Proxy serves READ_ONLY endpoints for Aurora clusters only, so with an RDS instance the function reaches the
# replica at the replica's own endpoint: TLS required (the parameter group forces it), signing in with an IAM
# token as the read-only role (replica_role) -- no password in the function. Its own security group lets only the
# function in on 5432; the primary stays reachable through the proxy only. Should the replica be down, lagging or
# refuse the sign-in, the app reads from the primary (docs/scaling.md).

locals {
  replica_role_arn = "arn:${var.partition}:rds-db:${var.region}:${var.account_id}:dbuser:${aws_db_instance.replica.resource_id}/${var.replica_role}"

  lambda_statements = [
    {
      Sid      = "ConnectToTheReadReplicaAsTheReaderRole"
      Effect   = "Allow"
      Action   = ["rds-db:connect"]
      Resource = [local.replica_role_arn]
    },
  ]
}

resource "aws_security_group" "replica" {
  name        = "${var.identifier}-replica"
  description = "Read replica: 5432 from the Lambda function only"
  vpc_id      = var.vpc_id

  tags = { Name = "${var.identifier}-replica" }
}

resource "aws_vpc_security_group_ingress_rule" "replica_from_lambda" {
  security_group_id            = aws_security_group.replica.id
  description                  = "PostgreSQL from the Lambda function"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = var.lambda_security_group_id
}

resource "aws_vpc_security_group_egress_rule" "lambda_to_replica" {
  security_group_id            = var.lambda_security_group_id
  description                  = "PostgreSQL to the read replica"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.replica.id
}

resource "aws_db_instance" "replica" {
  #checkov:skip=CKV_AWS_157:A replica is not Multi-AZ: when it fails, reads fall back to the (Multi-AZ in prod) primary.
  #checkov:skip=CKV_AWS_293:Deletion protection follows the stage (var.deletion_protection); the data lives on the primary.
  #checkov:skip=CKV_AWS_353:Performance Insights follows the stage (var.performance_insights_enabled).
  #checkov:skip=CKV_AWS_118:Enhanced monitoring follows the stage (var.monitoring_interval).
  #checkov:skip=CKV2_AWS_60:A replica takes no snapshots of its own (backups are the primary's).
  #checkov:skip=CKV_AWS_133:Backups are the primary's (point-in-time recovery there); a replica is rebuilt from it.
  identifier          = "${var.identifier}-replica"
  replicate_source_db = var.source_db_identifier
  instance_class      = var.instance_class

  storage_encrypted = true
  kms_key_id        = var.kms_key_arn
  storage_type      = "gp3"

  iam_database_authentication_enabled = true
  vpc_security_group_ids              = [aws_security_group.replica.id]
  publicly_accessible                 = false
  multi_az                            = false
  parameter_group_name                = var.parameter_group_name
  ca_cert_identifier                  = "rds-ca-rsa2048-g1"

  backup_retention_period = 0
  skip_final_snapshot     = true
  deletion_protection     = var.deletion_protection

  auto_minor_version_upgrade  = true
  allow_major_version_upgrade = false
  apply_immediately           = false

  performance_insights_enabled          = var.performance_insights_enabled
  performance_insights_kms_key_id       = var.performance_insights_enabled ? var.kms_key_arn : null
  performance_insights_retention_period = var.performance_insights_enabled ? 7 : null

  monitoring_interval = var.monitoring_interval
  monitoring_role_arn = var.monitoring_interval > 0 ? var.monitoring_role_arn : null

  enabled_cloudwatch_logs_exports = ["postgresql", "upgrade"]
}

resource "aws_iam_role_policy" "lambda_connect_replica" {
  name   = "connect-to-the-read-replica"
  role   = var.lambda_role_name
  policy = jsonencode({ Version = "2012-10-17", Statement = local.lambda_statements })
}
