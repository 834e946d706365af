"""Schemathesis over every operation of the generated OpenAPI schema, signed in as a manager with data.

Every response must be free of server errors and conform to the schema (status code, content type, body). Three
phases: generated examples per operation; explicit hostile inputs (overflowing amounts, deep JSON, crafted cursors,
a giant CSV cell, garbage tokens) run through the same checks; and stateful workflows, where schemathesis chains
operations along the links it infers from the schema (create, then read, change, submit, delete what was created).
`make test` runs a few examples of each; `make fuzz` runs FUZZ_EXAMPLES per operation (default 100) and
FUZZ_STATEFUL_EXAMPLES workflows (default 100).
"""

import base64
import json
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework_simplejwt.tokens import RefreshToken
from schemathesis.specs.openapi import checks as openapi_checks

from expenses.tests.factories import ExpenseFactory
from mealtracker.money import MAX_AMOUNT
from mealtracker.wsgi import application

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2"))
STATEFUL_EXAMPLES = int(os.environ.get("FUZZ_STATEFUL_EXAMPLES", "4"))
STATEFUL_STEPS = int(os.environ.get("FUZZ_STATEFUL_STEPS", "10"))

# The same document /api/schema/ serves, generated without a request so that collection needs no database.
schema = schemathesis.openapi.from_dict(json.loads(json.dumps(SchemaGenerator().get_schema(public=True), default=str)))
schema.app = application

# Checks whose premise this API rejects on purpose, each for a stated reason:
EXCLUDED_CHECKS = [
    # Valid-looking ids of objects the caller may not see are 404 (never 403, so ids do not leak), and a
    # generated body may be schema-valid yet fail a business rule (a 400/409/422 problem document).
    openapi_checks.positive_data_acceptance,
    # Filters are lenient on purpose (django-filter ignores an unknown query parameter); a rejected request is
    # still a 4XX problem document, which the status and body checks verify.
    openapi_checks.negative_data_rejection,
    # "Ignored" auth: several operations are public (token, register, password reset) on purpose.
    openapi_checks.ignored_auth,
]


@pytest.fixture
def _keep_test_connection():
    # Schemathesis calls the WSGI app directly; its request signals would close the test's database connection
    # (and its transaction) after each call, as Django's own test client prevents for the same reason.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_headers(manager, member, monkeypatch, settings, _keep_test_connection):
    """A manager with a team member's expenses to see, and throttles and lockouts out of the way."""
    settings.AXES_ENABLED = False
    settings.SIGN_IN_RATE_PER_ADDRESS = settings.SIGN_IN_RATE_PER_ACCOUNT = "100000/hour"
    monkeypatch.setattr(
        "rest_framework.throttling.SimpleRateThrottle.THROTTLE_RATES",
        {"anon": "100000/hour", "user": "100000/hour", "auth": "100000/hour"},
    )
    ExpenseFactory.create_batch(3, owner=member)
    ExpenseFactory.create_batch(2, owner=manager)
    # The largest meals an amount can hold: every list, total and report over them must still answer.
    ExpenseFactory.create_batch(2, owner=member, amount=MAX_AMOUNT, reporting_amount=MAX_AMOUNT, tax=0, tip=0)
    # Schemathesis reads WSGI answers as sent; the compressed form is tested where it is made.
    return {"Authorization": f"Bearer {RefreshToken.for_user(manager).access_token}", "Accept-Encoding": "identity"}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_operation_has_no_server_error_and_matches_its_schema(case, fuzz_headers):
    case.call_and_validate(headers=fuzz_headers, excluded_checks=EXCLUDED_CHECKS)


def _cursor_lists() -> list[str]:
    return sorted(
        path
        for path, operations in schema.raw_schema["paths"].items()
        if any(parameter.get("name") == "cursor" for parameter in operations.get("get", {}).get("parameters", []))
    )


