# prod: Multi-AZ, Performance Insights, 35-day point-in-time recovery, one year of logs.

module "environment" {
  source = "../../modules/environment"

  providers = {
    aws                  = aws
    aws.secret_generator = aws.secret_generator
  }

  environment = "prod"
  region      = var.region
  azs         = ["${var.region}a", "${var.region}b"]
  vpc_cidr    = "10.42.0.0/16"

  db_instance_class        = "db.t4g.medium"
  db_multi_az              = true
  db_performance_insights  = true
  db_backup_retention_days = 35
  db_deletion_protection   = var.db_deletion_protection
  db_monitoring_interval   = 60

  log_retention_days          = 365
  kms_deletion_window_days    = 30
  secret_recovery_window_days = 30
  force_destroy_buckets       = false
  app_secret_version          = var.app_secret_version
  write_app_secret            = var.write_app_secret

  monthly_budget_usd           = 260 # what this stage costs: docs/deploy.md, "What a stage costs"
  alarm_emails                 = var.alarm_emails
  alarm_lambda_error_threshold = 1
  alarm_api_5xx_threshold      = 3
  alarm_db_connections_max     = 150

  db_read_replica = true # reports, exports, dashboards and lists read from it (docs/scaling.md)
  cache_enabled   = true # ElastiCache Serverless: REDIS_URL of the function

  enable_xray = true # zappa_settings.json turns xray_tracing on
  enable_waf  = true

  db_role_bootstrap           = var.db_role_bootstrap
  lambda_reserved_concurrency = 50 # zappa_settings.json lambda_concurrency

  api_throttle_rate_limit         = 250 # about 5 requests a second per reserved instance (lambda_concurrency 50)
  api_throttle_burst_limit        = 500
  manage_api_gateway_logging_role = var.manage_api_gateway_logging_role
  custom_domain_name              = var.custom_domain_name
  route53_zone_id                 = var.route53_zone_id

  github_repository        = var.github_repository
  github_oidc_provider_arn = var.github_oidc_provider_arn
}
