# The shared cache: ElastiCache Serverless (Valkey, Redis-compatible) in the private subnets.
#
# Serverless caches speak TLS only, so the function's REDIS_URL is rediss://<endpoint>:6379. Its own security group
# lets only the function in; nothing else in the VPC reaches it. Data at rest is encrypted with the data key.
# Held there: login lockouts, place lookups, report and dashboard figures, write stamps (docs/scaling.md). Losing
# it costs speed, never data: figures are recomputed, stamps restart (every key misses once).

resource "aws_security_group" "cache" {
  name        = "${var.name_prefix}-cache"
  description = "ElastiCache Serverless: 6379 from the Lambda function only"
  vpc_id      = var.vpc_id

  tags = { Name = "${var.name_prefix}-cache" }
}

resource "aws_vpc_security_group_ingress_rule" "cache_from_lambda" {
  security_group_id            = aws_security_group.cache.id
  description                  = "Valkey/Redis (TLS) from the Lambda function"
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  referenced_security_group_id = var.lambda_security_group_id
}

resource "aws_vpc_security_group_egress_rule" "lambda_to_cache" {
  security_group_id            = var.lambda_security_group_id
  description                  = "Valkey/Redis (TLS) to the cache"
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  referenced_security_group_id = aws_security_group.cache.id
}

resource "aws_elasticache_serverless_cache" "this" {
  name                 = var.name_prefix
  engine               = var.engine
  major_engine_version = var.major_engine_version
  description          = "Shared cache of ${var.name_prefix}"

  kms_key_id         = var.kms_key_arn
  security_group_ids = [aws_security_group.cache.id]
  subnet_ids         = var.subnet_ids

  cache_usage_limits {
    data_storage {
      maximum = var.max_data_storage_gb
      unit    = "GB"
    }

    ecpu_per_second {
      maximum = var.max_ecpu_per_second
    }
  }

  snapshot_retention_limit = 0 # a cache: nothing in it needs restoring
}
