"""A member's typed exchange rate is shown to the approver against the stored rate of the meal's day, and flagged
beyond the configured tolerance (the approval page and the API)."""

import datetime
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from expenses.choices import ExpenseStatus
from expenses.tests.factories import ExchangeRateFactory, ExpenseFactory

LIST = reverse("expenses_api:expense-list")

pytestmark = pytest.mark.django_db


@pytest.fixture
def meal_day():
    return timezone.now() - datetime.timedelta(days=1)


@pytest.fixture
def stored_rate(meal_day):
    return ExchangeRateFactory(currency="EUR", date=meal_day.date(), rate=Decimal("1.10000000"))


def submitted_meal(client, meal_day, **fields) -> dict:
    """A business meal the member records and submits through the API."""
    body = {"amount": "100.00", "currency": "EUR", "occurred_at": meal_day.isoformat(), "is_business": True}
    body["business_purpose"] = "Client dinner"
    created = client.post(LIST, {**body, **fields})
    assert created.status_code == HTTPStatus.CREATED, created.content
    expense_id = created.json()["id"]
    assert client.post(reverse("expenses_api:expense-submit", args=[expense_id])).status_code == HTTPStatus.OK
    return created.json()


def test_the_approver_sees_a_typed_rate_far_from_the_stored_one_flagged_on_the_api(
    member, manager, api_client_for, meal_day, stored_rate
):
    meal = submitted_meal(api_client_for(member), meal_day, exchange_rate="1.50")

    check = (
        api_client_for(manager)
        .get(reverse("expenses_api:expense-detail", args=[meal["id"]]))
        .json()["exchange_rate_check"]
    )

    assert check == {
        "rate": "1.50000000",
        "stored_rate": "1.10000000",
        "stored_on": meal_day.date().isoformat(),
        "deviation_percent": "36.36",
        "tolerance_percent": "2",
        "beyond_tolerance": True,
    }


def test_the_team_queue_on_the_api_carries_the_check_for_every_meal(
    member, manager, api_client_for, meal_day, stored_rate
):
    submitted_meal(api_client_for(member), meal_day, exchange_rate="1.50")
    submitted_meal(api_client_for(member), meal_day, exchange_rate="1.11")
    submitted_meal(api_client_for(member), meal_day)  # no rate typed: the stored one was used

    rows = api_client_for(manager).get(LIST, {"scope": "team", "status": "submitted"}).json()["results"]

    flags = sorted((row["exchange_rate"], row["exchange_rate_check"]["beyond_tolerance"]) for row in rows)
    assert flags == [("1.10000000", False), ("1.11000000", False), ("1.50000000", True)]


def test_the_approval_page_shows_the_typed_rate_against_the_stored_one(
    member, manager, api_client_for, web_client_for, meal_day, stored_rate
):
    submitted_meal(api_client_for(member), meal_day, exchange_rate="1.50")

    page = web_client_for(manager).get(reverse("approval_queue")).content.decode()

    assert "Exchange rate:</strong> 1.5 USD per EUR" in page
    assert "1.1 (36.36% apart)" in page
    assert "more than the 2% allowed" in page


def test_a_rate_within_the_tolerance_is_not_flagged(
    member, manager, api_client_for, web_client_for, meal_day, stored_rate
):
    submitted_meal(api_client_for(member), meal_day, exchange_rate="1.12")

    page = web_client_for(manager).get(reverse("approval_queue")).content.decode()

    assert "(1.82% apart)" in page
    assert "allowed" not in page


def test_the_tolerance_is_a_setting(member, manager, api_client_for, meal_day, stored_rate, settings):
    settings.EXCHANGE_RATE_TOLERANCE_PERCENT = Decimal("50")
    meal = submitted_meal(api_client_for(member), meal_day, exchange_rate="1.50")

    check = (
        api_client_for(manager)
        .get(reverse("expenses_api:expense-detail", args=[meal["id"]]))
        .json()["exchange_rate_check"]
    )

    assert (check["tolerance_percent"], check["beyond_tolerance"]) == ("50", False)


def test_a_typed_rate_with_no_stored_rate_to_compare_says_so(member, manager, api_client_for, web_client_for, meal_day):
    meal = submitted_meal(api_client_for(member), meal_day, exchange_rate="1.50")

    check = (
        api_client_for(manager)
        .get(reverse("expenses_api:expense-detail", args=[meal["id"]]))
        .json()["exchange_rate_check"]
    )
    page = web_client_for(manager).get(reverse("approval_queue")).content.decode()

    assert (check["stored_rate"], check["deviation_percent"], check["beyond_tolerance"]) == (None, None, False)
    assert "No stored rate for that day to compare" in page


def test_a_meal_in_the_reporting_currency_has_no_check(member, api_client_for):
    expense = ExpenseFactory(owner=member, status=ExpenseStatus.RECORDED)

    body = api_client_for(member).get(reverse("expenses_api:expense-detail", args=[expense.pk])).json()

    assert body["exchange_rate_check"] is None


def test_the_checks_of_a_page_cost_one_query(member, manager, api_client_for, meal_day, stored_rate):
    for rate in ("1.50", "1.40", "1.30", "1.20", "1.11"):
        submitted_meal(api_client_for(member), meal_day, exchange_rate=rate)

    with CaptureQueriesContext(connection) as page:
        api_client_for(manager).get(LIST, {"scope": "team"})

    assert len([query for query in page.captured_queries if "exchangerate" in query["sql"].lower()]) == 1
