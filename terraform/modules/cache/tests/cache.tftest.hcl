mock_provider "aws" {
  source = "../../tests/mocks"
}

override_resource {
  target = aws_elasticache_serverless_cache.this
  values = {
    endpoint = [{ address = "met-test-abc123.serverless.use1.cache.amazonaws.com", port = 6379 }]
  }
}

variables {
  name_prefix              = "met-test"
  vpc_id                   = "vpc-0123456789abcdef0"
  subnet_ids               = ["subnet-0a", "subnet-0b"]
  lambda_security_group_id = "sg-0aaaaaaaaaaaaaaaa"
  kms_key_arn              = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
}

run "cache_is_encrypted_private_and_tls_only" {
  command = apply

  assert {
    condition     = aws_elasticache_serverless_cache.this.kms_key_id == var.kms_key_arn
    error_message = "Encrypted at rest with the data key."
  }

  assert {
    condition     = aws_elasticache_serverless_cache.this.subnet_ids == toset(var.subnet_ids)
    error_message = "In the private subnets."
  }

  assert {
    condition     = startswith(output.redis_url, "rediss://")
    error_message = "The app connects with TLS (serverless caches accept nothing else)."
  }
}

run "only_the_function_reaches_the_cache" {
  command = apply

  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.cache_from_lambda.referenced_security_group_id == var.lambda_security_group_id &&
      aws_vpc_security_group_ingress_rule.cache_from_lambda.from_port == 6379 &&
      aws_vpc_security_group_ingress_rule.cache_from_lambda.to_port == 6379
    )
    error_message = "6379 from the function's security group only."
  }

  assert {
    condition     = aws_elasticache_serverless_cache.this.security_group_ids == toset([aws_security_group.cache.id])
    error_message = "The cache sits in its own security group."
  }
}

run "usage_is_capped" {
  command = apply

  assert {
    condition     = one(one(aws_elasticache_serverless_cache.this.cache_usage_limits[*].data_storage[*].maximum)) == 1
    error_message = "A storage ceiling bounds the bill."
  }
}
