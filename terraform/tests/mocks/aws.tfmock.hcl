# Shared values for `mock_provider "aws" { source = ... }` in every *.tftest.hcl. The AWS provider
# validates ARNs and policy JSON even when mocked, so random strings will not do.

mock_data "aws_caller_identity" {
  defaults = {
    account_id = "123456789012"
    arn        = "arn:aws:iam::123456789012:user/terraform-test"
  }
}

mock_data "aws_partition" {
  defaults = {
    partition  = "aws"
    dns_suffix = "amazonaws.com"
  }
}

mock_data "aws_iam_policy_document" {
  defaults = {
    json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
  }
}

mock_resource "aws_kms_key" {
  defaults = {
    arn    = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    key_id = "11111111-2222-3333-4444-555555555555"
  }
}

mock_resource "aws_iam_role" {
  defaults = {
    arn = "arn:aws:iam::123456789012:role/mock-role"
  }
}

mock_resource "aws_iam_openid_connect_provider" {
  defaults = {
    arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
  }
}

mock_resource "aws_cloudwatch_log_group" {
  defaults = {
    arn = "arn:aws:logs:us-east-1:123456789012:log-group:mock"
  }
}

mock_resource "aws_sns_topic" {
  defaults = {
    arn = "arn:aws:sns:us-east-1:123456789012:mock-topic"
  }
}

mock_resource "aws_sqs_queue" {
  defaults = {
    arn = "arn:aws:sqs:us-east-1:123456789012:mock-queue"
    url = "https://sqs.us-east-1.amazonaws.com/123456789012/mock-queue"
  }
}

mock_resource "aws_s3_bucket" {
  defaults = {
    arn = "arn:aws:s3:::mock-bucket"
  }
}

mock_resource "aws_secretsmanager_secret" {
  defaults = {
    arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mock-AbCdEf"
  }
}

mock_resource "aws_db_instance" {
  defaults = {
    arn         = "arn:aws:rds:us-east-1:123456789012:db:mock"
    resource_id = "db-ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    address     = "mock.abcdefghijkl.us-east-1.rds.amazonaws.com"
    endpoint    = "mock.abcdefghijkl.us-east-1.rds.amazonaws.com:5432"
    master_user_secret = [{
      kms_key_id    = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
      secret_arn    = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-mock-AbCdEf"
      secret_status = "active"
    }]
  }
}

mock_resource "aws_vpc" {
  defaults = {
    id                     = "vpc-0123456789abcdef0"
    arn                    = "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0123456789abcdef0"
    default_network_acl_id = "acl-0123456789abcdef0"
  }
}

mock_resource "aws_security_group" {
  defaults = {
    arn = "arn:aws:ec2:us-east-1:123456789012:security-group/sg-0123456789abcdef0"
  }
}

mock_resource "aws_vpc_endpoint" {
  defaults = {
    prefix_list_id = "pl-63a5400a"
  }
}

mock_resource "aws_wafv2_web_acl" {
  defaults = {
    arn = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/mock/11111111-2222-3333-4444-555555555555"
  }
}

mock_resource "aws_db_proxy" {
  defaults = {
    arn      = "arn:aws:rds:us-east-1:123456789012:db-proxy:prx-0123456789abcdef0"
    endpoint = "mock.proxy-abcdefghijkl.us-east-1.rds.amazonaws.com"
  }
}

# A mocked computed string is random, and a third of them start with a digit, which aws_db_proxy_target's
# target_group_name refuses: without a fixed name every test that builds the proxy failed at random.
# RDS names a proxy's default target group "default".
mock_resource "aws_db_proxy_default_target_group" {
  defaults = {
    name = "default"
  }
}
