output "vpc_id" {
  description = "VPC id."
  value       = aws_vpc.this.id
}

output "private_subnet_ids" {
  description = "Private subnet ids (Lambda and RDS)."
  value       = aws_subnet.private[*].id
}

output "public_subnet_ids" {
  description = "Public subnet ids (NAT gateway only)."
  value       = aws_subnet.public[*].id
}

output "lambda_security_group_id" {
  description = "Security group for the Lambda function."
  value       = aws_security_group.lambda.id
}

output "database_security_group_id" {
  description = "Security group for RDS."
  value       = aws_security_group.database.id
}

output "vpc_endpoint_ids" {
  description = "Ids of the VPC endpoints by service."
  value       = merge({ s3 = aws_vpc_endpoint.s3.id }, { for k, v in aws_vpc_endpoint.interface : k => v.id })
}
