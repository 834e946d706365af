"""zappa_settings.json is what we deploy: every stage must be complete and every scheduled job must run."""

import importlib
import importlib.util
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


# --- scripts/zappa_settings_from_tf.py: Terraform's outputs into a stage -------------------------------------

EXAMPLE_OUTPUTS = ROOT / "terraform/examples/outputs.dev.json"


def renderer():
    spec = importlib.util.spec_from_file_location("zappa_settings_from_tf", ROOT / "scripts/zappa_settings_from_tf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rendered(outputs_changes=None, settings=None):
    module = renderer()
    raw = json.loads(EXAMPLE_OUTPUTS.read_text())
    for name, value in (outputs_changes or {}).items():
        raw[name] = {"value": value}
    settings = json.loads(json.dumps(settings or SETTINGS))
    module.merge_stage(settings, "dev", module.normalise_outputs(raw))
    return settings


def outputs_of(env):
    return set(re.findall(r'^output "([a-z_]+)"', (ROOT / f"terraform/envs/{env}/outputs.tf").read_text(), re.M))


@pytest.mark.parametrize("name", STAGES)
def test_every_output_the_renderer_reads_is_an_output_of_the_environment(name):
    read = set(renderer().REQUIRED_OUTPUTS) | {"dlq_arn", "zappa_stage", "zappa_project_name", "custom_domain"}
    assert read <= outputs_of(name), read - outputs_of(name)


def test_the_function_reaches_the_database_through_the_proxy_as_the_app_role():
    function_env = rendered()["dev"]["aws_environment_variables"]
    assert function_env["DATABASE_HOST"] == "mealtracker-dev.proxy-abcdefghijkl.us-east-1.rds.amazonaws.com"
    assert function_env["DATABASE_USER"] == "mealtracker_app"
    assert function_env["DATABASE_NAME"] == "mealtracker"


def test_create_app_db_role_finds_both_database_secrets_and_the_instance():
    function_env = rendered()["dev"]["aws_environment_variables"]
    assert function_env["DATABASE_APP_SECRET_ID"].endswith(":secret:mealtracker-dev/db-app-role-GhIjKl")
    assert function_env["DATABASE_MASTER_SECRET_ID"].endswith(":secret:rds!db-0a1b2c3d-4e5f-AbCdEf")
    assert function_env["DATABASE_ADMIN_HOST"] == "mealtracker-dev.abcdefghijkl.us-east-1.rds.amazonaws.com"


@pytest.mark.parametrize(("egress", "expected"), [(False, "false"), (True, "true")])
def test_internet_egress_follows_the_stages_nat_gateway(egress, expected):
    assert rendered({"internet_egress": egress})["dev"]["aws_environment_variables"]["INTERNET_EGRESS"] == expected


def test_variables_set_by_hand_in_the_stage_are_kept():
    function_env = rendered()["dev"]["aws_environment_variables"]
    assert function_env["INSTANTIATE_LAMBDA_HANDLER_ON_IMPORT"] == "True"
    assert function_env["APP_SECRET_ID"].startswith("arn:aws:secretsmanager:")


def test_outputs_without_the_database_ones_are_refused():
    module = renderer()
    raw = json.loads(EXAMPLE_OUTPUTS.read_text())
    del raw["db_proxy_endpoint"], raw["db_master_secret_arn"]
    with pytest.raises(module.SettingsError, match="db_proxy_endpoint, db_master_secret_arn"):
        module.normalise_outputs(raw)


def test_a_new_stage_starts_from_the_base_environment():
    settings = {"base": SETTINGS["base"]}
    stage_config = rendered(settings=settings)["dev"]
    assert stage_config["extends"] == "base"
    assert stage_config["environment_variables"]["DEBUG"] == "false"
    assert stage_config["environment_variables"]["STATIC_URL"] == "/dev/static/"
    assert stage_config["aws_environment_variables"]["DATABASE_USER"] == "mealtracker_app"


def test_a_custom_domain_is_an_allowed_host_serving_static_files_at_its_root():
    stage_config = rendered({"custom_domain": "meals.example.com"})["dev"]
    assert stage_config["domain"] == "meals.example.com"
    hosts = stage_config["environment_variables"]["ALLOWED_HOSTS"].split(",")
    assert hosts == [".execute-api.us-east-1.amazonaws.com", "meals.example.com"]
    assert stage_config["environment_variables"]["STATIC_URL"] == "/static/"


def test_without_a_custom_domain_the_stage_keeps_the_execute_api_layout():
    with_domain = rendered({"custom_domain": "meals.example.com"})
    stage_config = rendered({"custom_domain": None}, settings=with_domain)["dev"]
    assert "domain" not in stage_config
    assert stage_config["environment_variables"]["ALLOWED_HOSTS"] == ".execute-api.us-east-1.amazonaws.com"
    assert stage_config["environment_variables"]["STATIC_URL"] == "/dev/static/"


def test_the_committed_stage_already_matches_the_example_outputs_outside_terraforms_keys():
    stage_config = rendered()["dev"]
    for key, value in SETTINGS["dev"]["environment_variables"].items():
        assert stage_config["environment_variables"][key] == value
