"""Export a selection: the expenses ticked in the list, `?ids=`, through the one expense filter (visibility first)."""

import csv
import io
import json
from http import HTTPStatus

import pytest
from django.urls import reverse

from expenses.tests.factories import ExpenseFactory

pytestmark = pytest.mark.django_db


def export(client, file_format, **params):
    return client.get(reverse("reports_api:export-expenses", args=[file_format]), params)


def exported_ids(response) -> list[int]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    rows = csv.DictReader(io.StringIO(body.decode("utf-8-sig")))
    return sorted(int(row["id"]) for row in rows)


@pytest.fixture
def meals(member):
    return [ExpenseFactory(owner=member) for _ in range(4)]


def test_only_the_ticked_expenses_are_exported(member, meals, api_client_for):
    chosen = sorted([meals[0].pk, meals[2].pk])

    response = export(api_client_for(member), "csv", ids=",".join(map(str, chosen)))

    assert response.status_code == HTTPStatus.OK
    assert exported_ids(response) == chosen


def test_repeated_ids_work_like_comma_separated_ones(member, meals, api_client_for):
    response = api_client_for(member).get(
        reverse("reports_api:export-expenses", args=["csv"]) + f"?ids={meals[1].pk}&ids={meals[3].pk}"
    )

    assert exported_ids(response) == sorted([meals[1].pk, meals[3].pk])


def test_ids_the_user_cannot_see_are_ignored(member, meals, outsider, api_client_for):
    theirs = ExpenseFactory(owner=outsider)

    response = export(api_client_for(member), "csv", ids=f"{meals[0].pk},{theirs.pk}")
    as_team = export(api_client_for(member), "csv", ids=str(theirs.pk), scope="team")

    assert exported_ids(response) == [meals[0].pk]
    assert as_team.status_code in (HTTPStatus.OK, HTTPStatus.FORBIDDEN)
    if as_team.status_code == HTTPStatus.OK:
        assert exported_ids(as_team) == []


def test_a_manager_may_export_a_ticked_team_meal(member, manager, meals, api_client_for):
    response = export(api_client_for(manager), "csv", ids=str(meals[0].pk), scope="team")

    assert exported_ids(response) == [meals[0].pk]


@pytest.mark.parametrize("ids", ["abc", "0", "1,,x", ",".join(str(n) for n in range(1, 1002))])
def test_ids_that_are_not_ids_are_a_400_naming_ids(member, meals, api_client_for, ids):
    response = export(api_client_for(member), "csv", ids=ids)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "ids" in response.json()["errors"]


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "pdf", "json"])
def test_every_format_exports_a_selection(member, meals, api_client_for, file_format):
    response = export(api_client_for(member), file_format, ids=str(meals[1].pk))

    assert response.status_code == HTTPStatus.OK
    if file_format == "json":
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert [row["id"] for row in json.loads(body)["expenses"]] == [meals[1].pk]


def test_the_list_has_a_box_per_meal_for_the_selection_form(member, meals, web_client_for):
    page = web_client_for(member).get(reverse("expense_list")).content.decode()

    assert page.count('name="ids"') == len(meals)
    assert 'form="export-selection"' in page
    assert 'id="export-selection"' in page
    for file_format in ("csv", "xlsx", "pdf", "json"):
        assert reverse("reports_api:export-expenses", args=[file_format]) in page
