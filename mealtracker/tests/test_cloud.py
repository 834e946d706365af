import io
import json
import logging

import boto3
import pytest
from django.core.exceptions import ImproperlyConfigured
from moto import mock_aws

from mealtracker.cloud import database_url_from_secret, load_app_secret
from mealtracker.logs import JsonLineFormatter


@pytest.fixture
def secrets(monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    load_app_secret.cache_clear()
    with mock_aws():
        yield boto3.client("secretsmanager")
    load_app_secret.cache_clear()


def test_secret_is_read_once_per_process(secrets):
    secrets.create_secret(Name="app", SecretString=json.dumps({"SECRET_KEY": "first"}))
    assert load_app_secret("app")["SECRET_KEY"] == "first"
    secrets.put_secret_value(SecretId="app", SecretString=json.dumps({"SECRET_KEY": "second"}))
    assert load_app_secret("app")["SECRET_KEY"] == "first"


def test_secret_that_is_not_json_is_a_clear_error_without_its_content(secrets):
    secrets.create_secret(Name="app", SecretString="hunter2-plain-text")
    with pytest.raises(ImproperlyConfigured) as error:
        load_app_secret("app")
    assert "not a JSON object" in str(error.value)
    assert "hunter2" not in str(error.value)


def test_rds_style_secret_becomes_a_tls_database_url():
    url = database_url_from_secret(
        {"username": "app", "password": "p@ss/word", "host": "db.internal", "port": 5432, "dbname": "meals"}
    )
    assert url == "postgres://app:p%40ss%2Fword@db.internal:5432/meals?sslmode=verify-full"


def test_secret_without_database_fields_leaves_the_database_setting_alone():
    assert database_url_from_secret({"SECRET_KEY": "x"}) is None


def test_json_log_lines_carry_level_message_and_extras():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLineFormatter())
    logger = logging.getLogger("mealtracker.test.json")
    logger.addHandler(handler)
    logger.propagate = False
    logger.warning("Budget %s crossed", "Food", extra={"user_id": 7})
    entry = json.loads(stream.getvalue())
    assert (entry["level"], entry["message"], entry["user_id"]) == ("WARNING", "Budget Food crossed", 7)
