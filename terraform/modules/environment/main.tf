# One whole environment (dev, staging or prod) of Meal Expense Tracker. The env roots under
# terraform/envs/ only choose the values; wiring lives here once, so environments cannot drift apart.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  # Zappa names the function (and its REST API) "<project_name>-<stage>"; the stage is the env name.
  zappa_project_name = var.app_name
  zappa_stage        = var.environment
  function_name      = "${var.app_name}-${var.environment}"
  name_prefix        = local.function_name

  # Pages of the app that post receipts straight to S3: the execute-api host (its API id is assigned by the
  # first zappa deploy, so any API of this region: CORS grants nothing, each upload's presigned policy does)
  # and the custom domain.
  app_origins = concat(
    var.custom_domain_name == "" ? [] : ["https://${var.custom_domain_name}"],
    ["https://*.execute-api.${var.region}.amazonaws.com"],
  )
}

# Random SECRET_KEY and DB password, opened on every run but written (to the app secret and to RDS,
# through write-only attributes) only when app_secret_version changes: never stored in state.
ephemeral "aws_secretsmanager_random_password" "secret_key" {
  count    = var.write_app_secret ? 1 : 0
  provider = aws.secret_generator

  password_length     = 64
  exclude_punctuation = true
}

ephemeral "aws_secretsmanager_random_password" "field_encryption_key" {
  count    = var.write_app_secret ? 1 : 0
  provider = aws.secret_generator

  password_length     = 64
  exclude_punctuation = true # the app derives its Fernet key from it (HKDF); never from SECRET_KEY
}

# Before a rewrite of the app secret (app_secret_version > 1) its current document is read, ephemerally, so the
# keys added by hand (PLACES_API_KEY, e-mail credentials) and FIELD_ENCRYPTION_KEY are written back unchanged.
ephemeral "aws_secretsmanager_secret_version" "app_current" {
  count    = var.write_app_secret && var.app_secret_version > 1 ? 1 : 0
  provider = aws.secret_generator

  secret_id = module.secrets.app_secret_arn
}

module "secrets" {
  source = "../secrets"

  name_prefix                 = local.name_prefix
  account_id                  = local.account_id
  region                      = var.region
  partition                   = local.partition
  key_deletion_window_days    = var.kms_deletion_window_days
  secret_recovery_window_days = var.secret_recovery_window_days
  app_secret_version          = var.app_secret_version
  write_secret_value          = var.write_app_secret
  secret_key                  = var.write_app_secret ? ephemeral.aws_secretsmanager_random_password.secret_key[0].random_password : null
  field_encryption_key        = var.write_app_secret ? ephemeral.aws_secretsmanager_random_password.field_encryption_key[0].random_password : null
  current_secret              = var.write_app_secret && var.app_secret_version > 1 ? jsondecode(ephemeral.aws_secretsmanager_secret_version.app_current[0].secret_string) : {}
}

module "network" {
  source = "../network"

  name_prefix             = local.name_prefix
  account_id              = local.account_id
  region                  = var.region
  partition               = local.partition
  cidr_block              = var.vpc_cidr
  azs                     = var.azs
  enable_nat_gateway      = var.enable_nat_gateway
  logs_kms_key_arn        = module.secrets.logs_kms_key_arn
  flow_log_retention_days = var.audit_log_retention_days
}

module "storage" {
  source = "../storage"

  name_prefix             = local.name_prefix
  account_id              = local.account_id
  partition               = local.partition
  kms_key_arn             = module.secrets.data_kms_key_arn
  exports_expiration_days = var.exports_expiration_days
  receipts_cors_origins   = local.app_origins
  force_destroy           = var.force_destroy_buckets
}

module "database" {
  source = "../database"

  identifier                   = local.name_prefix
  account_id                   = local.account_id
  partition                    = local.partition
  subnet_ids                   = module.network.private_subnet_ids
  security_group_id            = module.network.database_security_group_id
  kms_key_arn                  = module.secrets.data_kms_key_arn
  logs_kms_key_arn             = module.secrets.logs_kms_key_arn
  instance_class               = var.db_instance_class
  allocated_storage            = var.db_allocated_storage
  max_allocated_storage        = var.db_max_allocated_storage
  multi_az                     = var.db_multi_az
  backup_retention_days        = var.db_backup_retention_days
  deletion_protection          = var.db_deletion_protection
  performance_insights_enabled = var.db_performance_insights
  monitoring_interval          = var.db_monitoring_interval
  log_retention_days           = var.audit_log_retention_days # connections, DDL and slow statements
}

module "rds_proxy" {
  source = "../rds_proxy"

  name_prefix                 = local.name_prefix
  account_id                  = local.account_id
  region                      = var.region
  partition                   = local.partition
  vpc_id                      = module.network.vpc_id
  subnet_ids                  = module.network.private_subnet_ids
  lambda_security_group_id    = module.network.lambda_security_group_id
  database_security_group_id  = module.network.database_security_group_id
  db_instance_id              = module.database.instance_id
  kms_key_arn                 = module.secrets.data_kms_key_arn
  master_secret_arn           = module.database.master_secret_arn
  lambda_role_name            = module.iam.lambda_role_name
  db_role_bootstrap           = var.db_role_bootstrap
  secret_recovery_window_days = var.secret_recovery_window_days
}

# Reports, exports, dashboards and list pages read from a replica where the stage has one (staging, prod).
module "read_replica" {
  source = "../read_replica"
  count  = var.db_read_replica ? 1 : 0

