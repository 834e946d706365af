"""deploy/release.py applies Terraform's stage settings (output api_stage_settings) to the REST API stage Zappa
made: throttling, access logs, the WAF web ACL and the custom domain's base path mapping (moto, in process)."""

import json

import boto3
import pytest
from moto import mock_aws

from deploy.release import main

STAGE = "dev"
FUNCTION = "mealtracker-dev"
ACCESS_LOGS = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/apigateway/mealtracker-dev/access"
LOG_FORMAT = json.dumps({"requestId": "$context.requestId", "status": "$context.status"})


@pytest.fixture
def aws(monkeypatch):
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        yield


@pytest.fixture
def zappa_stage(aws):
    """The REST API stack as Zappa leaves it: a stack whose resource "Api" is the REST API, deployed to the stage."""
    template = {"Resources": {"Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": FUNCTION}}}}
    cloudformation = boto3.client("cloudformation")
    cloudformation.create_stack(StackName=FUNCTION, TemplateBody=json.dumps(template))
    api_id = cloudformation.describe_stack_resource(StackName=FUNCTION, LogicalResourceId="Api")["StackResourceDetail"][
        "PhysicalResourceId"
    ]
    deploy_stage(api_id)
    return api_id


def deploy_stage(api_id):
    apigateway = boto3.client("apigateway")
    root = apigateway.get_resources(restApiId=api_id)["items"][0]["id"]
    apigateway.put_method(restApiId=api_id, resourceId=root, httpMethod="ANY", authorizationType="NONE")
    apigateway.put_integration(restApiId=api_id, resourceId=root, httpMethod="ANY", type="MOCK")
    apigateway.create_deployment(restApiId=api_id, stageName=STAGE)


@pytest.fixture
def web_acl(aws):
    return boto3.client("wafv2").create_web_acl(
        Name="mealtracker-dev-api",
        Scope="REGIONAL",
        DefaultAction={"Allow": {}},
        VisibilityConfig={"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "api"},
    )["Summary"]["ARN"]


def outputs(tmp_path, **stage_settings):
    settings = {
        "throttle_rate_limit": 25,
        "throttle_burst_limit": 50,
        "access_log_arn": ACCESS_LOGS,
        "access_log_format": LOG_FORMAT,
        "web_acl_arn": None,
        "custom_domain": None,
        "base_path": "",
        **stage_settings,
    }
    path = tmp_path / "tf-outputs.json"
    values = {"lambda_function_name": FUNCTION, "aws_region": "us-east-1", "api_stage_settings": settings}
    path.write_text(json.dumps({name: {"value": value} for name, value in values.items()}))
    return str(path)


def configure(path):
    return main(["configure", STAGE, "--outputs", path])


def test_the_stage_is_throttled_and_logs_every_request(zappa_stage, tmp_path):
    assert configure(outputs(tmp_path)) == 0

    stage = boto3.client("apigateway").get_stage(restApiId=zappa_stage, stageName=STAGE)
    assert stage["methodSettings"]["*/*"]["throttlingRateLimit"] == 25.0
    assert stage["methodSettings"]["*/*"]["throttlingBurstLimit"] == 50
    assert stage["accessLogSettings"] == {"destinationArn": ACCESS_LOGS, "format": LOG_FORMAT}


def test_the_stage_is_put_behind_the_web_acl(zappa_stage, web_acl, tmp_path):
    assert configure(outputs(tmp_path, web_acl_arn=web_acl)) == 0

    stage_arn = f"arn:aws:apigateway:us-east-1::/restapis/{zappa_stage}/stages/{STAGE}"
    assert boto3.client("wafv2").get_web_acl_for_resource(ResourceArn=stage_arn)["WebACL"]["ARN"] == web_acl


def test_applying_the_settings_twice_changes_nothing(zappa_stage, web_acl, tmp_path):
    path = outputs(tmp_path, web_acl_arn=web_acl)
    assert configure(path) == 0
    first = boto3.client("apigateway").get_stage(restApiId=zappa_stage, stageName=STAGE)
    assert configure(path) == 0
    second = boto3.client("apigateway").get_stage(restApiId=zappa_stage, stageName=STAGE)
    assert first["methodSettings"] == second["methodSettings"]
    assert first["accessLogSettings"] == second["accessLogSettings"]


def test_the_custom_domains_root_serves_the_stage(zappa_stage, tmp_path):
    apigateway = boto3.client("apigateway")
    apigateway.create_domain_name(
        domainName="meals.example.com", regionalCertificateArn="arn:aws:acm:us-east-1:123456789012:certificate/abc"
    )

    assert configure(outputs(tmp_path, custom_domain="meals.example.com")) == 0
    assert configure(outputs(tmp_path, custom_domain="meals.example.com")) == 0  # already mapped: left alone

    mappings = apigateway.get_base_path_mappings(domainName="meals.example.com")["items"]
    assert [(m["basePath"], m["restApiId"], m["stage"]) for m in mappings] == [("(none)", zappa_stage, STAGE)]


def test_a_domain_still_mapped_to_a_replaced_api_is_moved_to_the_new_one(zappa_stage, tmp_path):
    apigateway = boto3.client("apigateway")
    apigateway.create_domain_name(
        domainName="meals.example.com", regionalCertificateArn="arn:aws:acm:us-east-1:123456789012:certificate/abc"
    )
    old_api = apigateway.create_rest_api(name="mealtracker-dev-old")["id"]  # e.g. before a zappa undeploy/deploy
    deploy_stage(old_api)
    apigateway.create_base_path_mapping(domainName="meals.example.com", restApiId=old_api, stage=STAGE)

    assert configure(outputs(tmp_path, custom_domain="meals.example.com")) == 0

    mapping = apigateway.get_base_path_mapping(domainName="meals.example.com", basePath="(none)")
    assert mapping["restApiId"] == zappa_stage


def test_outputs_from_before_stage_settings_change_nothing(zappa_stage, tmp_path, capsys):
    path = tmp_path / "old-outputs.json"
    path.write_text(json.dumps({"lambda_function_name": {"value": FUNCTION}, "aws_region": {"value": "us-east-1"}}))

    assert configure(str(path)) == 0

    assert "the stage keeps its settings" in capsys.readouterr().out
    stage = boto3.client("apigateway").get_stage(restApiId=zappa_stage, stageName=STAGE)
    assert "accessLogSettings" not in stage or not stage["accessLogSettings"]


def test_where_api_gateway_answers_conflict_the_existing_mapping_is_repointed(aws, tmp_path):
    # moto replaces a root mapping silently; API Gateway refuses a second one (ConflictException).
    from botocore.stub import Stubber

    from deploy.release import Release, Stage

    release = Release(Stage.from_outputs(STAGE, outputs(tmp_path, custom_domain="meals.example.com")))
    with Stubber(release.apigateway) as stub:
        stub.add_client_error("create_base_path_mapping", service_error_code="ConflictException", http_status_code=409)
        stub.add_response(
            "get_base_path_mapping",
            {"basePath": "(none)", "restApiId": "oldapi", "stage": STAGE},
            {"domainName": "meals.example.com", "basePath": "(none)"},
        )
        stub.add_response(
            "update_base_path_mapping",
            {"basePath": "(none)", "restApiId": "newapi", "stage": STAGE},
            {
                "domainName": "meals.example.com",
                "basePath": "(none)",
                "patchOperations": [
                    {"op": "replace", "path": "/restapiId", "value": "newapi"},
                    {"op": "replace", "path": "/stage", "value": STAGE},
                ],
            },
        )
        release.map_custom_domain("newapi", "meals.example.com", "")
        stub.assert_no_pending_responses()
