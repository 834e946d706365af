"""A crafted cursor never breaks a list: a 400 problem naming `cursor`, or a page when its position is one a row
could have ("abc" on a list ordered by name)."""

import base64
import json
from http import HTTPStatus
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from expenses.tests.factories import CategoryFactory, ExpenseFactory, RestaurantFactory, TagFactory

pytestmark = pytest.mark.django_db


def assert_problem(response, status=HTTPStatus.BAD_REQUEST):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    return response.json()


def cursor_list_paths() -> list[str]:
    """Every API list that pages with a cursor, from the schema (a new list is covered without touching this)."""
    schema = SchemaGenerator().get_schema(public=True)
    return sorted(
        path
        for path, operations in schema["paths"].items()
        if any(parameter.get("name") == "cursor" for parameter in operations.get("get", {}).get("parameters", []))
    )


def cursor(raw: str) -> str:
    return base64.b64encode(raw.encode()).decode()


CRAFTED_CURSORS = {
    "position not a key": "cD1hYmM=",  # "p=abc", the one the attack used
    "position too big": cursor("p=99999999999999999999999999"),
    "position not a date": cursor("p=" + json.dumps(["yesterday", "1"])),
    "position deeply nested": cursor("p=" + "[" * 3000 + "]" * 3000),
    "position of the wrong shape": cursor("p=" + json.dumps({"a": 1})),
    "reversed, position not a key": cursor("r=1&p=abc"),
    "offset not a number": cursor("o=abc"),
    "not base64": "!!!",
}


@pytest.fixture
def manager_with_data(manager, member):
    for owner in (manager, member):
        ExpenseFactory(owner=owner, category=CategoryFactory(owner=owner))
        RestaurantFactory(owner=owner)
        TagFactory(owner=owner)
    return manager


@pytest.mark.parametrize("path", cursor_list_paths())
@pytest.mark.parametrize("crafted", CRAFTED_CURSORS.values(), ids=CRAFTED_CURSORS.keys())
def test_a_crafted_cursor_is_a_400_naming_the_cursor_or_a_page_on_every_list(
    manager_with_data, site_admin, api_client_for, path, crafted
):
    client = api_client_for(manager_with_data)
    if client.get(path).status_code == HTTPStatus.FORBIDDEN:  # a list for admins only (webhook endpoints)
        client = api_client_for(site_admin)
    response = client.get(f"{path}?{urlencode({'cursor': crafted})}")

    # A position any row could have ("abc" for a list ordered by name) is a page like any other.
    if response.status_code != HTTPStatus.OK:
        assert list(assert_problem(response)["errors"]) == ["cursor"]


@pytest.mark.parametrize("path", ["/api/v1/expenses/", "/api/v1/receipts/"])
def test_the_attacks_cursor_is_a_400_naming_the_cursor(manager_with_data, api_client_for, path):
    body = assert_problem(api_client_for(manager_with_data).get(path, {"cursor": "cD1hYmM="}))

    assert list(body["errors"]) == ["cursor"]


@pytest.mark.parametrize("ordering", ["-amount", "occurred_at", "party_size", "restaurant"])
def test_a_crafted_cursor_under_another_ordering_is_a_400(manager_with_data, api_client_for, ordering):
    for crafted in CRAFTED_CURSORS.values():
        response = api_client_for(manager_with_data).get(
            reverse("expenses_api:expense-list"), {"ordering": ordering, "cursor": crafted}
        )

        assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR, (crafted, response.content)


def test_a_real_cursor_still_pages(member, api_client_for):
    ExpenseFactory.create_batch(3, owner=member)
    client = api_client_for(member)

    first = client.get(reverse("expenses_api:expense-list"), {"page_size": 2}).json()
    second = client.get(first["next"]).json()

    assert len(first["results"]) == 2
    assert len(second["results"]) == 1
