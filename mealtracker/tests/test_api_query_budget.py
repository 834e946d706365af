"""Every API list runs the same number of SQL queries for 1 row as for 50 (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import TeamFactory
from expenses.tests.factories import (
    ApprovalEventFactory,
    CategoryFactory,
    ExpenseFactory,
    ExpenseTagFactory,
    MerchantFactory,
    ReceiptFactory,
    RestaurantFactory,
    TagFactory,
)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _expense(owner):
    expense = ExpenseFactory(
        owner=owner,
        category=CategoryFactory(owner=owner),
        restaurant=RestaurantFactory(owner=owner, merchant=MerchantFactory()),
    )
    ExpenseTagFactory(expense=expense)
    ReceiptFactory(expense=expense)
    return expense


def _team_expense(cast):
    return _expense(cast["teammate"])


def _team(cast):
    team = TeamFactory()
    team.managers.add(cast["manager"])
    return team


def _restaurant(cast):
    return RestaurantFactory(owner=cast["member"], merchant=MerchantFactory())


def _event(cast):
    return ApprovalEventFactory(expense=cast["business"], actor=cast["member"])


LISTS = [
    # (reader, URL name, URL kwargs, query string, makes one more row)
    ("member", "expenses_api:expense-list", None, {}, lambda c: _expense(c["member"])),
    ("manager", "expenses_api:expense-list", None, {"scope": "team"}, _team_expense),
    ("member", "expenses_api:expense-events", "business", {}, _event),
    ("member", "expenses_api:restaurant-list", None, {}, _restaurant),
    ("member", "expenses_api:category-list", None, {}, lambda c: CategoryFactory(owner=c["member"])),
    ("member", "expenses_api:tag-list", None, {}, lambda c: TagFactory(owner=c["member"])),
    ("member", "expenses_api:merchant-list", None, {}, lambda c: MerchantFactory()),
    ("member", "expenses_api:receipt-list", None, {}, lambda c: ReceiptFactory(expense__owner=c["member"])),
    ("manager", "accounts_api:team-list", None, {}, _team),
]  # fmt: skip


@pytest.mark.parametrize(("reader", "route", "kwargs", "query", "make_row"), LISTS, ids=[row[1] for row in LISTS])
def test_list_runs_a_constant_number_of_queries(
    reader, route, kwargs, query, make_row, member, teammate, manager, api_client_for, django_assert_num_queries
):
    cast = {"member": member, "teammate": teammate, "manager": manager}
    cast["business"] = ExpenseFactory(owner=member, business=True)
    url = reverse(route, kwargs={"pk": cast[kwargs].pk} if kwargs else None)
    client = api_client_for(cast[reader])
    make_row(cast)
    with CaptureQueriesContext(connection) as one_row:
        first = client.get(url, {**query, "page_size": 100})
    for _ in range(49):
        make_row(cast)

    with django_assert_num_queries(len(one_row)):
        response = client.get(url, {**query, "page_size": 100})

    assert first.status_code == response.status_code == 200
    rows = response.json() if isinstance(response.json(), list) else response.json()["results"]
    assert len(rows) >= 50
