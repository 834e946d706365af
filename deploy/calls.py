"""Recording the AWS calls a deploy makes (botocore event hooks), and what each call asks of IAM.

`record_calls()` hooks every botocore client created while it is active (Zappa's, boto3's, ours). Each
recorded Call is turned into IAM requests by `iam_requests()`: the action AWS authorises, the resource ARN and
the context keys our policies test, plus the requests the call implies (iam:PassRole for a role handed to a
service, KMS for an SSE-KMS bucket). A call this table does not know is reported rather than passed.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from typing import Any

import botocore.session

from deploy.iam_policy import Request

# boto3 service name -> IAM prefix, where they differ or to say the service is known.
IAM_PREFIX = {
    "lambda": "lambda",
    "events": "events",
    "cloudformation": "cloudformation",
    "apigateway": "apigateway",
    "s3": "s3",
    "iam": "iam",
    "sts": "sts",
    "cloudwatch": "cloudwatch",
    "logs": "logs",
    "wafv2": "wafv2",
}

# Calls whose IAM action is not "<prefix>:<OperationName>".
ACTION_NAMES = {
    ("lambda", "Invoke"): "lambda:InvokeFunction",
    ("s3", "HeadBucket"): "s3:ListBucket",
    ("s3", "HeadObject"): "s3:GetObject",
    ("s3", "ListObjectsV2"): "s3:ListBucket",
    ("s3", "CreateMultipartUpload"): "s3:PutObject",
    ("s3", "UploadPart"): "s3:PutObject",
    ("s3", "CompleteMultipartUpload"): "s3:PutObject",
}

# Calls that need no permission, or that IAM authorises against "*" (no resource-level permissions).
NO_PERMISSION = {("sts", "GetCallerIdentity")}
RESOURCE_STAR = {
    ("events", "ListRules"),
    ("events", "ListRuleNamesByTarget"),
    ("cloudwatch", "DescribeAlarms"),
}

# A role in these parameters is handed to the service (iam:PassRole, and the service assumes it).
PASSED_ROLES = {
    ("lambda", "CreateFunction"): ("Role", "lambda.amazonaws.com"),
    ("lambda", "UpdateFunctionConfiguration"): ("Role", "lambda.amazonaws.com"),
    ("events", "PutRule"): ("RoleArn", "events.amazonaws.com"),
}


@dataclass
class Call:
    service: str
    operation: str
    params: dict[str, Any]
    http: dict[str, Any] = field(default_factory=dict)  # method and requestUri (API Gateway's IAM model)
    uri_params: dict[str, str] = field(default_factory=dict)
    template: dict[str, Any] | None = None  # CloudFormation template body of CreateStack/UpdateStack


@dataclass
class Target:
    """Where the deploy runs: names the ARNs are built from."""

    region: str
    account: str
    partition: str = "aws"
    bucket_kms: dict[str, str] = field(default_factory=dict)  # bucket -> its default SSE-KMS key ARN


@dataclass
class Implied:
    """A request the call implies for another principal: a service assuming a role."""

    role_arn: str
    service: str
    context: dict[str, Any]
    why: str


_ACTIVE: list[list[Call]] = []
_TEMPLATE_READER: list = []


def _hook(params, model, **_kwargs):
    if not _ACTIVE:
        return
    service = model.service_model.service_name
    uri_params = {}
    for name, shape in model.input_shape.members.items() if model.input_shape else []:
        if shape.serialization.get("location") == "uri" and name in params:
            uri_params[shape.serialization.get("name", name)] = str(params[name])
    safe = {k: v for k, v in params.items() if k not in ("ZipFile", "Body", "Payload")}
    call = Call(service, model.name, safe, dict(model.http), uri_params)
    if service == "cloudformation" and model.name in ("CreateStack", "UpdateStack") and _TEMPLATE_READER:
        call.template = _TEMPLATE_READER[0](params.get("TemplateURL"), params.get("TemplateBody"))
    _ACTIVE[-1].append(call)


@contextlib.contextmanager
def record_calls(template_reader=None):
    """Record every call made by botocore clients created inside the block (the list grows as calls happen)."""
    calls: list[Call] = []
    outer_create_client = botocore.session.Session.create_client

    def create_client(self, *args, **kwargs):
        client = outer_create_client(self, *args, **kwargs)
        client.meta.events.register("provide-client-params.*.*", _hook)
        return client

    botocore.session.Session.create_client = create_client
    _ACTIVE.append(calls)
    if template_reader:
        _TEMPLATE_READER.insert(0, template_reader)
    try:
        yield calls
    finally:
        _ACTIVE.remove(calls)
        if template_reader:
            _TEMPLATE_READER.remove(template_reader)
        botocore.session.Session.create_client = outer_create_client


# --- ARNs -------------------------------------------------------------------------------------------------


def function_arn(target: Target, function_name: str, qualifier: str | None = None) -> str:
    if function_name.startswith("arn:"):
        base = function_name
    elif function_name.startswith("function:"):
        base = f"arn:{target.partition}:lambda:{target.region}:{target.account}:{function_name}"
    else:
        base = f"arn:{target.partition}:lambda:{target.region}:{target.account}:function:{function_name}"
    return f"{base}:{qualifier}" if qualifier else base


def _resource(call: Call, target: Target) -> str:
    p, region, account = target.partition, target.region, target.account
    params = call.params
    if call.service == "lambda":
        if call.operation == "TagResource":
            return params["Resource"]
        return function_arn(target, params["FunctionName"], params.get("Qualifier"))
    if call.service == "events":
        name = params.get("Name") or params.get("Rule")
        return f"arn:{p}:events:{region}:{account}:rule/{name}"
    if call.service == "cloudformation":
        return f"arn:{p}:cloudformation:{region}:{account}:stack/{params['StackName']}/rehearsal"
    if call.service == "apigateway":
        path = call.http["requestUri"].split("?")[0]
        path = re.sub(r"\{([^}+]+)\+?\}", lambda m: call.uri_params.get(m.group(1), "*"), path)
        return f"arn:{p}:apigateway:{region}::{path}"
    if call.service == "s3":
        key = params.get("Key")
        return f"arn:{p}:s3:::{params['Bucket']}" + (f"/{key}" if key else "")
    if call.service == "iam":
        return f"arn:{p}:iam::{account}:role/{params['RoleName']}"
    if call.service == "logs":
        return f"arn:{p}:logs:{region}:{account}:log-group:{params['logGroupName']}"
    if call.service == "wafv2" and call.operation == "AssociateWebACL":
        return params["WebACLArn"]
    raise KeyError(f"no resource rule for {call.service}:{call.operation}")


def action_of(call: Call) -> str:
    if call.service == "apigateway":
        return f"apigateway:{call.http['method']}"
    return ACTION_NAMES.get((call.service, call.operation), f"{IAM_PREFIX[call.service]}:{call.operation}")


def iam_requests(call: Call, target: Target) -> tuple[list[Request], list[Implied]]:
    """The requests the deploy role must be allowed, and the roles services must be able to assume."""
    key = (call.service, call.operation)
    if key in NO_PERMISSION:
        return [], []
    if call.service not in IAM_PREFIX:
        raise KeyError(f"{call.service}:{call.operation} is not in deploy/calls.py: add how IAM sees it")
    resource = "*" if key in RESOURCE_STAR else _resource(call, target)
    context: dict[str, Any] = {"aws:SecureTransport": "true"}
    if call.service == "s3":
        context["s3:TlsVersion"] = "1.3"
        if call.params.get("ServerSideEncryption"):
            context["s3:x-amz-server-side-encryption"] = call.params["ServerSideEncryption"]
    requests = [Request(action_of(call), resource, context)]
    implied: list[Implied] = []

    if key in PASSED_ROLES and call.params.get(PASSED_ROLES[key][0]):
        role, service = call.params[PASSED_ROLES[key][0]], PASSED_ROLES[key][1]
        requests.append(Request("iam:PassRole", role, {"iam:PassedToService": service}))
        trust_context = {"aws:SourceAccount": target.account}
        if service == "events.amazonaws.com":
            trust_context["aws:SourceArn"] = resource
        implied.append(Implied(role, service, trust_context, f"{call.service}:{call.operation}"))

    if key == ("wafv2", "AssociateWebACL"):  # WAF also asks API Gateway for the stage it is to protect
        requests.append(Request("apigateway:SetWebACL", call.params["ResourceArn"], context))

    if call.service == "s3" and call.operation in ("PutObject", "CreateMultipartUpload", "GetObject"):
        kms_key = target.bucket_kms.get(call.params["Bucket"])
        if kms_key and call.params.get("ServerSideEncryption", "aws:kms") == "aws:kms":
            kms_action = "kms:Decrypt" if call.operation == "GetObject" else "kms:GenerateDataKey"
            kms_context = {
                "kms:ViaService": f"s3.{target.region}.amazonaws.com",
                "kms:EncryptionContext:aws:s3:arn": f"arn:{target.partition}:s3:::{call.params['Bucket']}",
            }
            requests.append(Request(kms_action, call.params.get("SSEKMSKeyId") or kms_key, kms_context))

    if call.template:
        cfn_requests, cfn_implied = template_requests(call.template, target)
        requests += cfn_requests
        implied += cfn_implied
    return requests, implied


def template_requests(template: dict[str, Any], target: Target) -> tuple[list[Request], list[Implied]]:
    """CloudFormation acts with the caller's permissions: what creating the stack's resources asks of IAM."""
    api = f"arn:{target.partition}:apigateway:{target.region}::"
    requests: list[Request] = []
    implied: list[Implied] = []
    for resource in template.get("Resources", {}).values():
        kind, props = resource.get("Type"), resource.get("Properties", {})
        if kind == "AWS::ApiGateway::RestApi":
            requests.append(Request("apigateway:POST", f"{api}/restapis"))
        elif kind == "AWS::ApiGateway::Resource":
            requests.append(Request("apigateway:POST", f"{api}/restapis/*/resources/*"))
        elif kind == "AWS::ApiGateway::Method":
            requests.append(Request("apigateway:PUT", f"{api}/restapis/*/resources/*/methods/*"))
            credentials = (props.get("Integration") or {}).get("Credentials")
            if isinstance(credentials, str):
                requests.append(
                    Request("iam:PassRole", credentials, {"iam:PassedToService": "apigateway.amazonaws.com"})
                )
                implied.append(Implied(credentials, "apigateway.amazonaws.com", {}, "REST API integration credentials"))
        elif kind == "AWS::Lambda::Permission":
            requests.append(Request("lambda:AddPermission", str(props.get("FunctionName"))))
    return requests, implied


def integration_targets(template: dict[str, Any]) -> list[tuple[str, str]]:
    """(credentials role, function ARN) of every Lambda proxy integration in a Zappa stack template."""
    found = []
    for resource in template.get("Resources", {}).values():
        integration = (resource.get("Properties") or {}).get("Integration") or {}
        uri = integration.get("Uri")
        if isinstance(uri, str) and "/functions/" in uri and isinstance(integration.get("Credentials"), str):
            function = uri.split("/functions/", 1)[1].rsplit("/invocations", 1)[0]
            found.append((integration["Credentials"], function))
    return found
