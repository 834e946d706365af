output "web_acl_arn" {
  description = "Web ACL ARN."
  value       = aws_wafv2_web_acl.this.arn
}

output "associated" {
  description = "Whether the web ACL is attached to the REST API stage."
  value       = length(aws_wafv2_web_acl_association.api) == 1
}
