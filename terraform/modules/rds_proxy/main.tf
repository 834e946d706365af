# RDS Proxy between the Lambda function and RDS PostgreSQL.
#
# The function signs in to the proxy as the app's own role (app_role, made by `manage.py create_app_db_role`)
# with an IAM token (iam_auth REQUIRED): it holds no database password. The proxy signs in to PostgreSQL with the
# role's password from its own secret (app_role_secret below, written by that command), which only the proxy may
# read. TLS is required on both legs; the proxy's certificate comes from ACM (the app verifies it against the
# Amazon roots shipped in mealtracker/certs). The master user is never registered with the proxy: its
# RDS-managed secret is used once, directly against the instance, to create the role.

locals {
  # arn:aws:rds:<region>:<account>:db-proxy:prx-0123... -> prx-0123..., the resource in rds-db:connect ARNs.
  proxy_resource_id = element(split(":", aws_db_proxy.this.arn), 6)
  dbuser_arn        = "arn:${var.partition}:rds-db:${var.region}:${var.account_id}:dbuser:${local.proxy_resource_id}/${var.app_role}"

  lambda_statements = [
    {
      Sid      = "ConnectToTheProxyAsTheAppRole"
      Effect   = "Allow"
      Action   = ["rds-db:connect"]
      Resource = [local.dbuser_arn]
    },
  ]

  # Only while `create_app_db_role` runs (db_role_bootstrap = true): read the master secret, write the role's.
  bootstrap_statements = [
    {
      Sid      = "ReadTheMasterSecretOnceToCreateTheAppRole"
      Effect   = "Allow"
      Action   = ["secretsmanager:GetSecretValue"]
      Resource = [var.master_secret_arn]
    },
    {
      Sid      = "WriteTheAppRolePasswordForTheProxy"
      Effect   = "Allow"
      Action   = ["secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage", "secretsmanager:DescribeSecret"]
      Resource = [aws_secretsmanager_secret.app_role.arn]
    },
  ]
}

resource "aws_secretsmanager_secret" "app_role" {
  #checkov:skip=CKV2_AWS_57:Rotated by running `create_app_db_role` again (it stages the new password as AWSPENDING, sets it in PostgreSQL, then makes it AWSCURRENT); warm functions are unaffected because they sign in with IAM tokens.
  name                    = "${var.name_prefix}/db-app-role"
  description             = "Password of the ${var.app_role} PostgreSQL role, read by RDS Proxy only"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.secret_recovery_window_days
}

# --- The proxy's own role: read the app role's secret, nothing else --------------------------------------

data "aws_iam_policy_document" "proxy_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["rds.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.account_id]
    }
  }
}

resource "aws_iam_role" "proxy" {
  name               = "${var.name_prefix}-rds-proxy"
  assume_role_policy = data.aws_iam_policy_document.proxy_assume.json
}

resource "aws_iam_role_policy" "proxy" {
  name = "read-app-role-secret"
  role = aws_iam_role.proxy.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadTheAppRoleSecret"
        Effect   = "Allow"
        Action   = ["secretsmanager:GetSecretValue"]
        Resource = [aws_secretsmanager_secret.app_role.arn]
      },
      {
        Sid       = "DecryptItThroughSecretsManager"
        Effect    = "Allow"
        Action    = ["kms:Decrypt"]
        Resource  = [var.kms_key_arn]
        Condition = { StringEquals = { "kms:ViaService" = "secretsmanager.${var.region}.amazonaws.com" } }
      },
    ]
  })
}

# --- Network: function -> proxy -> database, 5432 only, by security group ---------------------------------

resource "aws_security_group" "proxy" {
  #checkov:skip=CKV2_AWS_5:Attached to the proxy below through aws_db_proxy.vpc_security_group_ids, which checkov does not follow.
  name        = "${var.name_prefix}-rds-proxy"
  description = "RDS Proxy: 5432 from the Lambda function, 5432 to the database"
  vpc_id      = var.vpc_id

  tags = { Name = "${var.name_prefix}-rds-proxy" }
}

