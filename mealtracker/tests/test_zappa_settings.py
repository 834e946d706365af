"""zappa_settings.json is what we deploy: every stage must be complete and every scheduled job must run."""

import importlib
import inspect
import json
import re
from pathlib import Path

import pytest
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = json.loads((ROOT / "zappa_settings.json").read_text())
STAGES = ["dev", "staging", "prod"]


def stage(name):
    merged = dict(SETTINGS[SETTINGS[name]["extends"]])
    merged.update(SETTINGS[name])
    return merged


@pytest.mark.parametrize("name", STAGES)
def test_stage_extends_the_shared_base_with_the_lambda_runtime(name):
    config = stage(name)
    assert config["runtime"] == "python3.12"
    assert config["django_settings"] == "mealtracker.settings"
    assert config["binary_support"] is True
    assert config["debug"] is False
    assert config["log_level"] == "INFO"


@pytest.mark.parametrize("name", STAGES)
def test_stage_never_bakes_secrets_into_the_package(name):
    baked = stage(name).get("environment_variables", {})
    assert not {"SECRET_KEY", "DATABASE_URL", "APP_SECRET_ID"} & set(baked)
    assert baked["DEBUG"] == "false"


@pytest.mark.parametrize("name", STAGES)
def test_static_files_keep_their_stage_prefix_on_the_execute_api_host(name):
    baked = stage(name)["environment_variables"]
    assert baked["STATIC_URL"] == f"/{name}/static/"
    assert baked["WHITENOISE_STATIC_PREFIX"] == "/static/"


def test_package_leaves_out_what_lambda_already_has_or_never_runs():
    excluded = set(SETTINGS["base"]["exclude"])
    assert {"boto3", "botocore", "tests", "node_modules", "terraform", "docs", ".venv"} <= excluded
    assert not any("dist-info" in pattern for pattern in excluded), "psycopg needs its dist-info"


@pytest.mark.parametrize("event", SETTINGS["base"]["events"], ids=lambda e: e["function"])
def test_every_scheduled_job_calls_an_existing_management_command(event):
    module_name, function_name = event["function"].rsplit(".", 1)
    function = getattr(importlib.import_module(module_name), function_name)
    command = re.search(r'call_command\("([a-z_]+)"', inspect.getsource(function)).group(1)
    assert command in get_commands(), f"{event['function']} runs unknown command {command}"
    assert re.match(r"^(cron|rate)\(.+\)$", event["expression"])
