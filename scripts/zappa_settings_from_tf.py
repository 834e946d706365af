#!/usr/bin/env python3
"""Write one Zappa stage of zappa_settings.json from the Terraform outputs of the same environment.

    scripts/zappa_settings_from_tf.py dev                         # terraform -chdir=terraform/envs/dev output -json
    scripts/zappa_settings_from_tf.py dev --outputs outputs.json  # a saved `terraform output -json` (CI, tests)
    scripts/zappa_settings_from_tf.py prod --check                # exit 1 if the file is not up to date

Only the stage named ENV (dev, staging or prod) is touched, and in it only the keys that come from
Terraform: vpc_config SubnetIds/SecurityGroupIds, s3_bucket, role_name, role_arn, manage_roles (false),
aws_region, dead_letter_arn; inside aws_environment_variables APP_SECRET_ID, RECEIPTS_BUCKET,
RECEIPTS_KMS_KEY_ID, the database's DATABASE_HOST (the RDS Proxy), DATABASE_USER, DATABASE_NAME,
DATABASE_APP_SECRET_ID, DATABASE_MASTER_SECRET_ID, DATABASE_ADMIN_HOST (the instance, for create_app_db_role)
and INTERNET_EGRESS; and, from the outputs about the custom domain, `domain` plus ALLOWED_HOSTS and STATIC_URL
inside environment_variables (on a custom domain the stage is the domain's root: static files live at /static/).
Every other key, of this stage and of the others, is left as it is; the stage is created (extending "base"
when there is one) if it is missing. The file is rewritten only when something changed. Pure standard library.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
STAGES = ("dev", "staging", "prod")
REQUIRED_OUTPUTS = (
    "aws_region",
    "private_subnet_ids",
    "lambda_security_group_id",
    "deployment_bucket",
    "receipts_bucket",
    "kms_key_arn",
    "app_secret_arn",
    "lambda_role_arn",
    "lambda_role_name",
    "db_proxy_endpoint",
    "db_app_role",
    "db_name",
    "db_app_role_secret_arn",
    "db_master_secret_arn",
    "db_host",
    "internet_egress",
)


class SettingsError(Exception):
    """A problem the operator must fix (missing output, wrong stage, unreadable file)."""


def read_terraform_outputs(env: str, terraform: str = "terraform") -> dict[str, Any]:
    """The parsed `terraform output -json` of terraform/envs/ENV (needs an initialised backend)."""
    chdir = REPO_ROOT / "terraform" / "envs" / env
    try:
        completed = subprocess.run(  # noqa: S603 - fixed argument list, no shell
            [terraform, f"-chdir={chdir}", "output", "-json"],
            check=True,
            capture_output=True,
            text=True,
        )
    except FileNotFoundError:
        raise SettingsError(f"{terraform!r} not found; pass --outputs FILE or install Terraform.") from None
    except subprocess.CalledProcessError as exc:
        raise SettingsError(f"terraform output failed for {env}:\n{exc.stderr.strip()}") from None
    return json.loads(completed.stdout or "{}")


def normalise_outputs(raw: dict[str, Any]) -> dict[str, Any]:
    """Accept both `terraform output -json` ({"name": {"value": ...}}) and a plain {"name": value} map."""
    if not isinstance(raw, dict):
        raise SettingsError("Terraform outputs must be a JSON object.")
    values = {}
    for name, item in raw.items():
        values[name] = item["value"] if isinstance(item, dict) and "value" in item else item
    missing = [name for name in REQUIRED_OUTPUTS if values.get(name) in (None, "", [])]
    if missing:
        raise SettingsError(f"Terraform outputs lack {', '.join(missing)} (was `terraform apply` run?).")
    if not isinstance(values["private_subnet_ids"], list):
        raise SettingsError("private_subnet_ids must be a list.")
    if not isinstance(values["internet_egress"], bool):
        raise SettingsError("internet_egress must be true or false.")
    return values


def stage_values(outputs: dict[str, Any]) -> dict[str, Any]:
    """The stage keys that Terraform owns, computed from its outputs."""
    values: dict[str, Any] = {
        "aws_region": outputs["aws_region"],
        "s3_bucket": outputs["deployment_bucket"],
        "role_name": outputs["lambda_role_name"],
        "role_arn": outputs["lambda_role_arn"],
        "manage_roles": False,
        "vpc_config": {
            "SubnetIds": list(outputs["private_subnet_ids"]),
            "SecurityGroupIds": [outputs["lambda_security_group_id"]],
        },
        "aws_environment_variables": {
            "APP_SECRET_ID": outputs["app_secret_arn"],
            "RECEIPTS_BUCKET": outputs["receipts_bucket"],
            "RECEIPTS_KMS_KEY_ID": outputs["kms_key_arn"],
            "DATABASE_HOST": outputs["db_proxy_endpoint"],
            "DATABASE_USER": outputs["db_app_role"],
            "DATABASE_NAME": outputs["db_name"],
            "DATABASE_APP_SECRET_ID": outputs["db_app_role_secret_arn"],
            "DATABASE_MASTER_SECRET_ID": outputs["db_master_secret_arn"],
            "DATABASE_ADMIN_HOST": outputs["db_host"],
            "INTERNET_EGRESS": "true" if outputs["internet_egress"] else "false",
        },
    }
    if outputs.get("dlq_arn"):
        values["dead_letter_arn"] = outputs["dlq_arn"]
    # Stages with a read replica and a cache (staging, prod); empty outputs leave them out.
    environment = values["aws_environment_variables"]
    if outputs.get("db_replica_host"):
        environment["DATABASE_REPLICA_HOST"] = outputs["db_replica_host"]
        environment["DATABASE_REPLICA_USER"] = outputs["db_replica_user"]
    if outputs.get("redis_url"):
        environment["REDIS_URL"] = outputs["redis_url"]
    # Live updates over the API Gateway WebSocket API (outputs of a Terraform from before it: polling only).
    if outputs.get("websocket_url"):
        environment["WEBSOCKET_URL"] = outputs["websocket_url"]
        environment["WEBSOCKET_MANAGEMENT_URL"] = outputs["websocket_management_url"]
    return values


def apply_custom_domain(settings: dict[str, Any], env: str, outputs: dict[str, Any]) -> None:
    """The host names and static URL of the stage, when Terraform says whether it has a custom domain.

    On the execute-api host every path carries the /<stage> prefix; the custom domain maps its root to the
    stage, so static files are at /static/ there (and the execute-api host then serves pages without them).
    """
    if "custom_domain" not in outputs:  # outputs of a Terraform from before custom domains: leave them alone
        return
    stage, domain = settings[env], outputs["custom_domain"]
    baked = dict(effective(settings, env, "environment_variables") or {})
    hosts = [f".execute-api.{outputs['aws_region']}.amazonaws.com"] + ([domain] if domain else [])
    baked["ALLOWED_HOSTS"] = ",".join(hosts)
    baked["STATIC_URL"] = "/static/" if domain else f"/{env}/static/"
    baked["WHITENOISE_STATIC_PREFIX"] = "/static/"
    stage["environment_variables"] = baked
    if domain:
        stage["domain"] = domain  # Zappa's undeploy then removes the domain's base path mapping too
    else:
        stage.pop("domain", None)


def effective(settings: dict[str, Any], stage: str, key: str) -> Any:
    """The value Zappa will use for `key` in `stage`, following the `extends` chain."""
    seen = set()
    while stage and stage not in seen:
        seen.add(stage)
        config = settings.get(stage, {})
        if key in config:
            return config[key]
        stage = config.get("extends")
    return None


def merge_stage(settings: dict[str, Any], env: str, outputs: dict[str, Any]) -> list[str]:
    """Write Terraform's values into settings[env] in place; return warnings for the operator."""
    warnings = []
    if env not in settings:
        settings[env] = {"extends": "base"} if "base" in settings else {}
    stage = settings[env]
    values = stage_values(outputs)

    for key, value in values.items():
        if key in ("vpc_config", "aws_environment_variables"):
            merged = dict(effective(settings, env, key) or {})  # a stage's dict replaces base's whole
            merged.update(value)
            stage[key] = merged
        else:
            stage[key] = value
    apply_custom_domain(settings, env, outputs)

    expected_stage = outputs.get("zappa_stage")
    if expected_stage and expected_stage != env:
        raise SettingsError(f"These outputs belong to stage {expected_stage!r}, not {env!r}.")

    # Terraform named the log group, IAM scopes and alarms after <project_name>-<stage>: keep them equal.
    project = outputs.get("zappa_project_name")
    if project and effective(settings, env, "project_name") != project:
        warnings.append(f"project_name set to {project!r} in stage {env!r} to match Terraform's names.")
        stage["project_name"] = project

    if effective(settings, env, "xray_tracing") and outputs.get("xray_enabled") is False:
        warnings.append("xray_tracing is on but the Terraform role has no X-Ray permission (enable_xray).")
    return warnings