  identifier                   = local.name_prefix
  source_db_identifier         = module.database.instance_id
  account_id                   = local.account_id
  region                       = var.region
  partition                    = local.partition
  vpc_id                       = module.network.vpc_id
  lambda_security_group_id     = module.network.lambda_security_group_id
  lambda_role_name             = module.iam.lambda_role_name
  instance_class               = var.db_replica_instance_class != "" ? var.db_replica_instance_class : var.db_instance_class
  parameter_group_name         = module.database.parameter_group_name
  kms_key_arn                  = module.secrets.data_kms_key_arn
  deletion_protection          = var.db_deletion_protection
  performance_insights_enabled = var.db_performance_insights
  monitoring_interval          = var.db_monitoring_interval
  monitoring_role_arn          = module.database.monitoring_role_arn
}

# The shared cache (lockouts, place lookups, report figures) where the stage has one; the database cache otherwise.
module "cache" {
  source = "../cache"
  count  = var.cache_enabled ? 1 : 0

  name_prefix              = local.name_prefix
  vpc_id                   = module.network.vpc_id
  subnet_ids               = module.network.private_subnet_ids
  lambda_security_group_id = module.network.lambda_security_group_id
  kms_key_arn              = module.secrets.data_kms_key_arn
  max_data_storage_gb      = var.cache_max_data_storage_gb
}

module "observability" {
  source = "../observability"

  name_prefix          = local.name_prefix
  account_id           = local.account_id
  region               = var.region
  function_name        = local.function_name
  api_name             = local.function_name
  api_stage            = local.zappa_stage
  db_instance_id       = module.database.instance_id
  db_proxy_name        = module.rds_proxy.name
  reserved_concurrency = var.lambda_reserved_concurrency
  logs_kms_key_arn     = module.secrets.logs_kms_key_arn
  data_kms_key_arn     = module.secrets.data_kms_key_arn
  log_retention_days   = var.log_retention_days
  alarm_emails         = var.alarm_emails

  lambda_error_threshold = var.alarm_lambda_error_threshold
  api_5xx_threshold      = var.alarm_api_5xx_threshold
  db_connections_max     = var.alarm_db_connections_max
}

module "iam" {
  source = "../iam"

  name_prefix            = local.name_prefix
  function_name          = local.function_name
  account_id             = local.account_id
  region                 = var.region
  partition              = local.partition
  app_secret_arn         = module.secrets.app_secret_arn
  data_kms_key_arn       = module.secrets.data_kms_key_arn
  receipts_bucket_arn    = module.storage.receipts_bucket_arn
  deployments_bucket_arn = module.storage.deployments_bucket_arn
  dlq_arn                = module.observability.dlq_arn
  db_resource_id         = module.database.resource_id
  enable_xray            = var.enable_xray
  api_stage              = local.zappa_stage
  web_acl_name           = var.enable_waf ? "${local.name_prefix}-api" : ""
  custom_domain_name     = var.custom_domain_name

  github_repository        = var.github_repository
  github_environment       = var.environment
  github_oidc_provider_arn = var.github_oidc_provider_arn
}

module "budget" {
  source = "../budget"

  name_prefix           = local.name_prefix
  monthly_limit_usd     = var.monthly_budget_usd
  sns_topic_arn         = module.observability.alarm_topic_arn
  emails                = var.alarm_emails
  environment_tag_value = var.environment
}

module "release" {
  source = "../release"

  function_name   = local.function_name
  api_name        = local.function_name
  api_stage       = local.zappa_stage
  alarm_topic_arn = module.observability.alarm_topic_arn
}

module "waf" {
  source = "../waf"
  count  = var.enable_waf ? 1 : 0

  name_prefix              = local.name_prefix
  rate_limit_per_5_minutes = var.waf_rate_limit_per_5_minutes
  logs_kms_key_arn         = module.secrets.logs_kms_key_arn
  log_retention_days       = var.audit_log_retention_days
}

# Throttling, access logs, the web ACL and the custom domain of the REST API stage Zappa creates: Terraform
# builds them, deploy/release.py applies them to the stage after every deploy (output api_stage_settings).
module "edge" {
  source = "../edge"

  name_prefix                 = local.name_prefix
  account_id                  = local.account_id
  region                      = var.region
  partition                   = local.partition
  logs_kms_key_arn            = module.secrets.logs_kms_key_arn
  access_log_retention_days   = var.audit_log_retention_days
  throttle_rate_limit         = var.api_throttle_rate_limit
  throttle_burst_limit        = var.api_throttle_burst_limit
  web_acl_arn                 = one(module.waf[*].web_acl_arn)
  manage_account_logging_role = var.manage_api_gateway_logging_role
  custom_domain_name          = var.custom_domain_name
  route53_zone_id             = var.route53_zone_id
}

# Live updates: the API Gateway WebSocket API whose routes run in the app's function (docs/realtime.md); its URLs go to
# the function as WEBSOCKET_URL and WEBSOCKET_MANAGEMENT_URL (scripts/zappa_settings_from_tf.py).
module "websocket" {
  source = "../websocket"

  name_prefix               = local.name_prefix
  function_name             = local.function_name
  lambda_role_name          = module.iam.lambda_role_name
  stage_name                = local.zappa_stage
  account_id                = local.account_id
  region                    = var.region
  partition                 = local.partition
  logs_kms_key_arn          = module.secrets.logs_kms_key_arn
  access_log_retention_days = var.audit_log_retention_days
}
