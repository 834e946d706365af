mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name_prefix      = "met-test"
  account_id       = "123456789012"
  region           = "us-east-1"
  cidr_block       = "10.40.0.0/16"
  azs              = ["us-east-1a", "us-east-1b"]
  logs_kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
}

run "database_port_is_open_to_the_lambda_sg_only" {
  command = apply

  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.database_from_lambda.from_port == 5432 &&
      aws_vpc_security_group_ingress_rule.database_from_lambda.to_port == 5432 &&
      aws_vpc_security_group_ingress_rule.database_from_lambda.referenced_security_group_id == aws_security_group.lambda.id
    )
    error_message = "RDS must accept 5432 from the Lambda security group only."
  }

  assert {
    condition = alltrue([
      for r in [
        aws_vpc_security_group_ingress_rule.database_from_lambda,
        aws_vpc_security_group_ingress_rule.endpoints_from_lambda,
      ] : r.cidr_ipv4 == null && r.cidr_ipv6 == null
    ])
    error_message = "No security group ingress rule may use a CIDR (and so never 0.0.0.0/0)."
  }

  assert {
    condition     = length(aws_default_security_group.this.ingress) == 0 && length(aws_default_security_group.this.egress) == 0
    error_message = "The default security group must have no rules."
  }
}

run "private_nacl_admits_postgres_only_from_the_vpc" {
  command = apply

  assert {
    condition     = aws_network_acl_rule.private_in_postgres.cidr_block == var.cidr_block
    error_message = "Port 5432 must be admitted from the VPC CIDR only."
  }

  assert {
    condition = alltrue([
      for r in [
        aws_network_acl_rule.private_in_ephemeral_return,
      ] : r.from_port >= 1024
    ])
    error_message = "Traffic from outside the VPC is only admitted on ephemeral ports (return traffic)."
  }
}

run "subnets_endpoints_and_flow_logs" {
  command = apply

  assert {
    condition     = length(aws_subnet.private) == 2 && length(aws_subnet.public) == 2
    error_message = "Two private and two public subnets."
  }

  assert {
    condition     = alltrue([for s in concat(aws_subnet.private, aws_subnet.public) : !s.map_public_ip_on_launch])
    error_message = "No subnet hands out public IPs."
  }

  assert {
    condition     = length(setsubtract(["secretsmanager", "logs"], keys(aws_vpc_endpoint.interface))) == 0
    error_message = "Secrets Manager and CloudWatch Logs interface endpoints are required."
  }

  assert {
    condition     = aws_vpc_endpoint.s3.vpc_endpoint_type == "Gateway"
    error_message = "S3 is reached through a gateway endpoint."
  }

  assert {
    condition     = aws_flow_log.this.traffic_type == "ALL"
    error_message = "Flow logs record all traffic."
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 0 && length(aws_vpc_security_group_egress_rule.lambda_to_internet) == 0
    error_message = "No NAT gateway (and no internet egress) by default."
  }
}

run "nat_is_optional" {
  command = apply

  variables {
    enable_nat_gateway = true
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 1 && length(aws_route.private_nat) == 2
    error_message = "enable_nat_gateway creates one NAT gateway routed from both private subnets."
  }

  assert {
    condition     = aws_vpc_security_group_ingress_rule.database_from_lambda.cidr_ipv4 == null
    error_message = "NAT must not open the database."
  }
}

run "rejects_a_single_az" {
  command = plan

  variables {
    azs = ["us-east-1a"]
  }

  expect_failures = [var.azs]
}
