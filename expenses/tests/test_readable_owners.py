"""Whose meals a manager reads is asked once a request, and asked afresh by the next one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from expenses.selectors import expenses_visible_to
from expenses.tests.factories import ExpenseFactory
from mealtracker.request_context import request_cache

pytestmark = pytest.mark.django_db


def _team_reads(queries) -> int:
    return sum('FROM "accounts_user" WHERE "accounts_user"."team_id" IN' in q["sql"] for q in queries)


def test_the_reports_page_reads_a_managers_team_once(web_client_for, manager, member):
    ExpenseFactory(owner=member)
    client = web_client_for(manager)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reports"), {"scope": "team"})
    assert response.status_code == 200
    assert _team_reads(queries.captured_queries) == 1  # the page builds seven reports


def test_a_member_moved_out_of_the_team_leaves_the_managers_list_at_the_next_request(
    api_client_for, manager, member, team_b
):
    meal = ExpenseFactory(owner=member)
    client = api_client_for(manager)
    listed = lambda: [row["id"] for row in client.get("/api/v1/expenses/", {"scope": "team"}).json()["results"]]  # noqa: E731
    assert listed() == [meal.pk]

    member.team = team_b
    member.save(update_fields=["team"])

    assert listed() == []


def test_outside_a_request_nothing_is_kept(manager, member):
    assert request_cache() is None
    ExpenseFactory(owner=member)
    assert expenses_visible_to(manager).count() == 1
    member.team = None
    member.save(update_fields=["team"])
    assert expenses_visible_to(manager).count() == 0
