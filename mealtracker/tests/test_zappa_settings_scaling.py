"""Terraform's read replica and cache reach the function's environment; a stage without them gets neither."""

import pytest

from mealtracker.tests.test_zappa_settings import STAGES, outputs_of, rendered


@pytest.mark.parametrize("name", STAGES)
def test_every_stage_root_exposes_the_replica_and_cache_outputs(name):
    assert {"db_replica_host", "db_replica_user", "redis_url"} <= outputs_of(name)


def test_a_stage_with_a_replica_and_a_cache_hands_both_to_the_function():
    function_env = rendered(
        {
            "db_replica_host": "mealtracker-dev-replica.abcdefghijkl.us-east-1.rds.amazonaws.com",
            "db_replica_user": "mealtracker_reader",
            "redis_url": "rediss://mealtracker-dev-abc123.serverless.use1.cache.amazonaws.com:6379/0",
        }
    )["dev"]["aws_environment_variables"]
    assert function_env["DATABASE_REPLICA_HOST"] == "mealtracker-dev-replica.abcdefghijkl.us-east-1.rds.amazonaws.com"
    assert function_env["DATABASE_REPLICA_USER"] == "mealtracker_reader"
    assert function_env["REDIS_URL"].startswith("rediss://")


def test_a_stage_without_them_reads_the_primary_and_uses_the_database_cache():
    function_env = rendered({"db_replica_host": "", "db_replica_user": "", "redis_url": ""})["dev"][
        "aws_environment_variables"
    ]
    assert "DATABASE_REPLICA_HOST" not in function_env
    assert "REDIS_URL" not in function_env
