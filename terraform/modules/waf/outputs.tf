output "web_acl_arn" {
  description = "Web ACL ARN."
  value       = aws_wafv2_web_acl.this.arn
}

output "web_acl_name" {
  description = "Web ACL name (the deploy role may associate web ACLs of this name only)."
  value       = aws_wafv2_web_acl.this.name
}
