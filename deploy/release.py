"""Release one stage: deploy or update with Zappa, then move the alias `live` in steps, watching alarms.

    python -m deploy.release ship STAGE --zip build/mealtracker-STAGE.zip --outputs tf-outputs.json
    python -m deploy.release ship STAGE --zip ... --outputs ... --create-db-role   # a stage's first release
    python -m deploy.release rollback STAGE [--to VERSION] --outputs tf-outputs.json
    python -m deploy.release abort STAGE --outputs tf-outputs.json      # end an interrupted canary
    python -m deploy.release status STAGE --outputs tf-outputs.json
    python -m deploy.release configure STAGE --outputs tf-outputs.json  # stage settings only, no release

`ship` finds where the stage stands and takes the path that fits: no function -> `zappa deploy`; a function
without its REST API stack (a first deploy that failed half-way, or a stack that was deleted) -> the stack is
created as `zappa deploy` would, then `zappa update`; otherwise `zappa update`. Then the stage Zappa made gets
Terraform's stage settings (output api_stage_settings: throttling, access logs, the WAF web ACL, the custom
domain's base path mapping), which Terraform cannot apply itself because Zappa owns the stage. It then publishes
the new code and configuration as a version, points the schedule rules at the alias, invokes the new version
to check its migrations are backward compatible (check_release_migrations), migrate and answer /health/, and
only then gives it traffic: all of it on a first release, else a canary (10 % for 5 minutes by default) while the canary
alarms (Terraform output canary_alarm_names) stay out of ALARM; an alarm moves the alias back. API Gateway
and the schedules call the alias, so a rollback is moving the alias, never a redeploy.

Exit status: 0 released (or nothing to do), 2 usage or state error, 3 refused before traffic moved
(migrations, migrate, smoke test), 4 canary failed and rolled back.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import re
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import boto3
import botocore.exceptions

REPO_ROOT = Path(__file__).resolve().parent.parent
ALIAS = "live"
HEALTHY_STACK = {"CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE"}


class ReleaseError(Exception):
    def __init__(self, message: str, status: int = 2):
        super().__init__(message)
        self.status = status


@dataclass
class Stage:
    name: str
    function: str
    region: str
    alias: str = ALIAS
    alarms: list[str] = field(default_factory=list)
    settings_file: Path = REPO_ROOT / "zappa_settings.json"
    edge: dict = field(default_factory=dict)  # Terraform output api_stage_settings

    @classmethod
    def from_outputs(cls, name: str, outputs_path: Path, settings_file: Path | None = None) -> Stage:
        raw = json.loads(Path(outputs_path).read_text(encoding="utf-8"))
        values = {k: v["value"] if isinstance(v, dict) and "value" in v else v for k, v in raw.items()}
        return cls(
            name=name,
            function=values.get("lambda_function_name") or f"mealtracker-{name}",
            region=values.get("aws_region") or "us-east-1",
            alias=values.get("release_alias") or ALIAS,
            alarms=list(values.get("canary_alarm_names") or []),
            settings_file=settings_file or REPO_ROOT / "zappa_settings.json",
            edge=dict(values.get("api_stage_settings") or {}),
        )


def say(message: str) -> None:
    print(f"[release] {message}", flush=True)


class Release:
    """The steps of a release against one stage; every AWS call goes through boto3 (and Zappa)."""

    def __init__(self, stage: Stage, *, poll_seconds: float = 30.0, sleep=time.sleep):
        self.stage = stage
        self.poll_seconds = poll_seconds
        self.sleep = sleep
        self.lambda_ = boto3.client("lambda", region_name=stage.region)
        self.cloudformation = boto3.client("cloudformation", region_name=stage.region)
        self.events = boto3.client("events", region_name=stage.region)
        self.cloudwatch = boto3.client("cloudwatch", region_name=stage.region)
        self.apigateway = boto3.client("apigateway", region_name=stage.region)
        self.wafv2 = boto3.client("wafv2", region_name=stage.region)

    # --- where the stage stands -----------------------------------------------------------------------

    def function_exists(self) -> bool:
        try:
            self.lambda_.get_function(FunctionName=self.stage.function)
            return True
        except self.lambda_.exceptions.ResourceNotFoundException:
            return False

    def stack_status(self) -> str | None:
        try:
            stacks = self.cloudformation.describe_stacks(StackName=self.stage.function)["Stacks"]
        except botocore.exceptions.ClientError:
            return None
        return stacks[0]["StackStatus"] if stacks else None

    def alias(self) -> dict | None:
        try:
            return self.lambda_.get_alias(FunctionName=self.stage.function, Name=self.stage.alias)
        except self.lambda_.exceptions.ResourceNotFoundException:
            return None

    def status(self) -> dict:
        alias = self.alias()
        return {
            "function": self.function_exists(),
            "stack": self.stack_status(),
            "live": alias["FunctionVersion"] if alias else None,
            "canary": (alias or {}).get("RoutingConfig", {}).get("AdditionalVersionWeights") or {},
        }

    # --- Zappa ----------------------------------------------------------------------------------------

    def zappa(self, *argv: str) -> None:
        from zappa.cli import ZappaCLI

        say("zappa " + " ".join(argv))
        try:
            ZappaCLI().handle([*argv, "-s", str(self.stage.settings_file), "--disable_progress"])
        except SystemExit as exit_:
            if exit_.code not in (0, None):
                raise ReleaseError(f"zappa {argv[0]} failed (exit {exit_.code})") from None
        except Exception as error:  # Zappa lets AWS errors through: report them as a failed step
            raise ReleaseError(f"zappa {argv[0]} failed: {error}") from error

    def create_api_stack(self) -> None:
        """What `zappa deploy` does after creating the function: the REST API stack, binary support, stage."""
        from zappa.cli import ZappaCLI

        status = self.stack_status()
        if status and status not in HEALTHY_STACK:
            say(f"deleting the failed stack {self.stage.function} ({status})")
            self.cloudformation.delete_stack(StackName=self.stage.function)
            self.cloudformation.get_waiter("stack_delete_complete").wait(StackName=self.stage.function)
        cli = ZappaCLI()
        cli.api_stage = self.stage.name
        cli.load_settings(str(self.stage.settings_file))
        lambda_arn = cli.zappa.get_lambda_function(function_name=cli.lambda_name)
        cli.zappa.create_stack_template(
            lambda_arn=lambda_arn,
            lambda_name=cli.lambda_name,
            api_key_required=cli.api_key_required,
            iam_authorization=cli.iam_authorization,
            authorizer=cli.authorizer,
            cors_options=cli.cors,
            description=cli.apigateway_description,
            endpoint_configuration=cli.endpoint_configuration,
            apigateway_version=cli.apigateway_version,
            stage_name=cli.api_stage,
            lambda_qualifier=cli.apigateway_lambda_qualifier,
        )
        cli.zappa.update_stack(cli.lambda_name, cli.s3_bucket_name, wait=True, disable_progress=True)
        api_id = cli.zappa.get_api_id(cli.lambda_name)
        if cli.binary_support:
            cli.zappa.add_binary_support(api_id=api_id, cors=cli.cors)
        cli.deploy_api_gateway(api_id)

    # --- the stage's settings ---------------------------------------------------------------------------

    def api_id(self) -> str:
        """The id of the REST API in Zappa's stack (as Zappa finds it: the stack's resource "Api")."""
        resource = self.cloudformation.describe_stack_resource(StackName=self.stage.function, LogicalResourceId="Api")
        return resource["StackResourceDetail"]["PhysicalResourceId"]

    def configure_stage(self) -> None:
        """Terraform's settings on the stage Zappa made: throttling, access logs, web ACL, custom domain mapping.

        Zappa's own UpdateStage touches only logging level, metrics and caching, so these survive its deploys;
        they are applied again on every release anyway (all idempotent), which also repairs a hand-made change.
        """
        edge = self.stage.edge
        if not edge:
            say("no api_stage_settings in the Terraform outputs: the stage keeps its settings")
            return
        api_id = self.api_id()
        operations, done = [], []
        if edge.get("throttle_rate_limit"):
            rate, burst = float(edge["throttle_rate_limit"]), int(edge["throttle_burst_limit"])
            operations += [
                _replace("/*/*/throttling/rateLimit", str(rate)),
                _replace("/*/*/throttling/burstLimit", str(burst)),
            ]
            done.append(f"throttled at {rate:g}/s (burst {burst})")
        if edge.get("access_log_arn"):
            operations += [
                _replace("/accessLogSettings/destinationArn", edge["access_log_arn"]),
                _replace("/accessLogSettings/format", edge["access_log_format"]),
            ]
            done.append("access logs on")
        if operations:
            self.apigateway.update_stage(restApiId=api_id, stageName=self.stage.name, patchOperations=operations)
        if edge.get("web_acl_arn"):
            partition = edge["web_acl_arn"].split(":")[1]
            stage_arn = f"arn:{partition}:apigateway:{self.stage.region}::/restapis/{api_id}/stages/{self.stage.name}"
            self.wafv2.associate_web_acl(WebACLArn=edge["web_acl_arn"], ResourceArn=stage_arn)
            done.append("behind WAF")
        if edge.get("custom_domain"):
            base_path = edge.get("base_path") or ""
            self.map_custom_domain(api_id, edge["custom_domain"], base_path)
            done.append(f"on https://{edge['custom_domain']}/{base_path}")
        say(f"stage {self.stage.name} of REST API {api_id}: {', '.join(done) or 'nothing to set'}")

    def map_custom_domain(self, api_id: str, domain: str, base_path: str) -> None:
        """Point the custom domain's base path (Terraform made the domain name) at this stage of Zappa's API."""
        try:
            self.apigateway.create_base_path_mapping(
                domainName=domain,
                restApiId=api_id,
                stage=self.stage.name,
                **({"basePath": base_path} if base_path else {}),
            )
            return
        except self.apigateway.exceptions.ConflictException:  # mapped before: by an earlier release, or to an old API
            pass
        key = base_path or "(none)"
        current = self.apigateway.get_base_path_mapping(domainName=domain, basePath=key)
        if current.get("restApiId") != api_id or current.get("stage") != self.stage.name:
            self.apigateway.update_base_path_mapping(
                domainName=domain,
                basePath=key,
                patchOperations=[_replace("/restapiId", api_id), _replace("/stage", self.stage.name)],
            )

    # --- versions, schedules, invocations -----------------------------------------------------------------

    def publish(self) -> str:
        """Publish code and configuration together (Zappa publishes before it updates the configuration)."""
        self.lambda_.get_waiter("function_updated").wait(FunctionName=self.stage.function)
        return self.lambda_.publish_version(FunctionName=self.stage.function)["Version"]

    def retarget_schedules(self) -> None:
        """Zappa points its schedule rules at $LATEST; point them at the alias, so jobs run the released code."""
        function_arn = self.lambda_.get_function(FunctionName=self.stage.function)["Configuration"]["FunctionArn"]
        alias_arn = f"{function_arn}:{self.stage.alias}"
        rules = self.events.list_rules(NamePrefix=f"{self.stage.function}-")["Rules"]
        for rule in rules:
            targets = self.events.list_targets_by_rule(Rule=rule["Name"])["Targets"]
            on_latest = [t for t in targets if t["Arn"] == function_arn]
            if not on_latest:
                continue
            if any(t["Arn"] == alias_arn for t in targets):
                self.events.remove_targets(Rule=rule["Name"], Ids=[t["Id"] for t in on_latest])
            else:
                self.events.put_targets(Rule=rule["Name"], Targets=[{**on_latest[0], "Arn": alias_arn}])
                if len(on_latest) > 1:
                    self.events.remove_targets(Rule=rule["Name"], Ids=[t["Id"] for t in on_latest[1:]])
            with contextlib.suppress(self.lambda_.exceptions.ResourceConflictException):  # granted before
                self.lambda_.add_permission(
                    FunctionName=self.stage.function,
                    Qualifier=self.stage.alias,
                    StatementId=re.sub(r"[^A-Za-z0-9_-]", "_", f"schedule-{rule['Name']}")[:100],
                    Action="lambda:InvokeFunction",
                    Principal="events.amazonaws.com",
                    SourceArn=rule["Arn"],
                )
        say(f"{len(rules)} schedule rule(s) call {self.stage.function}:{self.stage.alias}")

    def invoke(self, version: str, payload: dict) -> dict:
        response = self.lambda_.invoke(
            FunctionName=self.stage.function,
            Qualifier=version,
            InvocationType="RequestResponse",
            LogType="Tail",
            Payload=json.dumps(payload).encode(),
        )
        log = base64.b64decode(response.get("LogResult") or b"").decode(errors="replace")
        body = response["Payload"].read() if hasattr(response.get("Payload"), "read") else b""
        result = json.loads(body or b"null")
        if response.get("FunctionError"):
            raise ReleaseError(f"version {version} failed {json.dumps(payload)[:80]}:\n{log[-2000:]}", status=3)
        return result or {}

    def prepare(self, version: str, *, create_db_role: bool = False) -> None:
        """Before any traffic: backward-compatible migrations only, migrate, then /health/ of the new version.

        With create_db_role (a stage's first release, Terraform applied with db_role_bootstrap=true) the new
        version first creates the app's PostgreSQL role as the master user: migrations run as that role.
        """
        if create_db_role:
            say(f"creating the app's database role through version {version} (create_app_db_role)")
            self.invoke(version, {"manage": "create_app_db_role"})
        say(f"checking the migrations of version {version} against the live schema")
        self.invoke(version, {"manage": "check_release_migrations"})
        say("migrating")
        self.invoke(version, {"manage": "migrate --noinput"})
        self.invoke(version, {"manage": "createcachetable"})
        answer = self.invoke(version, health_event(self.stage))
        if answer.get("statusCode") != 200:
            raise ReleaseError(f"version {version} answered /health/ with {answer.get('statusCode')}", status=3)
        say(f"version {version} answers /health/ with 200")

    # --- the alias ------------------------------------------------------------------------------------

    def point_alias(self, version: str, *, canary: tuple[str, float] | None = None, note: dict | None = None):
        routing = {"AdditionalVersionWeights": {canary[0]: canary[1]} if canary else {}}
        kwargs = {
            "FunctionName": self.stage.function,
            "Name": self.stage.alias,
            "FunctionVersion": version,
            "RoutingConfig": routing,
        }
        if note is not None:
            kwargs["Description"] = json.dumps(note)[:256]
        self.lambda_.update_alias(**kwargs)

    def alarms_firing(self) -> list[str]:
        if not self.stage.alarms:
            return []
        alarms = self.cloudwatch.describe_alarms(AlarmNames=self.stage.alarms)["MetricAlarms"]
        return [a["AlarmName"] for a in alarms if a["StateValue"] == "ALARM"]

    def previous(self, alias: dict | None) -> str | None:
        """The version served before the live one, as the alias's description records it."""
        description = (alias or {}).get("Description") or ""
        return json.loads(description).get("previous") if description.startswith("{") else None

    def canary(self, live: str, candidate: str, steps: list[tuple[float, float]]) -> None:
        before = self.previous(self.alias())
        for percent, minutes in steps:
            say(f"canary: {percent:g} % of traffic to version {candidate} for {minutes:g} min (live: {live})")
            self.point_alias(live, canary=(candidate, percent / 100), note={"previous": before, "canary": candidate})
            deadline = time.monotonic() + minutes * 60
            while True:
                firing = self.alarms_firing()
                if firing:
                    self.point_alias(live, note={"previous": before, "failed_canary": candidate})
                    raise ReleaseError(f"canary failed ({', '.join(firing)}): {self.stage.alias} -> {live}", status=4)
                if time.monotonic() >= deadline:
                    break
                self.sleep(self.poll_seconds)
        self.point_alias(candidate, note={"previous": live, "released_at": _now()})
        say(f"released: {self.stage.alias} -> version {candidate} (previous {live})")

    # --- the commands ---------------------------------------------------------------------------------

    def ship(self, zip_path: str, steps: list[tuple[float, float]], *, create_db_role: bool = False) -> None:
        alias = self.alias()
        if alias and alias.get("RoutingConfig", {}).get("AdditionalVersionWeights"):
            say("an earlier canary did not finish: ending it first")
            self.abort()
        if not self.function_exists():
            self.zappa("deploy", self.stage.name, "--zip", zip_path)
        else:
            if self.stack_status() not in HEALTHY_STACK:
                say(f"the function exists but its REST API stack is {self.stack_status() or 'missing'}: creating it")
                self.create_api_stack()
            self.zappa("update", self.stage.name, "--zip", zip_path)
        self.configure_stage()
        candidate = self.publish()
        alias = self.alias()
        if alias:
            self.retarget_schedules()  # the jobs stay on the live version while the candidate is checked
        self.prepare(candidate, create_db_role=create_db_role)
        if alias is None:
            self.lambda_.create_alias(
                FunctionName=self.stage.function,
                Name=self.stage.alias,
                FunctionVersion=candidate,
                Description=json.dumps({"released_at": _now()}),
            )
            self.retarget_schedules()
            say(f"first release: {self.stage.alias} -> version {candidate}")
        elif alias["FunctionVersion"] == candidate:
            say(f"version {candidate} is already live: nothing to shift")
        else:
            self.canary(alias["FunctionVersion"], candidate, steps)

    def rollback(self, to: str | None = None) -> None:
        alias = self.alias()
        if alias is None:
            raise ReleaseError("nothing is released yet: no alias to roll back")
        target = to or self.previous(alias)
        if not target:
            raise ReleaseError("the alias records no previous version: pass --to VERSION")
        self.lambda_.get_function(FunctionName=self.stage.function, Qualifier=target)  # the version must exist
        self.point_alias(target, note={"previous": alias["FunctionVersion"], "rolled_back": _now()})
        say(f"rolled back: {self.stage.alias} -> version {target} (was {alias['FunctionVersion']})")

    def abort(self) -> None:
        alias = self.alias()
        if alias and alias.get("RoutingConfig", {}).get("AdditionalVersionWeights"):
            self.point_alias(alias["FunctionVersion"], note={"previous": self.previous(alias), "aborted": _now()})
            say(f"canary ended: all traffic on version {alias['FunctionVersion']}")


def health_event(stage: Stage) -> dict:
    """An API Gateway (REST) GET /health/ as the function receives it through the execute-api host."""
    host = f"smoke.execute-api.{stage.region}.amazonaws.com"
    return {
        "resource": "/{proxy+}",
        "path": "/health/",
        "httpMethod": "GET",
        "headers": {"Host": host, "X-Forwarded-Proto": "https", "X-Forwarded-Port": "443"},
        "multiValueHeaders": {"Host": [host]},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": {"proxy": "health/"},
        "requestContext": {
            "stage": stage.name,
            "path": f"/{stage.name}/health/",
            "identity": {"sourceIp": "127.0.0.1"},
        },
        "body": None,
        "isBase64Encoded": False,
    }


def _replace(path: str, value: str) -> dict:
    return {"op": "replace", "path": path, "value": value}


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_steps(text: str) -> list[tuple[float, float]]:
    """ "10:5" -> [(10.0, 5.0)]: percent of traffic and minutes, comma-separated steps."""
    steps = []
    for part in text.split(","):
        percent, minutes = part.split(":")
        steps.append((float(percent), float(minutes)))
    if not all(0 < p < 100 and m >= 0 for p, m in steps):
        raise ValueError("each step is PERCENT:MINUTES with 0 < PERCENT < 100")
    return steps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["ship", "rollback", "abort", "status", "configure"])
    parser.add_argument("stage")
    parser.add_argument("--outputs", type=Path, required=True, help="saved `terraform output -json` of the stage")
    parser.add_argument("--settings", type=Path, default=REPO_ROOT / "zappa_settings.json")
    parser.add_argument("--zip", help="the package (make package); ship only")
    parser.add_argument("--steps", default="10:5", help="canary steps PERCENT:MINUTES[,...] (default 10:5)")
    parser.add_argument(
        "--create-db-role",
        action="store_true",
        help="ship: first run create_app_db_role through the new version (first release; db_role_bootstrap=true)",
    )
    parser.add_argument("--poll", type=float, default=30.0, help="seconds between alarm checks")
    parser.add_argument("--to", help="rollback: the version to serve (default: the previous one)")
    args = parser.parse_args(argv)
    stage = Stage.from_outputs(args.stage, args.outputs, args.settings)
    release = Release(stage, poll_seconds=args.poll)
    try:
        if args.command == "ship":
            if not args.zip:
                raise ReleaseError("ship needs --zip")
            release.ship(args.zip, parse_steps(args.steps), create_db_role=args.create_db_role)
        elif args.command == "rollback":
            release.rollback(args.to)
        elif args.command == "abort":
            release.abort()
        elif args.command == "configure":
            release.configure_stage()
        else:
            print(json.dumps(release.status(), indent=2))
    except ReleaseError as error:
        print(f"[release] FAILED: {error}", file=sys.stderr)
        return error.status
    return 0


if __name__ == "__main__":
    sys.exit(main())