def write_json_atomically(path: Path, document: dict[str, Any]) -> None:
    """Replace `path` with `document` (two-space JSON, trailing newline) without a half-written file."""
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("env", choices=STAGES, help="environment = Zappa stage")
    parser.add_argument("--outputs", type=Path, help="saved `terraform output -json` instead of running terraform")
    parser.add_argument(
        "--settings", type=Path, default=REPO_ROOT / "zappa_settings.json", help="zappa_settings.json to update"
    )
    parser.add_argument("--terraform", default=os.environ.get("TERRAFORM", "terraform"), help="terraform binary")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if the stage is out of date")
    args = parser.parse_args(argv)

    try:
        if args.outputs:
            raw = json.loads(args.outputs.read_text(encoding="utf-8"))
        else:
            raw = read_terraform_outputs(args.env, args.terraform)
        outputs = normalise_outputs(raw)

        if args.settings.exists():
            original = json.loads(args.settings.read_text(encoding="utf-8"))
            if not isinstance(original, dict):
                raise SettingsError(f"{args.settings} is not a JSON object.")
        else:
            original = {}
        settings = json.loads(json.dumps(original))  # deep copy
        warnings = merge_stage(settings, args.env, outputs)
    except (OSError, ValueError, SettingsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)

    if settings == original:
        print(f"{args.settings.name}: stage {args.env!r} already matches Terraform.")
        return 0
    if args.check:
        print(f"{args.settings.name}: stage {args.env!r} differs from Terraform's outputs.", file=sys.stderr)
        return 1
    write_json_atomically(args.settings, settings)
    print(f"{args.settings.name}: stage {args.env!r} updated from Terraform outputs.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