resource "aws_vpc_security_group_ingress_rule" "proxy_from_lambda" {
  security_group_id            = aws_security_group.proxy.id
  description                  = "PostgreSQL from the Lambda function"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = var.lambda_security_group_id
}

resource "aws_vpc_security_group_egress_rule" "proxy_to_database" {
  security_group_id            = aws_security_group.proxy.id
  description                  = "PostgreSQL to the RDS instance"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = var.database_security_group_id
}

resource "aws_vpc_security_group_ingress_rule" "database_from_proxy" {
  security_group_id            = var.database_security_group_id
  description                  = "PostgreSQL from RDS Proxy"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.proxy.id
}

resource "aws_vpc_security_group_egress_rule" "lambda_to_proxy" {
  security_group_id            = var.lambda_security_group_id
  description                  = "PostgreSQL to RDS Proxy"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.proxy.id
}

# --- The proxy ----------------------------------------------------------------------------------------------

resource "aws_db_proxy" "this" {
  name           = var.name_prefix
  engine_family  = "POSTGRESQL"
  role_arn       = aws_iam_role.proxy.arn
  vpc_subnet_ids = var.subnet_ids

  vpc_security_group_ids = [aws_security_group.proxy.id]
  require_tls            = true
  debug_logging          = false # would log statements, personal data included
  # Above the app's CONN_MAX_AGE (600 s): the proxy never drops a client connection Django still counts on.
  idle_client_timeout = var.idle_client_timeout_seconds

  auth {
    auth_scheme               = "SECRETS"
    iam_auth                  = "REQUIRED"
    client_password_auth_type = "POSTGRES_SCRAM_SHA_256"
    secret_arn                = aws_secretsmanager_secret.app_role.arn
    description               = "The app's own role (create_app_db_role)"
  }

  depends_on = [aws_iam_role_policy.proxy]
}

resource "aws_db_proxy_default_target_group" "this" {
  db_proxy_name = aws_db_proxy.this.name

  connection_pool_config {
    # Leave room for the master, monitoring and maintenance on the instance.
    max_connections_percent      = var.max_connections_percent
    max_idle_connections_percent = 50
    connection_borrow_timeout    = 10 # seconds: a request waits briefly for a pooled connection, then fails (503)
  }
}

resource "aws_db_proxy_target" "this" {
  db_proxy_name          = aws_db_proxy.this.name
  target_group_name      = aws_db_proxy_default_target_group.this.name
  db_instance_identifier = var.db_instance_id
}

# --- What the function may do (attached to its execution role, which modules/iam owns) -------------------

resource "aws_iam_role_policy" "lambda_connect" {
  name   = "connect-through-rds-proxy"
  role   = var.lambda_role_name
  policy = jsonencode({ Version = "2012-10-17", Statement = local.lambda_statements })
}

resource "aws_iam_role_policy" "lambda_bootstrap" {
  count = var.db_role_bootstrap ? 1 : 0

  name   = "create-app-db-role"
  role   = var.lambda_role_name
  policy = jsonencode({ Version = "2012-10-17", Statement = local.bootstrap_statements })
}

# --- A read-only endpoint (Aurora targets only) -----------------------------------------------------------
# RDS Proxy routes READ_ONLY endpoints to Aurora reader instances; with an RDS instance as the target there is no
# reader behind the proxy, so this stays off and the function reaches the read replica at its own endpoint
# (modules/read_replica). Turn it on where the target is an Aurora cluster.

resource "aws_db_proxy_endpoint" "read_only" {
  count = var.read_only_endpoint ? 1 : 0

  db_proxy_name          = aws_db_proxy.this.name
  db_proxy_endpoint_name = "${var.name_prefix}-read-only"
  vpc_subnet_ids         = var.subnet_ids
  vpc_security_group_ids = [aws_security_group.proxy.id]
  target_role            = "READ_ONLY"
}