DEEP_JSON = b"[" * 2000 + b"]" * 2000
# Inputs that once answered 500 (docs/security.md), each as (method, path, what the case overrides).
HOSTILE_CASES = {
    "amount times rate overflows": (
        "POST", "/api/v1/expenses/",
        {"body": {"amount": "9999999999.99", "currency": "EUR", "exchange_rate": "9999999999.99999999",
                  "occurred_at": "2026-01-05T12:00:00Z"}, "media_type": "application/json"},
    ),
    "rate converts to nothing": (
        "POST", "/api/v1/expenses/",
        {"body": {"amount": "0.01", "currency": "EUR", "exchange_rate": "0.00000001",
                  "occurred_at": "2026-01-05T12:00:00Z"}, "media_type": "application/json"},
    ),
    "deep JSON to sign-in": ("POST", "/api/v1/auth/token/", {"body": DEEP_JSON, "media_type": "application/json"}),
    "deep JSON signed in": ("POST", "/api/v1/expenses/", {"body": DEEP_JSON, "media_type": "application/json"}),
    "deep JSON import": (
        "POST", "/api/v1/imports/", {"body": {"file": DEEP_JSON}, "media_type": "multipart/form-data"},
    ),
    "200 KB CSV cell": (
        "POST", "/api/v1/imports/",
        {"body": {"file": b"date,amount,notes\n2026-01-05,9.00," + b"x" * 200_000 + b"\n"},
         "media_type": "multipart/form-data"},
    ),
    "garbage logout token": (
        "POST", "/api/v1/auth/logout/", {"body": {"refresh": "garbage"}, "media_type": "application/json"},
    ),
    "garbage refresh token": (
        "POST", "/api/v1/auth/token/refresh/", {"body": {"refresh": "a.b.c"}, "media_type": "application/json"},
    ),
}  # fmt: skip
# A crafted cursor on every cursor list: a position no row can have, reversed, a bad offset, deeply nested.
CRAFTED_CURSORS = {"p=abc": "cD1hYmM=", "r=1&p=abc": "cj0xJnA9YWJj", "o=abc": "bz1hYmM=", "p=[[[...": base64.b64encode(
    b"p=" + b"[" * 3000 + b"]" * 3000).decode()}  # fmt: skip


@pytest.mark.parametrize("name", HOSTILE_CASES)
def test_hostile_input_is_a_documented_4xx(name, fuzz_headers):
    method, path, overrides = HOSTILE_CASES[name]
    case = schema[path][method].Case(**overrides)

    response = case.call_and_validate(headers=fuzz_headers, excluded_checks=EXCLUDED_CHECKS)

    assert 400 <= response.status_code < 500, (name, response.status_code)


@pytest.mark.parametrize("path", _cursor_lists())
@pytest.mark.parametrize("cursor", CRAFTED_CURSORS.values(), ids=CRAFTED_CURSORS.keys())
def test_a_crafted_cursor_never_breaks_a_list(path, cursor, fuzz_headers):
    case = schema[path]["GET"].Case(query={"cursor": cursor})

    # Checked like every response: never a 5xx, and a documented status and body (a 400 problem or a page).
    case.call_and_validate(headers=fuzz_headers, excluded_checks=EXCLUDED_CHECKS)


class APIWorkflows(schema.as_state_machine()):
    """Chains of calls along the links schemathesis infers (a created expense is then read, patched, submitted,
    approved, deleted...), each response held to the same checks, plus its stateful ones (a deleted object is gone,
    a created one can be read)."""

    headers: dict = {}

    def setup(self):
        # Each scenario starts from the same data and leaves nothing behind, so a scenario replays the same way
        # when Hypothesis shrinks a failure (otherwise a name taken by an earlier scenario turns a 201 into a 409).
        self.scenario = transaction.atomic()
        self.scenario.__enter__()

    def teardown(self):
        transaction.set_rollback(True)
        self.scenario.__exit__(None, None, None)

    def get_call_kwargs(self, case):
        return {"headers": self.headers}

    def validate_response(self, response, case, additional_checks=None, **kwargs):
        case.validate_response(
            response,
            additional_checks=additional_checks,
            excluded_checks=EXCLUDED_CHECKS,
            transport_kwargs=kwargs or None,
            recorder=self.recorder,
        )


def test_api_workflows_have_no_server_error_and_match_the_schema(fuzz_headers):
    APIWorkflows.headers = fuzz_headers
    APIWorkflows.run(
        settings=settings(
            max_examples=STATEFUL_EXAMPLES,
            stateful_step_count=STATEFUL_STEPS,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
    )
