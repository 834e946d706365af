mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  identifier               = "met-test"
  source_db_identifier     = "met-test"
  account_id               = "123456789012"
  region                   = "us-east-1"
  vpc_id                   = "vpc-0123456789abcdef0"
  lambda_security_group_id = "sg-0aaaaaaaaaaaaaaaa"
  lambda_role_name         = "met-test-lambda"
  instance_class           = "db.t4g.small"
  parameter_group_name     = "met-test-pg16-1"
  kms_key_arn              = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
}

run "replica_streams_from_the_primary_encrypted_private_and_with_iam_sign_in" {
  command = apply

  assert {
    condition     = aws_db_instance.replica.replicate_source_db == var.source_db_identifier
    error_message = "The replica streams from the primary."
  }

  assert {
    condition = (
      aws_db_instance.replica.storage_encrypted &&
      aws_db_instance.replica.kms_key_id == var.kms_key_arn &&
      !aws_db_instance.replica.publicly_accessible &&
      aws_db_instance.replica.iam_database_authentication_enabled
    )
    error_message = "Encrypted with the data key, private, IAM sign-in (no password in the function)."
  }

  assert {
    condition     = aws_db_instance.replica.parameter_group_name == var.parameter_group_name
    error_message = "The primary's parameter group: TLS forced."
  }
}

run "only_the_function_reaches_the_replica" {
  command = apply

  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.replica_from_lambda.referenced_security_group_id == var.lambda_security_group_id &&
      aws_vpc_security_group_ingress_rule.replica_from_lambda.from_port == 5432 &&
      aws_vpc_security_group_ingress_rule.replica_from_lambda.to_port == 5432
    )
    error_message = "5432 from the function's security group only."
  }

  assert {
    condition     = aws_vpc_security_group_egress_rule.lambda_to_replica.referenced_security_group_id == aws_security_group.replica.id
    error_message = "The function's egress goes to the replica's group, not to a CIDR."
  }
}

run "the_function_may_connect_as_the_reader_role_only" {
  command = apply

  assert {
    condition = (
      length(output.lambda_statements) == 1 &&
      output.lambda_statements[0].Action == ["rds-db:connect"] &&
      endswith(output.lambda_statements[0].Resource[0], "/mealtracker_reader")
    )
    error_message = "rds-db:connect on the replica as the read-only role, nothing else."
  }
}
