"""A small IAM policy evaluator: Allow/Deny statements, Action/NotAction and Resource/NotResource with `*` and
`?` wildcards, Principal for trust and bucket policies, and the common condition operators (String*, Arn*,
Numeric*, Bool, Null, the IfExists suffix, ForAnyValue/ForAllValues).

It answers in three values because a Terraform plan may not know every ARN yet: a statement element the plan
leaves unknown is UNKNOWN, and a decision that depends on one is UNDECIDED rather than a guess. A whole policy
document unknown at plan time is assumed to hold Allow statements only (ours keep every Deny in plan-known
documents), so it can make a request UNDECIDED but never denies it.

What it does not model: permission boundaries, SCPs, session policies, cross-account rules, NotPrincipal,
policy variables (${aws:username}) and the service-specific implicit checks AWS adds; see docs/deploy.md.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()  # a value Terraform will know only after apply


class Decision(Enum):
    ALLOW = "allowed"
    DENY = "explicitly denied"
    IMPLICIT_DENY = "not allowed"
    UNDECIDED = "undecided (depends on values unknown at plan time)"


@dataclass(frozen=True)
class Request:
    """One authorisation question: may `principal` do `action` on `resource` with this request context?"""

    action: str
    resource: str = "*"
    context: dict[str, Any] = field(default_factory=dict)
    principal: dict[str, str] | None = None  # {"Service": "events.amazonaws.com"} or {"AWS": "arn:..."}


@dataclass
class Policy:
    """A policy document (its statements normalised to lists) and where it came from, for messages."""

    name: str
    statements: list[dict[str, Any]] | None  # None: the whole document is unknown at plan time

    @classmethod
    def from_json(cls, name: str, document: str | dict | None) -> Policy:
        if document is None or document is UNKNOWN:
            return cls(name, None)
        parsed = json.loads(document) if isinstance(document, str) else document
        statements = parsed.get("Statement", [])
        if isinstance(statements, dict):
            statements = [statements]
        return cls(name, [normalise_statement(s) for s in statements])


@dataclass
class Result:
    decision: Decision
    reasons: list[str]

    @property
    def allowed(self) -> bool:
        return self.decision is Decision.ALLOW

    def __str__(self) -> str:
        return f"{self.decision.value}" + (f" ({'; '.join(self.reasons)})" if self.reasons else "")


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def normalise_statement(statement: dict[str, Any]) -> dict[str, Any]:
    """Lists everywhere, so the evaluator has one shape to read."""
    normal = dict(statement)
    normal.setdefault("Effect", "Allow")
    for key in ("Action", "NotAction", "Resource", "NotResource"):
        if key in normal:
            normal[key] = _as_list(normal[key])
    principal = normal.get("Principal")
    if isinstance(principal, dict):
        normal["Principal"] = {kind: _as_list(ids) for kind, ids in principal.items()}
    conditions = {}
    for operator, keys in (normal.get("Condition") or {}).items():
        conditions[operator] = {key: _as_list(values) for key, values in keys.items()}
    normal["Condition"] = conditions
    return normal


# --- three-valued logic: True, False, None (unknown) ---------------------------------------------------


def _all(values) -> bool | None:
    result: bool | None = True
    for value in values:
        if value is False:
            return False
        if value is None:
            result = None
    return result


def _any(values) -> bool | None:
    result: bool | None = False
    for value in values:
        if value is True:
            return True
        if value is None:
            result = None
    return result


def _not(value: bool | None) -> bool | None:
    return None if value is None else not value


def wildcard_match(pattern: Any, value: str, *, ignore_case: bool = False) -> bool | None:
    """IAM's `*` (any run) and `?` (one character) wildcards; nothing else is special."""
    if pattern is UNKNOWN:
        return None
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in str(pattern))
    return re.fullmatch(regex, value, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL) is not None


def _element_matches(patterns: list, value: str, *, ignore_case: bool = False) -> bool | None:
    return _any(wildcard_match(p, value, ignore_case=ignore_case) for p in patterns)


# --- conditions -----------------------------------------------------------------------------------------

_NEGATED = {
    "StringNotEquals",
    "StringNotEqualsIgnoreCase",
    "StringNotLike",
    "ArnNotEquals",
    "ArnNotLike",
    "NumericNotEquals",
}


