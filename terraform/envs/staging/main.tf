# staging: Same shape as prod at a smaller size; deploys on every push to main.

module "environment" {
  source = "../../modules/environment"

  providers = {
    aws                  = aws
    aws.secret_generator = aws.secret_generator
  }

  environment = "staging"
  region      = var.region
  azs         = ["${var.region}a", "${var.region}b"]
  vpc_cidr    = "10.41.0.0/16"

  db_instance_class        = "db.t4g.small"
  db_multi_az              = false
  db_performance_insights  = true
  db_backup_retention_days = 14
  db_deletion_protection   = var.db_deletion_protection
  db_monitoring_interval   = 60

  log_retention_days          = 90
  kms_deletion_window_days    = 30
  secret_recovery_window_days = 30
  force_destroy_buckets       = false
  app_secret_version          = var.app_secret_version
  write_app_secret            = var.write_app_secret

  monthly_budget_usd           = 150 # what this stage costs: docs/deploy.md, "What a stage costs"
  alarm_emails                 = var.alarm_emails
  alarm_lambda_error_threshold = 1
  alarm_api_5xx_threshold      = 5
  alarm_db_connections_max     = 80

  db_read_replica = true # reports, exports, dashboards and lists read from it (docs/scaling.md)
  cache_enabled   = true # ElastiCache Serverless: REDIS_URL of the function

  enable_xray = true # zappa_settings.json turns xray_tracing on
  enable_waf  = true

  db_role_bootstrap           = var.db_role_bootstrap
  lambda_reserved_concurrency = 20 # zappa_settings.json lambda_concurrency

  api_throttle_rate_limit         = 100 # about 5 requests a second per reserved instance (lambda_concurrency 20)
  api_throttle_burst_limit        = 200
  manage_api_gateway_logging_role = var.manage_api_gateway_logging_role
  custom_domain_name              = var.custom_domain_name
  route53_zone_id                 = var.route53_zone_id

  github_repository        = var.github_repository
  github_oidc_provider_arn = var.github_oidc_provider_arn
}
