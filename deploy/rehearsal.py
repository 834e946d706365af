"""The deploy rehearsal: Terraform's plan of an environment, then Zappa's real deploy and update code and the
release steps against a moto server on loopback, every AWS call recorded and judged against the plan's IAM.

    python -m deploy.rehearsal                       # this working tree (make deploy-rehearsal)
    python -m deploy.rehearsal --revision addd1f1 --expect state-backend,events-role,apigateway-role,recovery

It fails when a role Zappa passes to a service is not assumable by that service in the planned trust policy,
when the planned deploy-role policy does not allow a call the deploy makes (iam:PassRole included), when the
backend's encryption settings contradict the state bucket's policy, or when a workflow path does not end in a
working stage (after a failed first deploy, the next run must leave a REST API that calls the alias), or when
the stage lacks what Terraform planned for it (throttling, access logs, the WAF web ACL).
Skipped loudly (exit 0) without terraform or the provider mirror. What it cannot see: docs/deploy.md.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
TF_MIRROR = Path(os.environ.get("TF_PLUGIN_MIRROR", "/opt/tf-plugins"))
ACCOUNT, REGION, ENV = "123456789012", "us-east-1", "dev"
OIDC = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
BLOCKERS = ("state-backend", "events-role", "apigateway-role", "recovery")
TF_DATA = Path(os.environ.get("CHECK_INFRA_TOOLS", Path.home() / ".cache/mealtracker-tools")) / "rehearsal-tf-data"


@dataclass(frozen=True)
class Finding:
    kind: str  # state-backend, events-role, apigateway-role, recovery, deploy-permission, edge, app-secret
    message: str

    def __str__(self) -> str:
        return f"[{self.kind}] {self.message}"


def banner(text: str) -> None:
    print(f"\n=== deploy rehearsal: {text}", flush=True)


def skip(reason: str) -> int:
    print("!" * 79 + f"\n!!! SKIPPED: deploy rehearsal -- {reason}\n" + "!" * 79, flush=True)
    return 0


# --- the tree under test ---------------------------------------------------------------------------------


def tree_files(revision: str | None, workdir: Path) -> Path:
    """terraform/, zappa_settings.json and the workflows of the working tree or of a revision, in workdir/tree."""
    tree = workdir / "tree"
    tree.mkdir()
    paths = ["terraform", "zappa_settings.json", ".github/workflows/deploy.yml"]
    if revision is None:
        for path in paths:
            source = REPO_ROOT / path
            if source.is_dir():
                shutil.copytree(source, tree / path, ignore=shutil.ignore_patterns(".terraform", "*.tfstate*"))
            else:
                (tree / path).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(source, tree / path)
    else:
        archive = subprocess.run(  # noqa: S603
            ["git", "-C", str(REPO_ROOT), "archive", "--format=tar", revision, *paths],  # noqa: S607
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)  # noqa: S603, S607
    return tree


# --- Terraform --------------------------------------------------------------------------------------------

OVERRIDE = """provider "aws" {
  access_key                  = "rehearsal"
  secret_key                  = "rehearsal"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

terraform {
  backend "local" {}
}
"""


def terraform_runner(root: Path, workdir: Path, endpoint: str):
    """A `terraform -chdir=root` runner, offline: providers from the mirror, AWS answered by moto at endpoint."""
    (root / "rehearsal_override.tf").write_text(OVERRIDE)
    cli_config = workdir / "terraformrc"
    cli_config.write_text(f'provider_installation {{\n  filesystem_mirror {{\n    path = "{TF_MIRROR}"\n  }}\n}}\n')
    env = {
        **os.environ,
        "TF_CLI_CONFIG_FILE": str(cli_config),
        "TF_DATA_DIR": str(TF_DATA / root.name),  # kept between runs: init then finds the providers in place
        "TF_IN_AUTOMATION": "1",
        "CHECKPOINT_DISABLE": "1",
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "rehearsal",
        "AWS_SECRET_ACCESS_KEY": "rehearsal",
    }

    def run(*argv: str) -> str:
        done = subprocess.run(  # noqa: S603
            ["terraform", f"-chdir={root}", *argv],  # noqa: S607
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise RuntimeError(f"terraform {argv[0]} failed in {root}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        return done.stdout

    return run


def terraform_plan(root: Path, workdir: Path, endpoint: str, variables: dict[str, str]) -> dict:
    """`terraform show -json` of a plan of `root`, offline: providers from the mirror, STS answered by moto."""
    run = terraform_runner(root, workdir, endpoint)
    argv_vars = [f"-var={k}={v}" for k, v in variables.items()]
    run("init", "-input=false", "-no-color", "-reconfigure")
    run("plan", "-input=false", "-no-color", "-lock=false", f"-out={workdir / root.name}.plan", *argv_vars)
    return json.loads(run("show", "-json", f"{workdir / root.name}.plan"))


# --- the app secret ---------------------------------------------------------------------------------------


def app_secret_rewrites(root: Path, workdir: Path, endpoint: str, variables: dict[str, str]) -> list[Finding]:
    """Applies the environment's app secret against moto as an operator and the deploy workflow would: the first
    write, a key added by hand, a plain re-apply (which must change nothing), then a bumped revision (which must
    change SECRET_KEY only). The secret's value is write-only, so only applying it shows what a rewrite keeps."""
    import boto3
    import requests

    requests.post(f"{endpoint}/moto-api/reset", timeout=10)
    run = terraform_runner(root, workdir, endpoint)
    argv_vars = [f"-var={k}={v}" for k, v in variables.items() if k != "write_app_secret"]

    def apply(*extra: str) -> None:
        run("apply", "-input=false", "-no-color", "-auto-approve", "-lock=false",
            "-target=module.environment.module.secrets", *argv_vars, *extra)  # fmt: skip

    secrets = boto3.client("secretsmanager", endpoint_url=endpoint, region_name=REGION)

    def app_secret_name() -> str | None:
        return next((s["Name"] for s in secrets.list_secrets()["SecretList"] if s["Name"].endswith("/app")), None)

    def document() -> dict:
        name = app_secret_name()
        return json.loads(secrets.get_secret_value(SecretId=name)["SecretString"]) if name else {}

    tfvars = root / "app-secret.auto.tfvars"
    committed = re.search(r"^app_secret_version\s*=\s*(\d+)", tfvars.read_text(), re.M) if tfvars.exists() else None
    findings = []
    try:
        apply()
        first = document()
        if not (first.get("SECRET_KEY") and first.get("FIELD_ENCRYPTION_KEY")):
            findings.append(Finding("app-secret", f"the first apply wrote {sorted(first)}, not both app keys"))
        by_hand = {**first, "PLACES_API_KEY": "added-by-hand"}
        if app_secret_name():
            secrets.put_secret_value(SecretId=app_secret_name(), SecretString=json.dumps(by_hand))
        apply()
        if document() != by_hand:
            findings.append(Finding("app-secret", "a plain apply (the deploy workflow's) rewrote the app secret"))
        # A rotation as docs/deploy.md says: the revision bumped in the committed file (or, without one, on the
        # command line), then the deploy workflow's next plain apply.
        if committed:
            tfvars.write_text(
                tfvars.read_text().replace(committed.group(0), f"app_secret_version = {int(committed.group(1)) + 1}")
            )
            apply()
        else:
            apply("-var=app_secret_version=2")
        rotated = document()
        kept = {key: value for key, value in by_hand.items() if key != "SECRET_KEY"}
        if rotated.get("SECRET_KEY") in (None, by_hand["SECRET_KEY"]):
            findings.append(Finding("app-secret", "a rotation did not replace SECRET_KEY"))
        if {key: rotated.get(key) for key in kept} != kept:
            lost = sorted(key for key in kept if rotated.get(key) != kept[key])
            findings.append(Finding("app-secret", f"a rotation lost or changed {', '.join(lost)}"))
        apply()
        if document() != rotated:
            lost = sorted(key for key in rotated if document().get(key) != rotated[key])
            findings.append(Finding("app-secret", f"the plain apply after a rotation rewrote {', '.join(lost)}"))
    except RuntimeError as error:
        findings.append(Finding("app-secret", f"applying the app secret failed: {str(error)[-600:]}"))
    finally:
        for leftover in root.glob("terraform.tfstate*"):
            leftover.unlink()
    print(f"app secret applied 4 times: {len(findings)} finding(s)", flush=True)
    return findings


# --- the state backend ------------------------------------------------------------------------------------


def backend_sources(tree: Path) -> dict[str, dict[str, str]]:
    """Each way the env root's S3 backend gets configured: its block plus backend.hcl, the bootstrap output, CI."""
    block = (tree / "terraform/envs" / ENV / "versions.tf").read_text()
    body = re.search(r'backend\s+"s3"\s*\{(.*?)\n\s*\}', block, re.S).group(1)
    base = dict(re.findall(r"^\s*(\w+)\s*=\s*\"?([^\"\n#]*)\"?", body, re.M))
    sources = {}
    example = (tree / "terraform/envs" / ENV / "backend.hcl.example").read_text()
    sources["backend.hcl.example"] = {**base, **dict(re.findall(r'^(\w+)\s*=\s*"([^"]*)"', example, re.M))}
    bootstrap = (tree / "terraform/bootstrap/outputs.tf").read_text()
    printed = re.search(r'output\s+"backend_hcl"\s*\{(.*?)\n\}', bootstrap, re.S).group(1)
    printed_keys = re.findall(r"(bucket|region|kms_key_id|encrypt|key)\s+=\s+\\\"", printed)
    sources["bootstrap output backend_hcl"] = {**base, **dict.fromkeys(printed_keys, "set")}
    workflow = (tree / ".github/workflows/deploy.yml").read_text()
    init = next((line for line in workflow.splitlines() if "terraform init" in line and "-backend" in line), "")
    configured = re.findall(r'-backend-config="(\w+)=', init)
    sources["deploy.yml terraform init"] = {**base, **dict.fromkeys(configured, "set")}
    return sources


def check_backend(tree: Path, bootstrap) -> list[Finding]:
    """What Terraform's S3 backend sends with the state (encrypt + kms_key_id: aws:kms; encrypt alone: AES256)."""
    from deploy.iam_policy import Decision, Request, evaluate

    findings = []
    state_bucket = next(name for name in bootstrap.buckets if "tfstate" in name and "logs" not in name)
    policy = bootstrap.buckets[state_bucket].policy
    for source, config in backend_sources(tree).items():
        context = {"aws:SecureTransport": "true", "s3:TlsVersion": "1.3"}
        if config.get("encrypt") == "true":
            context["s3:x-amz-server-side-encryption"] = "aws:kms" if config.get("kms_key_id") else "AES256"
        key = config.get("key", f"envs/{ENV}/terraform.tfstate")
        request = Request("s3:PutObject", f"arn:aws:s3:::{state_bucket}/{key}", context)
        result = evaluate(request, [policy])
        if result.decision in (Decision.DENY, Decision.UNDECIDED):
            header = context.get("s3:x-amz-server-side-encryption", "none")
            findings.append(
                Finding(
                    "state-backend",
                    f"{source}: state is uploaded with x-amz-server-side-encryption: {header}, "
                    f"and the state bucket's policy {result}",
                )
            )
    return findings


# --- moto, seeded with what Terraform would have created --------------------------------------------------


def start_moto():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    return server, f"http://{host}:{port}"


def reset_and_seed(endpoint: str, facts, names: dict[str, str]) -> dict[str, str]:
    """A fresh moto with what Terraform would have created; returns the ARNs moto assigned (web ACL)."""
    import boto3
    import requests

    requests.post(f"{endpoint}/moto-api/reset", timeout=10)
    iam = boto3.client("iam")
    role = facts.roles[names["lambda_role"]]
    iam.create_role(RoleName=role.name, AssumeRolePolicyDocument=json.dumps({"Statement": role.trust.statements}))
    boto3.client("s3").create_bucket(Bucket=names["bucket"])
    cloudwatch = boto3.client("cloudwatch")
    for alarm in facts.outputs.get("canary_alarm_names") or []:
        cloudwatch.put_metric_alarm(
            AlarmName=alarm,
            MetricName="Errors",
            Namespace="AWS/Lambda",
            Statistic="Sum",
            Period=60,
            EvaluationPeriods=1,
            Threshold=1,
            ComparisonOperator="GreaterThanOrEqualToThreshold",
        )
    edge = facts.outputs.get("api_stage_settings") or {}
    if isinstance(edge, dict) and edge.get("access_log_arn") and "UNKNOWN" not in repr(edge["access_log_arn"]):
        boto3.client("logs").create_log_group(logGroupName=edge["access_log_arn"].split(":log-group:", 1)[1])
    web_acl = boto3.client("wafv2").create_web_acl(
        Name=f"{names['function']}-api",
        Scope="REGIONAL",
        DefaultAction={"Allow": {}},
        VisibilityConfig={"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "api"},
    )
    return {"web_acl_arn": web_acl["Summary"]["ARN"]}


def render_settings(tree: Path, facts, names: dict[str, str], workdir: Path) -> Path:
    """The stage as the workflow renders it (scripts/zappa_settings_from_tf.py), with placeholders for the
    outputs a plan cannot know (subnet and security group ids, secret and key ARNs)."""
    spec = importlib.util.spec_from_file_location(
        "zappa_settings_from_tf", REPO_ROOT / "scripts/zappa_settings_from_tf.py"
    )
    renderer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(renderer)
    known = {k: v for k, v in facts.outputs.items() if isinstance(v, str | list | bool) and "UNKNOWN" not in repr(v)}
    edge = facts.outputs.get("api_stage_settings")
    if isinstance(edge, dict):  # the web ACL's ARN is moto's (reset_and_seed); the rest is known at plan
        known["api_stage_settings"] = {k: None if "UNKNOWN" in repr(v) else v for k, v in edge.items()}
    secrets = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:"
    outputs = {
        "private_subnet_ids": ["subnet-rehearsal-a", "subnet-rehearsal-b"],
        "lambda_security_group_id": "sg-rehearsal",
        "kms_key_arn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/rehearsal-data-key",
        "app_secret_arn": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{names['function']}/app-Rehear",
        "lambda_role_arn": f"arn:aws:iam::{ACCOUNT}:role/{names['lambda_role']}",
        "lambda_role_name": names["lambda_role"],
        "receipts_bucket": f"{names['function']}-receipts-{ACCOUNT}",
        "deployment_bucket": names["bucket"],
        "db_proxy_endpoint": f"{names['function']}.proxy-rehearsal.{REGION}.rds.amazonaws.com",
        "db_host": f"{names['function']}.rehearsal.{REGION}.rds.amazonaws.com",
        "db_app_role": "mealtracker_app",
        "db_name": "mealtracker",
        "db_app_role_secret_arn": f"{secrets}{names['function']}/db-app-role-Rehear",
        "db_master_secret_arn": f"{secrets}rds!db-rehearsal-Rehear",
        "internet_egress": False,
        **known,
    }
    settings = json.loads((tree / "zappa_settings.json").read_text())
    renderer.merge_stage(settings, ENV, renderer.normalise_outputs(outputs))
    settings[ENV]["touch"] = False  # Zappa's GET of the execute-api URL cannot reach AWS from here
    path = workdir / "zappa_settings.json"
    path.write_text(json.dumps(settings, indent=2))
    (workdir / "tf-outputs.json").write_text(json.dumps({k: {"value": v} for k, v in outputs.items()}))
    return path


def package(workdir: Path, revision: int) -> str:
    """A stand-in for build/mealtracker-dev.zip: moto stores the code, it never runs it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", f"# build {revision}\ndef lambda_handler(event, context):\n    return {{}}\n")
    path = workdir / f"package-{revision}.zip"
    path.write_bytes(buffer.getvalue())
    return str(path)


# --- running the workflow's deploy step -------------------------------------------------------------------


class Fault:
    """Failures injected into botocore calls: a failing operation, canned Lambda invocations, alarms."""

    def __init__(self):
        import boto3

        self.cloudwatch = boto3.client("cloudwatch")  # made outside the recording: the rehearsal's own calls
        self.fail_once: set[str] = set()
        self.invoke_errors: dict[str, str] = {}  # manage command -> error text
        self.alarm_on_canary: str | None = None

    def before_call(self, model, params, **_kwargs):
        import botocore.exceptions
        import botocore.response
        from botocore.awsrequest import AWSResponse

        name = f"{model.service_model.service_name}:{model.name}"
        if name in self.fail_once:
            self.fail_once.discard(name)
            error = {"Error": {"Code": "AccessDeniedException", "Message": f"rehearsal: {name} refused"}}
            raise botocore.exceptions.ClientError(error, model.name)
        if name == "lambda:ListFunctionUrlConfigs":  # not in moto; the stage has no function URL
            return AWSResponse("http://rehearsal", 200, {}, None), {"FunctionUrlConfigs": []}
        if name == "lambda:Invoke":  # moto cannot run the function: answer as the handler would
            payload = json.loads(params.get("body") or b"{}")  # `params` is the serialised request here
            command = str(payload.get("manage", "")).split(" ")[0]
            body = {"statusCode": 200, "body": "ok"} if "httpMethod" in payload else {}
            qualifier = (params.get("query_string") or {}).get("Qualifier", "$LATEST")
            parsed = {"StatusCode": 200, "LogResult": "", "ExecutedVersion": qualifier}
            if command in self.invoke_errors:
                parsed["FunctionError"] = "Unhandled"
                body = {"errorMessage": self.invoke_errors[command]}
            data = json.dumps(body).encode()
            parsed["Payload"] = botocore.response.StreamingBody(io.BytesIO(data), len(data))
            return AWSResponse("http://rehearsal", 200, {}, None), parsed
        routing = (
            json.loads(params.get("body") or b"{}").get("RoutingConfig", {}) if name == "lambda:UpdateAlias" else {}
        )
        if self.alarm_on_canary and routing.get("AdditionalVersionWeights"):
            self.cloudwatch.set_alarm_state(
                AlarmName=self.alarm_on_canary, StateValue="ALARM", StateReason="rehearsal: canary errors"
            )
        return None


@contextlib.contextmanager
def faults(fault: Fault):
    import botocore.session

    original = botocore.session.Session.create_client

    def create_client(self, *args, **kwargs):
        client = original(self, *args, **kwargs)
        client.meta.events.register("before-call.*.*", fault.before_call)
        return client

    botocore.session.Session.create_client = create_client
    try:
        yield fault
    finally:
        botocore.session.Session.create_client = original


def uses_release_tool(tree: Path) -> bool:
    return "deploy.release ship" in (tree / ".github/workflows/deploy.yml").read_text()


def workflow_step(tree: Path, stage, workdir: Path, zip_path: str) -> int:
    """The deploy workflow's Zappa step: deploy/release.py, or (before it) zappa deploy/update by get-function."""
    from deploy.release import Release, ReleaseError, parse_steps

    release = Release(stage, poll_seconds=0.01, sleep=lambda _s: None)
    try:
        if uses_release_tool(tree):
            release.ship(zip_path, parse_steps("10:0.001"))
        elif release.function_exists():
            release.zappa("update", stage.name, "--zip", zip_path)
        else:
            release.zappa("deploy", stage.name, "--zip", zip_path)
    except ReleaseError as error:
        print(f"[rehearsal] the step failed: {error}", flush=True)
        return error.status
    return 0


class _FastTime:
    """time for zappa.core with a short sleep."""

    def __getattr__(self, name):
        return getattr(time, name)

    @staticmethod
    def sleep(_seconds):
        time.sleep(0.05)


@dataclass
class Run:
    calls: list
    findings: list


def scenarios(tree: Path, facts, names: dict[str, str], endpoint: str, workdir: Path) -> Run:
    """First deploy, update with a canary, failed canary, refused migrations, manual rollback, and a first
    deploy that fails half-way followed by the next run -- each from the state the previous one left."""
    import boto3

    from deploy.calls import record_calls
    from deploy.release import Release, Stage

    settings = render_settings(tree, facts, names, workdir)
    stage = Stage.from_outputs(ENV, workdir / "tf-outputs.json", settings)
    s3 = boto3.client("s3")

    def read_template(url, body):
        if body:
            return json.loads(body)
        bucket, key = url.split("amazonaws.com/", 1)[1].split("/", 1)
        return json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())

    findings: list[Finding] = []
    all_calls: list = []
    fault = Fault()
    release_tool = uses_release_tool(tree)

    def step(title: str, zip_revision: int, expect: int | None = 0) -> int:
        banner(title)
        with faults(fault), record_calls(read_template) as calls:
            status = workflow_step(tree, stage, workdir, package(workdir, zip_revision))
        all_calls.extend(calls)
        if expect is not None and status != expect:
            findings.append(Finding("recovery", f"{title}: the deploy step exited {status}, expected {expect}"))
        return status

    observer = Release(stage)  # made before any recording: the rehearsal's own look-ups

    def live() -> str | None:
        alias = observer.alias()
        return alias and alias["FunctionVersion"]

    def check_stage_works(title: str) -> None:
        """A REST API exists and routes to the alias; the schedules call the alias; the stage has its settings."""
        status = observer.stack_status()
        if status not in ("CREATE_COMPLETE", "UPDATE_COMPLETE"):
            findings.append(Finding("recovery", f"{title}: no REST API stack afterwards ({status or 'missing'})"))
        if release_tool and not live():
            findings.append(Finding("recovery", f"{title}: the alias {stage.alias} does not exist afterwards"))
        if release_tool and stage.edge and status:
            findings.extend(Finding("edge", f"{title}: {problem}") for problem in stage_settings_missing(stage))

    def seed(arns: dict[str, str]) -> None:
        if stage.edge and "web_acl_arn" in stage.edge:
            stage.edge["web_acl_arn"] = arns["web_acl_arn"]

    import botocore.waiter
    import zappa.core

    # moto answers at once: Zappa's 3-second stack polls and the Lambda waiters' delays would only wait.
    zappa.core.time = botocore.waiter.time = _FastTime()
    previous_cwd = os.getcwd()
    os.chdir(workdir)  # Zappa scans the working directory for WebSocket handlers
    try:
        seed(reset_and_seed(endpoint, facts, names))
        step("first deploy", 1)
        check_stage_works("first deploy")
        first = live()
        step("update (canary 10 %, then all traffic)", 2)
        check_stage_works("update")
        if release_tool:
            second = live()
            if second == first:
                findings.append(Finding("recovery", "update: the alias still serves the first version"))
            fault.alarm_on_canary = (facts.outputs.get("canary_alarm_names") or [None])[0]
            step("failed canary (an alarm fires during the canary)", 3, expect=4)
            fault.alarm_on_canary = None
            if live() != second:
                findings.append(Finding("recovery", f"failed canary: the alias serves {live()}, not {second}"))
            fault.invoke_errors["check_release_migrations"] = "pending operation(s) would break the live version"
            step("refused migrations (drops a column the live version reads)", 4, expect=3)
            fault.invoke_errors.clear()
            if live() != second:
                findings.append(Finding("recovery", "refused migrations: traffic moved anyway"))
            banner("manual rollback")
            with record_calls(read_template) as calls:
                Release(stage).rollback()
            all_calls.extend(calls)
            if live() != first:
                findings.append(Finding("recovery", f"manual rollback: the alias serves {live()}, not {first}"))

        seed(reset_and_seed(endpoint, facts, names))
        fault.fail_once.add("events:PutRule")
        step("first deploy that fails at scheduling", 1, expect=None)
        step("the next run after the failed first deploy", 2)
        check_stage_works("the next run after a failed first deploy")
    finally:
        os.chdir(previous_cwd)
        zappa.core.time = botocore.waiter.time = time
    return Run(all_calls, findings)


def stage_settings_missing(stage) -> list[str]:
    """What Terraform planned for the stage (api_stage_settings) and the stage in moto does not have."""
    import boto3

    from deploy.release import Release

    edge, problems = stage.edge, []
    api_id = Release(stage).api_id()
    found = boto3.client("apigateway").get_stage(restApiId=api_id, stageName=stage.name)
    throttling = found.get("methodSettings", {}).get("*/*", {})
    if edge.get("throttle_rate_limit") and throttling.get("throttlingRateLimit") != float(edge["throttle_rate_limit"]):
        now = throttling.get("throttlingRateLimit", "no limit")
        problems.append(f"the stage is not throttled at {edge['throttle_rate_limit']}/s (it allows {now}/s)")
    if (
        edge.get("access_log_arn")
        and found.get("accessLogSettings", {}).get("destinationArn") != edge["access_log_arn"]
    ):
        problems.append(f"the stage writes no access logs to {edge['access_log_arn']}")
    if edge.get("web_acl_arn"):
        stage_arn = f"arn:aws:apigateway:{stage.region}::/restapis/{api_id}/stages/{stage.name}"
        acl = boto3.client("wafv2").get_web_acl_for_resource(ResourceArn=stage_arn).get("WebACL") or {}
        if acl.get("ARN") != edge["web_acl_arn"]:
            problems.append("the stage is not behind the WAF web ACL")
    return problems


# --- judging the recorded calls against the plan ------------------------------------------------------------


def judge(calls: list, facts, names: dict[str, str]) -> list[Finding]:
    from deploy.calls import Target, iam_requests, integration_targets
    from deploy.iam_policy import Request, evaluate

    bucket = facts.buckets.get(names["bucket"])
    kms = {names["bucket"]: f"arn:aws:kms:{REGION}:{ACCOUNT}:key/rehearsal-data-key"}
    target = Target(REGION, ACCOUNT, bucket_kms=kms if bucket and bucket.sse_algorithm == "aws:kms" else {})
    deploy_role = facts.roles.get(names["deploy_role"])
    if deploy_role is None:
        return [Finding("deploy-permission", f"the plan has no deploy role {names['deploy_role']}")]
    findings: dict[tuple, Finding] = {}

    def role_of(arn: str):
        return facts.roles.get(arn.rsplit("/", 1)[-1])

    for call in calls:
        try:
            requests, implied = iam_requests(call, target)
        except KeyError as error:
            findings[("unknown", str(error))] = Finding("deploy-permission", str(error.args[0]))
            continue
        for request in requests:
            policies = list(deploy_role.policies)
            if request.action.startswith("s3:") and bucket and bucket.policy:
                policies.append(bucket.policy)
            result = evaluate(request, policies)
            if result.allowed:
                continue
            service = request.context.get("iam:PassedToService", "")
            kind = {"events.amazonaws.com": "events-role", "apigateway.amazonaws.com": "apigateway-role"}.get(
                service, "deploy-permission"
            )
            passed = f" to {service}" if service else ""
            findings.setdefault((kind, call.service, call.operation, request.action, service), None)
            findings[(kind, call.service, call.operation, request.action, service)] = findings[
                (kind, call.service, call.operation, request.action, service)
            ] or Finding(
                kind,
                f"{call.service}:{call.operation} needs {request.action}{passed} on {request.resource}: "
                f"the deploy role's policy {result}",
            )
        for handed in implied:
            role = role_of(handed.role_arn)
            kind = {"events.amazonaws.com": "events-role", "apigateway.amazonaws.com": "apigateway-role"}.get(
                handed.service, "deploy-permission"
            )
            if role is None:
                findings[(kind, handed.role_arn)] = Finding(
                    kind, f"{handed.why} passes {handed.role_arn}: not in the plan"
                )
                continue
            assume = Request("sts:AssumeRole", context=handed.context, principal={"Service": handed.service})
            result = evaluate(assume, [role.trust])
            if not result.allowed:
                findings[(kind, "trust", role.name, handed.service)] = Finding(
                    kind,
                    f"{handed.why} hands role {role.name} to {handed.service}, which its trust policy {result}",
                )
        for credentials, function in integration_targets(call.template or {}):
            role = role_of(credentials)
            result = evaluate(Request("lambda:InvokeFunction", function), role.policies if role else [])
            if not result.allowed:
                findings[("apigateway-role", "invoke", function)] = Finding(
                    "apigateway-role",
                    f"API Gateway invokes {function} with role {credentials}, whose policies: "
                    f"lambda:InvokeFunction {result}",
                )
    return list(findings.values())


# --- main -------------------------------------------------------------------------------------------------


def rehearse(revision: str | None, workdir: Path, endpoint: str) -> list[Finding]:
    from deploy.plan import read_plan

    tree = tree_files(revision, workdir)
    banner(f"terraform plan of envs/{ENV} and bootstrap ({revision or 'working tree'})")
    started = time.monotonic()
    variables = {"github_repository": "example-org/meal-expense-tracker", "write_app_secret": "false"}
    TF_DATA.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=2) as pool:  # the two roots plan side by side
        env_future = pool.submit(
            terraform_plan,
            tree / "terraform/envs" / ENV,
            workdir,
            endpoint,
            {**variables, "github_oidc_provider_arn": OIDC},
        )
        bootstrap_future = pool.submit(
            terraform_plan,
            tree / "terraform/bootstrap",
            workdir,
            endpoint,
            {"github_repository": variables["github_repository"]},
        )
        env_plan, bootstrap_plan = env_future.result(), bootstrap_future.result()
    print(f"planned in {time.monotonic() - started:.1f} s", flush=True)
    facts, bootstrap = read_plan(env_plan), read_plan(bootstrap_plan)
    function = facts.outputs.get("lambda_function_name") or f"mealtracker-{ENV}"
    names = {
        "function": function,
        "lambda_role": f"{function}-lambda",
        "deploy_role": f"{function}-github-deploy",
        "bucket": facts.outputs.get("deployment_bucket") or f"{function}-deployments-{ACCOUNT}",
    }
    findings = check_backend(tree, bootstrap)
    run = scenarios(tree, facts, names, endpoint, workdir)
    banner("the app secret: first write, a plain re-apply, a rotation")
    findings += app_secret_rewrites(tree / "terraform/envs" / ENV, workdir, endpoint, variables | {
        "github_oidc_provider_arn": OIDC})  # fmt: skip
    banner(f"judging {len(run.calls)} recorded AWS calls against the planned IAM")
    return findings + run.findings + judge(run.calls, facts, names)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--revision", help="rehearse a commit's terraform/, zappa_settings.json and deploy.yml")
    parser.add_argument("--expect", default="", help="comma-separated finding kinds that must be reported")
    args = parser.parse_args(argv)
    if not shutil.which("terraform"):
        return skip("no terraform binary (expected at /usr/local/bin/terraform)")
    if not (TF_MIRROR / "registry.terraform.io/hashicorp/aws").is_dir():
        return skip(f"provider mirror {TF_MIRROR} not found")

    started = time.monotonic()
    os.environ.update(
        AWS_ACCESS_KEY_ID="rehearsal",
        AWS_SECRET_ACCESS_KEY="rehearsal",  # noqa: S106 - moto takes any credentials
        AWS_DEFAULT_REGION=REGION,
        AWS_REGION=REGION,
    )
    os.environ.pop("AWS_PROFILE", None)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's request log
    # moto answers AddPermission with 200 where AWS says 201, which Zappa logs as a problem.
    import zappa.core  # noqa: F401 - its logging.basicConfig installs the handler filtered here

    for handler in logging.getLogger().handlers:
        handler.addFilter(lambda record: "Problem creating permission" not in record.getMessage())
    logging.getLogger("botocore.credentials").setLevel(logging.WARNING)
    server, endpoint = start_moto()
    os.environ["AWS_ENDPOINT_URL"] = endpoint
    workdir = Path(tempfile.mkdtemp(prefix="deploy-rehearsal-"))
    try:
        findings = rehearse(args.revision, workdir, endpoint)
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    banner(f"{len(findings)} finding(s) in {time.monotonic() - started:.0f} s ({args.revision or 'working tree'})")
    for finding in findings:
        print(f"  {finding}")
    if args.expect:
        expected = set(args.expect.split(","))
        missing = expected - {f.kind for f in findings}
        if missing:
            print(f"FAILED: {args.revision} should report {', '.join(sorted(missing))}", file=sys.stderr)
            return 1
        print(f"ok: {args.revision} reports every expected blocker ({', '.join(sorted(expected))})")
        return 0
    if findings:
        print("FAILED: the deploy would not work as planned (see findings above)", file=sys.stderr)
        return 1
    print("ok: every role is assumable by the service it is passed to, every call is allowed, the workflow recovers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
