locals {
  # Known once the cache exists (empty in plans and in tests with a mocked provider).
  endpoint = one(aws_elasticache_serverless_cache.this.endpoint)
}

output "address" {
  description = "Host name of the cache endpoint."
  value       = try(local.endpoint.address, "")
}

output "port" {
  description = "Port of the cache endpoint."
  value       = try(local.endpoint.port, 6379)
}

output "redis_url" {
  description = "The function's REDIS_URL (TLS: serverless caches accept nothing else); empty until the cache exists."
  value       = local.endpoint == null ? "" : "rediss://${local.endpoint.address}:${local.endpoint.port}/0"
}

output "security_group_id" {
  description = "The cache's security group."
  value       = aws_security_group.cache.id
}
