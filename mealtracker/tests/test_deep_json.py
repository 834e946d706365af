"""JSON bodies nested deeply enough to exhaust the decoder's recursion are a 400 problem, signed in or not."""

from http import HTTPStatus

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from mealtracker import bounded_json

DEEP = "[" * 2000 + "]" * 2000

pytestmark = pytest.mark.django_db


def post_json(client, url, text):
    return client.generic("POST", url, text, content_type="application/json")


def assert_problem(response, status=HTTPStatus.BAD_REQUEST):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    return response.json()


def test_deeply_nested_json_to_sign_in_is_a_400_not_a_server_error(db):
    body = assert_problem(post_json(APIClient(), reverse("accounts_api:token-obtain"), DEEP))

    assert "levels deep" in body["detail"]


def test_deeply_nested_json_from_a_signed_in_client_is_a_400(member, api_client_for):
    assert_problem(post_json(api_client_for(member), reverse("expenses_api:expense-list"), DEEP))


def test_json_nested_past_the_limit_but_parseable_is_refused_too(member, api_client_for):
    nested = '{"amount": "1", "tags": ' + "[" * (bounded_json.MAX_DEPTH + 1) + "]" * (bounded_json.MAX_DEPTH + 1) + "}"

    assert_problem(post_json(api_client_for(member), reverse("expenses_api:expense-list"), nested))


def test_ordinary_nesting_is_untouched():
    assert bounded_json.loads('{"expenses": [{"amount": "1.00", "tags": ["a"]}]}')["expenses"][0]["tags"] == ["a"]