def _compare(base: str, expected: Any, actual: Any) -> bool | None:
    if expected is UNKNOWN:
        return None
    actual_text = str(actual).lower() if isinstance(actual, bool) else str(actual)
    expected_text = str(expected).lower() if isinstance(expected, bool) else str(expected)
    if base in ("StringEquals", "StringNotEquals", "ArnEquals", "ArnNotEquals"):
        if base.startswith("Arn"):
            return wildcard_match(expected_text, actual_text)  # ArnEquals takes wildcards like ArnLike
        return expected_text == actual_text
    if base in ("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"):
        return expected_text.lower() == actual_text.lower()
    if base in ("StringLike", "StringNotLike", "ArnLike", "ArnNotLike"):
        return wildcard_match(expected_text, actual_text)
    if base == "Bool":
        return expected_text.lower() == actual_text.lower()
    if base.startswith("Numeric"):
        a, e = float(actual_text), float(expected_text)
        return {
            "NumericEquals": a == e,
            "NumericNotEquals": a == e,  # negated below
            "NumericLessThan": a < e,
            "NumericLessThanEquals": a <= e,
            "NumericGreaterThan": a > e,
            "NumericGreaterThanEquals": a >= e,
        }[base]
    raise ValueError(f"condition operator {base} is not supported by this evaluator")


def _condition_holds(operator: str, key: str, expected: list, context: dict[str, Any]) -> bool | None:
    qualifier = ""
    if ":" in operator:
        qualifier, operator = operator.split(":", 1)
    if_exists = operator.endswith("IfExists")
    base = operator.removesuffix("IfExists")
    present = key in context
    if base == "Null":
        return _any(_compare("Bool", e, str(not present).lower()) for e in expected)
    if not present:
        # A missing key: IfExists and the negated operators hold, every other operator fails.
        return bool(if_exists or base in _NEGATED)
    actual_values = _as_list(context[key])
    negated = base in _NEGATED

    def one(actual: Any) -> bool | None:
        matched = _any(_compare(base, e, actual) for e in expected)
        return _not(matched) if negated else matched

    if qualifier == "ForAllValues":
        return _all(one(a) for a in actual_values)
    return _any(one(a) for a in actual_values)  # ForAnyValue, and a single-valued key


def _conditions_hold(conditions: dict[str, dict[str, list]], context: dict[str, Any]) -> bool | None:
    return _all(
        _condition_holds(operator, key, expected, context)
        for operator, keys in conditions.items()
        for key, expected in keys.items()
    )


# --- statements and policies -------------------------------------------------------------------------------


def _principal_matches(statement: dict[str, Any], principal: dict[str, str] | None) -> bool | None:
    declared = statement.get("Principal")
    if declared is None:
        return True  # an identity policy: the principal is whoever holds it
    if declared == "*" or principal is None:
        return True if declared == "*" else None
    return _any(
        _element_matches(declared.get(kind, []), value) if declared.get(kind) != ["*"] else True
        for kind, value in principal.items()
    )


def statement_applies(statement: dict[str, Any], request: Request) -> bool | None:
    if "NotAction" in statement:
        action = _not(_element_matches(statement["NotAction"], request.action, ignore_case=True))
    else:
        action = _element_matches(statement.get("Action", []), request.action, ignore_case=True)
    if "NotResource" in statement:
        resource = _not(_element_matches(statement["NotResource"], request.resource))
    elif "Resource" in statement:
        resource = _element_matches(statement["Resource"], request.resource)
    else:
        resource = True  # trust policies name no resource
    principal = _principal_matches(statement, request.principal)
    return _all([action, resource, principal, _conditions_hold(statement.get("Condition", {}), request.context)])


def evaluate(request: Request, policies: list[Policy]) -> Result:
    """The decision of all `policies` together (identity and resource policies of one account alike)."""
    allowed_by, possibly_allowed_by, possibly_denied_by = [], [], []
    for policy in policies:
        if policy.statements is None:
            possibly_allowed_by.append(f"{policy.name} is unknown at plan time")
            continue
        for statement in policy.statements:
            applies = statement_applies(statement, request)
            label = f"{policy.name}:{statement.get('Sid') or 'statement'}"
            if statement["Effect"] == "Deny":
                if applies is True:
                    return Result(Decision.DENY, [f"denied by {label}"])
                if applies is None:
                    possibly_denied_by.append(f"{label} may deny it")
            elif applies is True:
                allowed_by.append(label)
            elif applies is None:
                possibly_allowed_by.append(f"{label} may allow it")
    if possibly_denied_by:
        return Result(Decision.UNDECIDED, possibly_denied_by)
    if allowed_by:
        return Result(Decision.ALLOW, [f"allowed by {allowed_by[0]}"])
    if possibly_allowed_by:
        return Result(Decision.UNDECIDED, possibly_allowed_by)
    return Result(Decision.IMPLICIT_DENY, ["no statement allows it"])
