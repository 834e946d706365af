"""What the deploy rehearsal needs from `terraform show -json <plan>`: roles with their trust and inline
policies, bucket policies and default encryption, and the outputs known at plan time.

A policy whose JSON is unknown at plan time but comes from an aws_iam_policy_document data source is rebuilt
from the data source's statement blocks, each value the plan does not know yet marked UNKNOWN.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from deploy.iam_policy import UNKNOWN, Policy, normalise_statement


@dataclass
class Role:
    name: str
    trust: Policy
    policies: list[Policy] = field(default_factory=list)
    managed_policy_arns: list[str] = field(default_factory=list)


@dataclass
class Bucket:
    name: str
    policy: Policy | None = None
    sse_algorithm: str | None = None


@dataclass
class PlanFacts:
    roles: dict[str, Role] = field(default_factory=dict)
    buckets: dict[str, Bucket] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    alarms: list[str] = field(default_factory=list)

    def role_named(self, name: str) -> Role | None:
        return self.roles.get(name)


def _known(value: Any, unknown: Any) -> Any:
    """Merge a planned value with its after_unknown twin: every unknown leaf becomes UNKNOWN."""
    if unknown is True:
        return UNKNOWN
    if isinstance(value, dict):
        unknown = unknown if isinstance(unknown, dict) else {}
        keys = set(value) | set(unknown)
        return {k: _known(value.get(k), unknown.get(k)) for k in keys}
    if isinstance(value, list):
        unknown = unknown if isinstance(unknown, list) else []
        return [_known(v, unknown[i] if i < len(unknown) else None) for i, v in enumerate(value)]
    return value


def _config_index(module: dict[str, Any], prefix: str, index: dict[str, dict]) -> None:
    for resource in module.get("resources", []):
        index[f"{prefix}{resource['address']}"] = resource.get("expressions", {})
    for name, call in module.get("module_calls", {}).items():
        _config_index(call.get("module", {}), f"{prefix}module.{name}.", index)


def _base_address(address: str) -> str:
    """module.x[0].aws_iam_role.deploy[0] -> module.x.aws_iam_role.deploy (configuration addresses have no index)."""
    return re.sub(r"\[[^\]]*\]", "", address)


def _module_prefix(change: dict[str, Any]) -> str:
    return f"{change['module_address']}." if change.get("module_address") else ""


def _referenced(change: dict[str, Any], attribute: str, kind: str, config: dict[str, dict]) -> str | None:
    """The address (in the same module) of the `kind` resource that `attribute` refers to, e.g. the role of a policy."""
    expressions = config.get(_base_address(change["address"]), {})
    for reference in expressions.get(attribute, {}).get("references", []):
        parts = reference.split(".")
        if reference.startswith("data.") and kind.startswith("data."):
            return _base_address(_module_prefix(change) + ".".join(parts[:3]))
        if parts[0] == kind:
            return _base_address(_module_prefix(change) + ".".join(parts[:2]))
    return None


def _policy_from_document_data(data_change: dict[str, Any]) -> list[dict[str, Any]]:
    after = _known(data_change["change"].get("after") or {}, data_change["change"].get("after_unknown") or {})
    statements = []
    for block in after.get("statement") or []:
        statement: dict[str, Any] = {"Effect": block.get("effect") or "Allow"}
        if block.get("sid"):
            statement["Sid"] = block["sid"]
        for key, name in (("actions", "Action"), ("not_actions", "NotAction")):
            if block.get(key):
                statement[name] = list(block[key]) if block[key] is not UNKNOWN else [UNKNOWN]
        for key, name in (("resources", "Resource"), ("not_resources", "NotResource")):
            if block.get(key):
                statement[name] = list(block[key]) if block[key] is not UNKNOWN else [UNKNOWN]
        principals = {}
        for principal in block.get("principals") or []:
            kind = "*" if principal["type"] == "*" else principal["type"]
            principals.setdefault(kind, []).extend(principal["identifiers"])
        if principals:
            statement["Principal"] = "*" if principals.get("*") == ["*"] else principals
        conditions: dict[str, dict[str, list]] = {}
        for condition in block.get("condition") or []:
            values = condition["values"] if condition["values"] is not UNKNOWN else [UNKNOWN]
            conditions.setdefault(condition["test"], {})[condition["variable"]] = list(values)
        statement["Condition"] = conditions
        statements.append(normalise_statement(statement))
    return statements


def _document(change: dict[str, Any], attribute: str, config: dict[str, dict], by_address: dict[str, dict]) -> Policy:
    after = change["change"].get("after") or {}
    unknown = (change["change"].get("after_unknown") or {}).get(attribute)
    name = f"{change['address']}.{attribute}"
    if after.get(attribute) and unknown is not True:
        return Policy.from_json(name, after[attribute])
    data_address = _referenced(change, attribute, "data.aws_iam_policy_document", config)
    if data_address:
        for address, data_change in by_address.items():
            if _base_address(address) == data_address:
                return Policy(name, _policy_from_document_data(data_change))
    return Policy(name, None)


def read_plan(plan: dict[str, Any]) -> PlanFacts:
    """PlanFacts of a `terraform show -json` plan document."""
    config: dict[str, dict] = {}
    _config_index(plan.get("configuration", {}).get("root_module", {}), "", config)
    changes = [
        c for c in plan.get("resource_changes", []) if "delete" not in c["change"]["actions"] or c["mode"] == "data"
    ]
    by_address = {c["address"]: c for c in changes}
    facts = PlanFacts()
    role_by_address: dict[str, Role] = {}
    bucket_by_address: dict[str, Bucket] = {}

    for change in changes:
        after = change["change"].get("after") or {}
        if change["type"] == "aws_iam_role" and change["mode"] == "managed":
            role = Role(after.get("name"), _document(change, "assume_role_policy", config, by_address))
            facts.roles[role.name] = role
            role_by_address[_base_address(change["address"])] = role
        elif change["type"] == "aws_s3_bucket" and change["mode"] == "managed":
            bucket = Bucket(after.get("bucket"))
            facts.buckets[bucket.name] = bucket
            bucket_by_address[_base_address(change["address"])] = bucket
        elif change["type"] == "aws_cloudwatch_metric_alarm":
            facts.alarms.append(after.get("alarm_name"))

    for change in changes:
        after = change["change"].get("after") or {}
        if change["type"] == "aws_iam_role_policy":
            role = role_by_address.get(_referenced(change, "role", "aws_iam_role", config) or "")
            if role:
                role.policies.append(_document(change, "policy", config, by_address))
        elif change["type"] == "aws_iam_role_policy_attachment":
            role = role_by_address.get(_referenced(change, "role", "aws_iam_role", config) or "")
            if role:
                role.managed_policy_arns.append(after.get("policy_arn"))
        elif change["type"] == "aws_s3_bucket_policy":
            bucket = bucket_by_address.get(_referenced(change, "bucket", "aws_s3_bucket", config) or "")
            if bucket:
                bucket.policy = _document(change, "policy", config, by_address)
        elif change["type"] == "aws_s3_bucket_server_side_encryption_configuration":
            bucket = bucket_by_address.get(_referenced(change, "bucket", "aws_s3_bucket", config) or "")
            for rule in after.get("rule") or []:
                for default in rule.get("apply_server_side_encryption_by_default") or []:
                    if bucket:
                        bucket.sse_algorithm = default.get("sse_algorithm")

    for name, output in plan.get("output_changes", {}).items():
        facts.outputs[name] = _known(output.get("after"), output.get("after_unknown"))
    return facts


def load_plan(path) -> PlanFacts:
    with open(path, encoding="utf-8") as handle:
        return read_plan(json.load(handle))


# --- saved facts (test fixtures) ------------------------------------------------------------------------------

_UNKNOWN_MARK = "<unknown at plan time>"


def _encode(value: Any) -> Any:
    if value is UNKNOWN:
        return _UNKNOWN_MARK
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if value == _UNKNOWN_MARK:
        return UNKNOWN
    if isinstance(value, dict):
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def _policy_json(policy: Policy | None) -> Any:
    return None if policy is None else {"name": policy.name, "statements": _encode(policy.statements)}


def _policy_from(data: Any) -> Policy | None:
    return None if data is None else Policy(data["name"], _decode(data["statements"]))


def facts_to_json(facts: PlanFacts) -> dict[str, Any]:
    return {
        "roles": {
            name: {
                "trust": _policy_json(role.trust),
                "policies": [_policy_json(p) for p in role.policies],
                "managed_policy_arns": role.managed_policy_arns,
            }
            for name, role in facts.roles.items()
        },
        "buckets": {
            name: {"policy": _policy_json(b.policy), "sse_algorithm": b.sse_algorithm}
            for name, b in facts.buckets.items()
        },
        "outputs": _encode(facts.outputs),
        "alarms": facts.alarms,
    }


def facts_from_json(data: dict[str, Any]) -> PlanFacts:
    facts = PlanFacts(outputs=_decode(data["outputs"]), alarms=data["alarms"])
    for name, role in data["roles"].items():
        facts.roles[name] = Role(
            name, _policy_from(role["trust"]), [_policy_from(p) for p in role["policies"]], role["managed_policy_arns"]
        )
    for name, bucket in data["buckets"].items():
        facts.buckets[name] = Bucket(name, _policy_from(bucket["policy"]), bucket["sse_algorithm"])
    return facts
