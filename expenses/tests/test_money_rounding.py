"""Money on every surface is rounded once, half-up, to its currency's minor unit (mealtracker/money.py).

JPY has no decimals: a yen amount with a fraction is refused in the currency's words, and per-person figures
are whole yen on the API and the web pages. Averages and totals round half-up, never half-even.
"""

import datetime
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from expenses.models import Expense
from expenses.tests.factories import ExpenseFactory, RestaurantFactory
from mealtracker.money import format_money

LIST = reverse("expenses_api:expense-list")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def yesterday() -> str:
    return (timezone.now() - datetime.timedelta(days=1)).isoformat()


def yen_dinner(owner, **fields) -> Expense:
    values = {"amount": Decimal("1000"), "tax": Decimal(0), "tip": Decimal(0), "currency": "JPY", "party_size": 3}
    values.update(fields)
    return ExpenseFactory(owner=owner, exchange_rate=Decimal("0.0067"), reporting_amount=Decimal("6.70"), **values)


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"amount": "1000.5", "currency": "JPY", "exchange_rate": "0.0067"}, "amount", "JPY takes no decimals."),
        (
            {"amount": "1000", "tip": "0.5", "currency": "JPY", "exchange_rate": "0.0067"},
            "tip",
            "JPY takes no decimals.",
        ),
        ({"amount": "1000.505", "currency": "JPY", "exchange_rate": "0.0067"}, "amount", "JPY takes no decimals."),
        ({"amount": "10.005"}, "amount", "USD amounts have at most two decimal places."),
    ],
)
def test_an_amount_finer_than_its_currency_is_refused_in_the_currencys_words(
    payload, field, message, member, api_client_for
):
    response = api_client_for(member).post(LIST, {"occurred_at": yesterday(), **payload})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"][field] == [message]
    assert not Expense.objects.exists()


def test_a_yen_amount_is_written_without_decimals_and_its_per_person_figure_in_whole_yen(member, api_client_for):
    response = api_client_for(member).post(
        LIST,
        {"amount": "1000", "currency": "JPY", "exchange_rate": "0.0067", "party_size": 3, "occurred_at": yesterday()},
    )

    assert response.status_code == HTTPStatus.CREATED
    body = response.json()
    assert (body["amount"], body["tax"], body["tip"], body["per_person_amount"]) == ("1000", "0", "0", "333")
    assert (body["reporting_amount"], body["reporting_currency"]) == ("6.70", "USD")


def test_a_yen_expense_read_back_shows_whole_yen_per_person(member, api_client_for):
    expense = yen_dinner(member, amount=Decimal("1001"), party_size=2)  # 500.5 yen each rounds half-up

    body = api_client_for(member).get(reverse("expenses_api:expense-detail", args=[expense.pk])).json()

    assert body["per_person_amount"] == "501"


def test_the_expense_page_shows_a_yen_per_person_figure_without_decimals(member, web_client_for):
    expense = yen_dinner(member)

    body = web_client_for(member).get(reverse("expense_detail", args=[expense.pk])).content.decode()

    assert "¥333 per person" in body
    assert "¥333.33" not in body


def test_the_web_form_refuses_a_yen_fraction_in_the_currencys_words(member, web_client_for):
    data = {
        "amount": "1000.5", "currency": "JPY", "exchange_rate": "0.0067", "meal_type": "lunch",
        "order_type": "dine_in", "party_size": "1", "tax": "0", "tip": "0",
        "occurred_at": (timezone.now() - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
    }  # fmt: skip

    response = web_client_for(member).post(reverse("expense_create"), data)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.context["form"].errors["amount"] == ["JPY takes no decimals."]
    assert not Expense.objects.exists()


def test_list_totals_round_the_average_per_person_half_up(member, api_client_for):
    ExpenseFactory(owner=member, amount=Decimal("10.05"), party_size=2)  # 5.025 a head

    body = api_client_for(member).get(LIST).json()

    assert body["totals"]["average_per_person"] == "5.03"


def test_the_restaurant_list_rounds_the_average_per_person_half_up(member, web_client_for):
    restaurant = RestaurantFactory(owner=member)
    ExpenseFactory(owner=member, restaurant=restaurant, amount=Decimal("10.05"), party_size=2)

    response = web_client_for(member).get(reverse("restaurant_list"))

    listed = next(r for r in response.context["restaurants"] if r.pk == restaurant.pk)
    assert listed.per_person == Decimal("5.03")


def test_report_averages_round_half_up(member, api_client_for):
    ExpenseFactory(owner=member, amount=Decimal("10.05"), party_size=2)
    today = timezone.localdate().isoformat()
    since = (timezone.localdate() - datetime.timedelta(days=3)).isoformat()

    body = (
        api_client_for(member)
        .get(reverse("reports_api:report", args=["summary"]), {"date_from": since, "date_to": today})
        .json()
    )

    assert body["rows"][0]["average_per_person"] == "5.03"


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        (Decimal("0.125"), "USD", "$0.13"),  # Babel alone would round half-even to $0.12
        (Decimal("2.5"), "JPY", "¥3"),
        (Decimal("333.33"), "JPY", "¥333"),
    ],
)
def test_formatted_money_rounds_half_up_to_the_currencys_digits(amount, currency, shown):
    assert format_money(amount, currency) == shown
