output "address" {
  description = "Host name of the cache endpoint."
  value       = one(aws_elasticache_serverless_cache.this.endpoint[*].address)
}

output "port" {
  description = "Port of the cache endpoint."
  value       = one(aws_elasticache_serverless_cache.this.endpoint[*].port)
}

output "redis_url" {
  description = "The function's REDIS_URL (TLS: serverless caches accept nothing else)."
  value       = "rediss://${one(aws_elasticache_serverless_cache.this.endpoint[*].address)}:${one(aws_elasticache_serverless_cache.this.endpoint[*].port)}/0"
}

output "security_group_id" {
  description = "The cache's security group."
  value       = aws_security_group.cache.id
}
