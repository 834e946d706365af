"""Schemathesis over every operation of the generated OpenAPI schema, signed in as a manager with data.

Every response must be free of server errors and conform to the schema (status code, content type, body).
`make test` runs a few examples per operation; `make fuzz` runs FUZZ_EXAMPLES (default 100).
"""

import json
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework_simplejwt.tokens import RefreshToken
from schemathesis.specs.openapi import checks as openapi_checks

from expenses.tests.factories import ExpenseFactory
from mealtracker.wsgi import application

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2"))

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
    monkeypatch.setattr(
        "rest_framework.throttling.SimpleRateThrottle.THROTTLE_RATES",
        {"anon": "100000/hour", "user": "100000/hour", "auth": "100000/hour"},
    )
    ExpenseFactory.create_batch(3, owner=member)
    ExpenseFactory.create_batch(2, owner=manager)
    return {"Authorization": f"Bearer {RefreshToken.for_user(manager).access_token}"}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_operation_has_no_server_error_and_matches_its_schema(case, fuzz_headers):
    case.call_and_validate(headers=fuzz_headers, excluded_checks=EXCLUDED_CHECKS)
