"""Reports of "my share": what I ate (my part of split meals, and what I owe for meals others paid) instead of what
I paid, on the report API and page, aggregated by the database."""

import datetime
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from expenses.services.splits import expense_split
from expenses.tests.factories import ExpenseFactory
from expenses.tests.split_factories import dinner_with, key_of

pytestmark = pytest.mark.django_db
D = Decimal


def _yesterday():
    return timezone.now() - datetime.timedelta(days=1)


@pytest.fixture
def meals(member, teammate):
    """The member paid a 100.00 dinner split 60/40 with the teammate and an unsplit 15.00 lunch; the teammate paid
    a 50.00 dinner split evenly with the member."""
    dinner = dinner_with(member, teammate, amount="100.00", tax="0", tip="0", occurred_at=_yesterday())
    expense_split(expense=dinner, actor=member, method="shares", weights={"owner": 3, key_of(dinner, teammate): 2})
    ExpenseFactory(owner=member, amount=D("15.00"), tax=D("0"), tip=D("0"), occurred_at=_yesterday())
    theirs = dinner_with(teammate, member, amount="50.00", tax="0", tip="0", occurred_at=_yesterday())
    expense_split(expense=theirs, actor=teammate, method="even")


def _summary(client, **params):
    return client.get(reverse("reports_api:report", args=["summary"]), params)


def test_what_i_paid_counts_whole_bills_of_my_meals(meals, member, api_client_for):
    row = _summary(api_client_for(member)).json()["rows"][0]

    assert (row["total"], row["visits"], row["people"]) == ("115.00", 2, 3)


def test_my_share_counts_my_part_of_every_meal_i_ate(meals, member, api_client_for):
    row = _summary(api_client_for(member), basis="share").json()["rows"][0]

    assert (row["total"], row["visits"], row["people"]) == ("100.00", 3, 3)  # 60 + 15 + 25


def test_the_other_person_sees_their_own_share(meals, teammate, api_client_for):
    row = _summary(api_client_for(teammate), basis="share").json()["rows"][0]

    assert row["total"] == "65.00"  # 40 of the member's dinner + 25 of their own


def test_my_share_breaks_down_by_restaurant_and_month(meals, member, api_client_for):
    client = api_client_for(member)
    totals = client.get(reverse("reports_api:report", args=["totals"]), {"basis": "share", "period": "month"})

    assert sum(D(row["total"]) for row in totals.json()["rows"]) == D("100.00")


def test_my_share_is_a_report_of_ones_own_meals(manager, api_client_for):
    response = _summary(api_client_for(manager), basis="share", scope="team")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "basis" in response.json()["errors"]


def test_an_unknown_basis_is_refused(member, api_client_for):
    response = _summary(api_client_for(member), basis="eaten")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "basis" in response.json()["errors"]


def test_the_report_page_switches_to_my_share(meals, member, web_client_for):
    page = web_client_for(member).get(reverse("reports"), {"basis": "share"}).content.decode()

    assert 'name="basis"' in page
    assert "$100.00" in page


def test_an_export_of_my_share_lists_only_my_own_expenses(meals, member, api_client_for):
    response = api_client_for(member).get(reverse("reports_api:export-expenses", args=["csv"]), {"basis": "share"})

    assert response.status_code == HTTPStatus.OK
    assert b"".join(response.streaming_content if response.streaming else [response.content]).count(b"\n") == 3


def test_my_share_reads_a_constant_number_of_queries(member, teammate, api_client_for, django_assert_max_num_queries):
    client = api_client_for(member)

    def add(count):
        for _ in range(count):
            dinner = dinner_with(teammate, member, amount="20.00", tax="1.00", tip="2.00", occurred_at=_yesterday())
            expense_split(expense=dinner, actor=teammate, method="even")
            ExpenseFactory(owner=member, occurred_at=_yesterday())

    add(1)
    with django_assert_max_num_queries(20) as few:
        for kind in ("summary", "totals", "breakdown", "heatmap", "top-restaurants"):
            client.get(reverse("reports_api:report", args=[kind]), {"basis": "share"})
    add(6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        for kind in ("summary", "totals", "breakdown", "heatmap", "top-restaurants"):
            assert client.get(reverse("reports_api:report", args=[kind]), {"basis": "share"}).status_code == 200
