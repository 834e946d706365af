"""Amounts and rates beyond what the columns hold are refused on their field; totals of huge amounts still render."""

import datetime
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from expenses.models import Expense
from expenses.tests.factories import ExpenseFactory
from mealtracker.money import MAX_AMOUNT, MAX_EXCHANGE_RATE

LIST = reverse("expenses_api:expense-list")
HUGE = "9999999999.99"
HUGE_RATE = "9999999999.99999999"

pytestmark = pytest.mark.django_db


def yesterday() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=1)


def web_form(**overrides):
    return {
        "amount": "42.50",
        "currency": "USD",
        "occurred_at": yesterday().strftime("%Y-%m-%dT%H:%M"),
        "meal_type": "lunch",
        "order_type": "dine_in",
        "party_size": "1",
        **overrides,
    }


def test_the_bounds_are_what_the_columns_hold():
    assert Decimal(HUGE) == MAX_AMOUNT
    assert Decimal(HUGE_RATE) == MAX_EXCHANGE_RATE


def test_an_amount_times_a_rate_beyond_any_column_is_a_400_naming_the_rate(member, api_client_for):
    response = api_client_for(member).post(
        LIST, {"amount": HUGE, "currency": "EUR", "exchange_rate": HUGE_RATE, "occurred_at": yesterday().isoformat()}
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == ["exchange_rate"]
    assert not Expense.objects.exists()


def test_changing_the_rate_of_a_huge_meal_beyond_the_columns_is_a_400(member, api_client_for):
    expense = ExpenseFactory(owner=member, amount=Decimal(HUGE), currency="EUR", reporting_amount=Decimal("1.00"))

    response = api_client_for(member).patch(
        reverse("expenses_api:expense-detail", args=[expense.pk]), {"exchange_rate": "2"}
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()["errors"]) == ["exchange_rate"]


def test_a_rate_that_converts_an_amount_to_nothing_is_a_400_not_a_constraint_error(member, api_client_for):
    response = api_client_for(member).post(
        LIST,
        {"amount": "0.01", "currency": "EUR", "exchange_rate": "0.00000001", "occurred_at": yesterday().isoformat()},
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()["errors"]) == ["exchange_rate"]


def test_an_amount_with_more_digits_than_the_column_is_a_400_naming_it(member, api_client_for):
    response = api_client_for(member).post(LIST, {"amount": "10000000000.00", "occurred_at": yesterday().isoformat()})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()["errors"]) == ["amount"]


def test_the_web_form_refuses_an_overflowing_rate_on_its_field(member, web_client_for):
    response = web_client_for(member).post(
        reverse("expense_create"), web_form(amount=HUGE, currency="EUR", exchange_rate=HUGE_RATE)
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "exchange_rate" in response.context["form"].errors
    assert not Expense.objects.exists()


@pytest.fixture
def two_huge_meals(member):
    # The largest meals an amount can hold, twice: their sum has more digits than one amount.
    return ExpenseFactory.create_batch(
        2, owner=member, amount=Decimal(HUGE), reporting_amount=Decimal(HUGE), tax=Decimal(0), tip=Decimal(0)
    )


def test_the_members_list_totals_huge_meals(two_huge_meals, member, api_client_for):
    response = api_client_for(member).get(LIST)

    assert response.status_code == HTTPStatus.OK
    assert response.json()["totals"]["total"] == "19999999999.98"


def test_the_managers_team_list_totals_huge_meals(two_huge_meals, manager, api_client_for):
    response = api_client_for(manager).get(LIST, {"scope": "team"})

    assert response.status_code == HTTPStatus.OK
    assert response.json()["totals"]["total"] == "19999999999.98"


@pytest.mark.parametrize(("who", "page"), [("member", "expense_list"), ("manager", "team_expense_list")])
def test_the_web_lists_total_huge_meals(two_huge_meals, request, web_client_for, who, page):
    response = web_client_for(request.getfixturevalue(who)).get(reverse(page))

    assert response.status_code == HTTPStatus.OK
    assert "19,999,999,999.98" in response.text
