"""The deploy rehearsal's judgement (deploy/): the IAM evaluator, how AWS calls map to IAM requests, and the
checks run on what Terraform planned at addd1f1 (each blocker reported) and after the fixes (none).

The plan facts in deploy_fixtures/ were read from `terraform show -json` of envs/dev and bootstrap at addd1f1
and after the fix (deploy/plan.py facts_to_json); `make deploy-rehearsal` plans the working tree itself."""

import json
import subprocess
from pathlib import Path

import pytest

from deploy.calls import Call, Target, iam_requests
from deploy.iam_policy import UNKNOWN, Decision, Policy, Request, evaluate
from deploy.plan import facts_from_json
from deploy.rehearsal import check_backend, judge

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "deploy_fixtures"
ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/mealtracker-dev-lambda"
FUNCTION = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:mealtracker-dev"
NAMES = {
    "function": "mealtracker-dev",
    "lambda_role": "mealtracker-dev-lambda",
    "deploy_role": "mealtracker-dev-github-deploy",
    "bucket": f"mealtracker-dev-deployments-{ACCOUNT}",
}


def policy(*statements, name="test"):
    return Policy.from_json(name, {"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource="*", **extra):
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


# --- the evaluator -----------------------------------------------------------------------------------------


def test_wildcards_match_actions_case_insensitively_and_resources_exactly():
    rules = policy(allow("lambda:Get*", f"{FUNCTION}:*"))
    assert evaluate(Request("LAMBDA:GetAlias", f"{FUNCTION}:live"), [rules]).allowed
    assert not evaluate(Request("lambda:UpdateAlias", f"{FUNCTION}:live"), [rules]).allowed
    assert not evaluate(Request("lambda:GetAlias", FUNCTION.upper() + ":live"), [rules]).allowed


def test_an_explicit_deny_wins_over_any_allow():
    rules = policy(allow("s3:*"), {"Effect": "Deny", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*"})
    result = evaluate(Request("s3:PutObject", "arn:aws:s3:::b/key"), [rules])
    assert result.decision is Decision.DENY


def test_not_action_allows_everything_but_the_named_actions():
    power_user = policy({"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"})
    assert evaluate(Request("kms:GenerateDataKey"), [power_user]).allowed
    assert not evaluate(Request("iam:PassRole", ROLE), [power_user]).allowed


@pytest.mark.parametrize(
    ("condition", "context", "allowed"),
    [
        (
            {"StringEquals": {"iam:PassedToService": ["lambda.amazonaws.com"]}},
            {"iam:PassedToService": "lambda.amazonaws.com"},
            True,
        ),
        (
            {"StringEquals": {"iam:PassedToService": ["lambda.amazonaws.com"]}},
            {"iam:PassedToService": "events.amazonaws.com"},
            False,
        ),
        ({"StringEquals": {"iam:PassedToService": ["lambda.amazonaws.com"]}}, {}, False),
        ({"StringEqualsIfExists": {"iam:PassedToService": ["lambda.amazonaws.com"]}}, {}, True),
        ({"StringNotEquals": {"s3:x-amz-server-side-encryption": ["aws:kms"]}}, {}, True),
        (
            {"StringLike": {"kms:EncryptionContext:aws:s3:arn": ["arn:aws:s3:::b/*"]}},
            {"kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::b/k"},
            True,
        ),
        ({"Null": {"s3:x-amz-server-side-encryption": ["false"]}}, {}, False),
        ({"Null": {"s3:x-amz-server-side-encryption": ["false"]}}, {"s3:x-amz-server-side-encryption": "AES256"}, True),
        ({"NumericLessThan": {"s3:TlsVersion": ["1.2"]}}, {"s3:TlsVersion": "1.3"}, False),
        ({"Bool": {"aws:SecureTransport": ["false"]}}, {"aws:SecureTransport": "true"}, False),
    ],
)
def test_conditions_follow_iams_rules_for_present_and_missing_keys(condition, context, allowed):
    rules = policy(allow("iam:PassRole", Condition=condition))
    assert evaluate(Request("iam:PassRole", ROLE, context), [rules]).allowed is allowed


def test_a_value_unknown_at_plan_time_makes_the_decision_undecided_not_a_guess():
    rules = Policy("plan", [{"Effect": "Allow", "Action": ["s3:PutObject"], "Resource": [UNKNOWN], "Condition": {}}])
    assert evaluate(Request("s3:PutObject", "arn:aws:s3:::b/k"), [rules]).decision is Decision.UNDECIDED
    wrong_action = evaluate(Request("s3:DeleteObject", "arn:aws:s3:::b/k"), [rules])
    assert wrong_action.decision is Decision.IMPLICIT_DENY  # what is known already decides


def test_a_whole_policy_unknown_at_plan_time_may_allow_but_never_denies():
    unknown = Policy("lambda.policy", None)
    assert evaluate(Request("lambda:InvokeFunction", FUNCTION), [unknown]).decision is Decision.UNDECIDED
    assert evaluate(Request("lambda:InvokeFunction", FUNCTION), [unknown, policy(allow("lambda:*"))]).allowed


def test_trust_policies_match_the_service_principal():
    trust = policy({"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"}})
    assert evaluate(Request("sts:AssumeRole", principal={"Service": "lambda.amazonaws.com"}), [trust]).allowed
    assert not evaluate(Request("sts:AssumeRole", principal={"Service": "events.amazonaws.com"}), [trust]).allowed


# --- calls as IAM sees them ----------------------------------------------------------------------------------

TARGET = Target("us-east-1", ACCOUNT, bucket_kms={NAMES["bucket"]: f"arn:aws:kms:us-east-1:{ACCOUNT}:key/data"})


def test_invoking_a_version_is_lambda_invoke_function_on_the_qualified_arn():
    requests, _ = iam_requests(Call("lambda", "Invoke", {"FunctionName": "mealtracker-dev", "Qualifier": "7"}), TARGET)
    assert requests[0] == Request("lambda:InvokeFunction", f"{FUNCTION}:7", {"aws:SecureTransport": "true"})


def test_api_gateway_calls_are_http_verbs_on_the_api_path():
    call = Call(
        "apigateway",
        "CreateDeployment",
        {"restApiId": "abc"},
        {"method": "POST", "requestUri": "/restapis/{restapi_id}/deployments"},
        {"restapi_id": "abc"},
    )
    requests, _ = iam_requests(call, TARGET)
    assert (requests[0].action, requests[0].resource) == (
        "apigateway:POST",
        "arn:aws:apigateway:us-east-1::/restapis/abc/deployments",
    )


def test_a_rule_role_is_passed_to_eventbridge_which_must_be_able_to_assume_it():
    call = Call("events", "PutRule", {"Name": "mealtracker-dev-job", "RoleArn": ROLE})
    requests, implied = iam_requests(call, TARGET)
    assert Request("iam:PassRole", ROLE, {"iam:PassedToService": "events.amazonaws.com"}) in requests
    assert implied[0].service == "events.amazonaws.com"
    assert implied[0].context["aws:SourceArn"].endswith(":rule/mealtracker-dev-job")


def test_an_upload_to_an_sse_kms_bucket_asks_kms_through_s3():
    requests, _ = iam_requests(Call("s3", "PutObject", {"Bucket": NAMES["bucket"], "Key": "t.json"}), TARGET)
    assert [r.action for r in requests] == ["s3:PutObject", "kms:GenerateDataKey"]
    assert requests[1].context["kms:ViaService"] == "s3.us-east-1.amazonaws.com"


def test_a_call_the_table_does_not_know_is_reported_not_passed():
    with pytest.raises(KeyError, match=r"not in deploy/calls\.py"):
        iam_requests(Call("dynamodb", "CreateTable", {}), TARGET)


# --- the blockers, on addd1f1's plan and on today's ----------------------------------------------------------


INVOCATIONS = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions"


def zappa_deploy_calls():
    """The calls of `zappa deploy` that touch the blockers: the function, a schedule rule, the API stack."""
    template = {
        "Resources": {
            "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "mealtracker-dev"}},
            "ANY0": {
                "Type": "AWS::ApiGateway::Method",
                "Properties": {
                    "Integration": {
                        "Type": "AWS_PROXY",
                        "Credentials": ROLE,
                        "Uri": f"{INVOCATIONS}/{FUNCTION}:live/invocations",
                    }
                },
            },
        }
    }
    return [
        Call("lambda", "CreateFunction", {"FunctionName": "mealtracker-dev", "Role": ROLE}),
        Call(
            "events", "PutRule", {"Name": "mealtracker-dev-zappa-keep-warm-handler.keep_warm_callback", "RoleArn": ROLE}
        ),
        Call("s3", "PutObject", {"Bucket": NAMES["bucket"], "Key": "mealtracker-dev-template-1.json"}),
        Call("cloudformation", "CreateStack", {"StackName": "mealtracker-dev"}, template=template),
    ]


def facts(label):
    return facts_from_json(json.loads((FIXTURES / f"{label}_env_facts.json").read_text()))


def kinds(findings):
    return {f.kind for f in findings}


def test_addd1f1_plan_cannot_schedule_nor_serve_the_api():
    findings = judge(zappa_deploy_calls(), facts("addd1f1"), NAMES)
    messages = "\n".join(str(f) for f in findings)
    assert {"events-role", "apigateway-role"} <= kinds(findings)
    assert "events:PutRule hands role mealtracker-dev-lambda to events.amazonaws.com" in messages
    assert "needs iam:PassRole to events.amazonaws.com" in messages
    assert "hands role mealtracker-dev-lambda to apigateway.amazonaws.com" in messages
    assert "needs iam:PassRole to apigateway.amazonaws.com" in messages
    assert f"API Gateway invokes {FUNCTION}:live with role {ROLE}" in messages


def test_todays_plan_lets_every_service_assume_the_role_and_the_deploy_role_pass_it():
    assert judge(zappa_deploy_calls(), facts("fixed"), NAMES) == []


def tree_at(revision, tmp_path):
    paths = [
        "terraform/envs/dev/versions.tf",
        "terraform/envs/dev/backend.hcl.example",
        "terraform/bootstrap/outputs.tf",
        ".github/workflows/deploy.yml",
    ]
    for path in paths:
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if revision is None:
            target.write_text((ROOT / path).read_text())
        else:
            command = ["git", "-C", str(ROOT), "show", f"{revision}:{path}"]
            shown = subprocess.run(command, capture_output=True, text=True)  # noqa: S603 - a fixed git command
            if shown.returncode:
                pytest.skip(f"{revision} is not in this clone's history")
            target.write_text(shown.stdout)
    return tmp_path


def test_addd1f1_backends_upload_state_with_sse_s3_which_the_state_bucket_refuses(tmp_path):
    bootstrap = facts_from_json(json.loads((FIXTURES / "addd1f1_bootstrap_facts.json").read_text()))
    findings = check_backend(tree_at("addd1f1", tmp_path), bootstrap)
    assert kinds(findings) == {"state-backend"}
    assert len(findings) == 3  # backend.hcl.example, bootstrap's backend_hcl output and the workflow's init
    assert all("x-amz-server-side-encryption: AES256" in str(f) for f in findings)


def test_todays_backends_name_the_state_key(tmp_path):
    bootstrap = facts_from_json(json.loads((FIXTURES / "fixed_bootstrap_facts.json").read_text()))
    assert check_backend(tree_at(None, tmp_path), bootstrap) == []


# --- blocker 4 against moto (Zappa's real code; no Terraform needed) ------------------------------------------
# Today's workflow on every path (first deploy, canary, failed canary, refused migrations, rollback, recovery)
# runs in `make deploy-rehearsal`, with the plan of the working tree.


@pytest.fixture
def moto_aws(monkeypatch):
    from deploy.rehearsal import start_moto

    server, endpoint = start_moto()
    for name, value in {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "rehearsal",
        "AWS_SECRET_ACCESS_KEY": "rehearsal",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    yield endpoint
    server.stop()


def workflow_tree(revision, tmp_path):
    tree = tmp_path / "tree"
    for path in ("zappa_settings.json", ".github/workflows/deploy.yml"):
        target = tree / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if revision is None:
            target.write_text((ROOT / path).read_text())
        else:
            command = ["git", "-C", str(ROOT), "show", f"{revision}:{path}"]
            shown = subprocess.run(command, capture_output=True, text=True)  # noqa: S603 - a fixed git command
            if shown.returncode:
                pytest.skip(f"{revision} is not in this clone's history")
            target.write_text(shown.stdout)
    return tree


def test_addd1f1_workflow_cannot_recover_from_a_failed_first_deploy(moto_aws, tmp_path):
    from deploy.rehearsal import scenarios

    workdir = tmp_path / "work"
    workdir.mkdir()
    run = scenarios(workflow_tree("addd1f1", tmp_path), facts("addd1f1"), NAMES, moto_aws, workdir)
    assert "[recovery] the next run after a failed first deploy: no REST API stack afterwards (missing)" in [
        str(f) for f in run.findings
    ]
