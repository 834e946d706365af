"""Every API error is one RFC 9457 problem document, and nothing internal leaks."""

from http import HTTPStatus

import django.db
import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from expenses.tests.factories import ExpenseFactory

PROBLEM = "application/problem+json"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def assert_problem(response, status):
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert {"type", "title", "status", "detail", "errors"} <= set(body)
    return body


@pytest.mark.parametrize("method", ["delete", "patch", "post"])
def test_unsafe_call_to_an_unknown_api_route_is_a_json_404_not_a_csrf_page(method, db):
    response = getattr(APIClient(enforce_csrf_checks=True), method)("/api/v1/budgets/null,null/")

    assert_problem(response, HTTPStatus.NOT_FOUND)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/no-such-thing/",
        "/api/nothing",
        "/api/v2/expenses/",
        # An encoded newline in the path (found by schemathesis): the catch-all must match it too.
        "/api/v1/imports/%0A/rows/",
        "/api/v1/exports/reports/a%0Ab.csv",
    ],
)
def test_unknown_api_route_answers_json_not_html(path, db):
    assert_problem(APIClient().get(path), HTTPStatus.NOT_FOUND)


def test_missing_trailing_slash_hints_at_the_right_url(db):
    body = assert_problem(APIClient().get("/api/v1/expenses"), HTTPStatus.NOT_FOUND)

    assert "/api/v1/expenses/" in body["detail"]


def test_anonymous_call_is_a_401_problem_with_a_bearer_challenge(db):
    response = APIClient().get(reverse("expenses_api:expense-list"))

    assert_problem(response, HTTPStatus.UNAUTHORIZED)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_validation_errors_are_listed_per_field(member, api_client_for):
    response = api_client_for(member).post(reverse("expenses_api:expense-list"), {"party_size": 0})

    body = assert_problem(response, HTTPStatus.BAD_REQUEST)
    assert {"amount", "occurred_at", "party_size"} <= set(body["errors"])
    assert body["type"].startswith("urn:mealtracker:problem:")


def test_malformed_json_is_a_400_problem(member, api_client_for):
    response = api_client_for(member).generic(
        "POST", reverse("expenses_api:expense-list"), "{not json", content_type="application/json"
    )

    assert_problem(response, HTTPStatus.BAD_REQUEST)


def test_a_form_with_more_fields_than_allowed_is_a_400_problem(member, api_client_for, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    fields = {f"field_{number}": "x" for number in range(11)}

    response = api_client_for(member).post(reverse("expenses_api:expense-list"), fields, format="multipart")

    assert assert_problem(response, HTTPStatus.BAD_REQUEST)["code"] == "too_many"


def test_a_null_json_body_is_a_400_naming_the_field(member, api_client_for):
    response = api_client_for(member).generic(
        "POST", reverse("expenses_api:rewards-program-import"), "null", content_type="application/json"
    )

    assert list(assert_problem(response, HTTPStatus.BAD_REQUEST)["errors"]) == ["file"]


def test_unsupported_method_is_a_405_problem(member, api_client_for):
    expense = ExpenseFactory(owner=member)

    response = api_client_for(member).put(reverse("expenses_api:expense-detail", kwargs={"pk": expense.pk}), {})

    assert_problem(response, HTTPStatus.METHOD_NOT_ALLOWED)


def test_an_unexpected_error_is_a_500_problem_without_internals(member, api_client_for, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("password=hunter2 in /srv/app/secret.py")

    monkeypatch.setattr("expenses.selectors.expenses_listed_for", explode)

    response = api_client_for(member).get(reverse("expenses_api:expense-list"))

    body = assert_problem(response, HTTPStatus.INTERNAL_SERVER_ERROR)
    assert "hunter2" not in response.content.decode()
    assert "Traceback" not in body["detail"]


@pytest.mark.parametrize("error", ["OperationalError", "InterfaceError"])
def test_a_lost_database_is_a_503_problem_with_retry_after(error, member, api_client_for, monkeypatch):
    def disconnect(*args, **kwargs):
        raise getattr(django.db, error)("server closed the connection unexpectedly")

    monkeypatch.setattr("expenses.selectors.expenses_listed_for", disconnect)

    response = api_client_for(member).get(reverse("expenses_api:expense-list"))

    body = assert_problem(response, HTTPStatus.SERVICE_UNAVAILABLE)
    assert body["code"] == "database_unavailable"
    assert int(response["Retry-After"]) > 0
    assert "server closed" not in response.content.decode()


def test_a_lost_database_on_a_web_page_is_a_503_without_a_traceback(member, monkeypatch):
    def disconnect(*args, **kwargs):
        raise django.db.OperationalError("could not connect to server")

    monkeypatch.setattr("expenses.views.dashboard.render", disconnect)
    client = Client()
    client.force_login(member)

    response = client.get(reverse("home"))

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response["Retry-After"]
    assert "could not connect" not in response.content.decode()
