"""Dual-amount foreign entry: the menu's amount in its currency and what the card charged in the member's; the rate
and the card's fee are derived and stored with their source and date (expenses/services/currency.py)."""

import datetime
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from expenses.choices import RateSource
from expenses.models import Expense
from expenses.services import expense_create, expense_update
from expenses.services.expenses import expenses_create_many
from expenses.tests.factories import ExchangeRateFactory
from mealtracker.errors import DomainError

pytestmark = pytest.mark.django_db

LUNCH = timezone.make_aware(datetime.datetime(2026, 3, 10, 12, 30), datetime.UTC)
DAY = datetime.date(2026, 3, 10)


@pytest.fixture
def euro_rate():
    return ExchangeRateFactory(currency="EUR", date=DAY - datetime.timedelta(days=1), rate=Decimal("1.08000000"))


def test_the_card_amount_fixes_the_reporting_amount_and_the_rate_it_implies(member, euro_rate):
    expense = expense_create(
        owner=member, amount=Decimal("40.00"), currency="EUR", occurred_at=LUNCH, charged_amount=Decimal("44.20")
    )

    expense.refresh_from_db()
    assert expense.reporting_amount == Decimal("44.20")
    assert expense.exchange_rate == Decimal("1.10500000")
    assert (expense.rate_source, expense.rate_date, expense.charged_currency) == (RateSource.CARD, DAY, "USD")


def test_the_card_fee_is_the_charge_over_the_stored_rate_of_the_day(member, euro_rate):
    expense = expense_create(
        owner=member, amount=Decimal("40.00"), currency="EUR", occurred_at=LUNCH, charged_amount=Decimal("44.20")
    )

    assert expense.card_fee == Decimal("1.00")  # 44.20 - 40.00 x 1.08


def test_without_a_stored_rate_the_card_amount_still_converts_but_no_fee_is_known(member):
    expense = expense_create(
        owner=member, amount=Decimal("4000"), currency="JPY", occurred_at=LUNCH, charged_amount=Decimal("27.31")
    )

    assert (expense.reporting_amount, expense.exchange_rate, expense.card_fee) == (
        Decimal("27.31"),
        Decimal("0.00682750"),
        None,
    )


def test_a_stored_rate_is_recorded_with_its_own_date(member, euro_rate):
    expense = expense_create(owner=member, amount=Decimal("40.00"), currency="EUR", occurred_at=LUNCH)

    assert (expense.rate_source, expense.rate_date, expense.exchange_rate) == (
        RateSource.STORED,
        euro_rate.date,
        Decimal("1.08"),
    )


def test_a_typed_rate_is_recorded_as_typed_on_the_meals_day(member):
    expense = expense_create(
        owner=member, amount=Decimal("40.00"), currency="EUR", occurred_at=LUNCH, exchange_rate=Decimal("1.2")
    )

    assert (expense.rate_source, expense.rate_date, expense.reporting_amount) == (
        RateSource.TYPED,
        DAY,
        Decimal("48.00"),
    )


def test_a_meal_in_the_reporting_currency_has_no_conversion(member):
    expense = expense_create(owner=member, amount=Decimal("12.00"), currency="USD", occurred_at=LUNCH)

    assert (expense.rate_source, expense.rate_date, expense.card_fee) == (RateSource.SAME, None, None)


def test_a_card_amount_in_the_meals_own_currency_is_refused_on_the_card_currency(member):
    with pytest.raises(DomainError) as refused:
        expense_create(owner=member, amount=Decimal("12.00"), currency="USD", occurred_at=LUNCH,
                       charged_amount=Decimal("12.50"))  # fmt: skip

    assert refused.value.field == "charged_currency"


def test_a_card_amount_with_too_many_decimals_for_its_currency_is_refused(member):
    with pytest.raises(DomainError) as refused:
        expense_create(owner=member, amount=Decimal("40"), currency="EUR", occurred_at=LUNCH,
                       charged_amount=Decimal("10.5"), charged_currency="JPY")  # fmt: skip

    assert refused.value.field == "charged_amount"


def test_a_card_in_a_third_currency_converts_its_charge_at_the_stored_rate(member, euro_rate):
    ExchangeRateFactory(currency="GBP", date=DAY, rate=Decimal("1.25000000"))

    expense = expense_create(owner=member, amount=Decimal("40.00"), currency="EUR", occurred_at=LUNCH,
                             charged_amount=Decimal("35.20"), charged_currency="GBP")  # fmt: skip

    assert expense.reporting_amount == Decimal("44.00")
    assert expense.card_fee == Decimal("0.64")  # 35.20 - 40 x 1.08 / 1.25 (34.56)


def test_changing_the_menu_amount_derives_the_rate_again_from_the_card(member, euro_rate):
    expense = expense_create(
        owner=member, amount=Decimal("40.00"), currency="EUR", occurred_at=LUNCH, charged_amount=Decimal("44.20")
    )

    updated = expense_update(expense=expense, actor=member, amount=Decimal("34.00"))

    assert (updated.reporting_amount, updated.exchange_rate) == (Decimal("44.20"), Decimal("1.30000000"))


def test_removing_the_card_amount_falls_back_to_the_stored_rate(member, euro_rate):
    expense = expense_create(
        owner=member, amount=Decimal("40.00"), currency="EUR", occurred_at=LUNCH, charged_amount=Decimal("44.20")
    )

    updated = expense_update(expense=expense, actor=member, charged_amount=None)

    assert (updated.rate_source, updated.charged_currency, updated.card_fee) == (RateSource.STORED, "", None)
    assert updated.reporting_amount == Decimal("43.20")


def test_the_bulk_path_derives_the_same_as_one_at_a_time(member, euro_rate):
    draft = {"amount": Decimal("40.00"), "currency": "EUR", "occurred_at": LUNCH, "charged_amount": Decimal("44.20")}

    [bulk] = expenses_create_many(owner=member, drafts=[draft])
    single = expense_create(owner=member, **draft)

    fields = ["reporting_amount", "exchange_rate", "rate_source", "rate_date", "charged_currency", "card_fee"]
    assert [getattr(bulk, f) for f in fields] == [getattr(single, f) for f in fields]


def test_the_api_takes_both_amounts_and_answers_the_derived_rate_and_fee(member, api_client_for, euro_rate):
    response = api_client_for(member).post(
        reverse("expenses_api:expense-list"),
        {"amount": "40.00", "currency": "EUR", "occurred_at": LUNCH.isoformat(), "charged_amount": "44.20"},
        format="json",
    )

    assert response.status_code == HTTPStatus.CREATED, response.json()
    body = response.json()
    assert (body["charged_amount"], body["charged_currency"], body["card_fee"]) == ("44.20", "USD", "1.00")
    assert (body["exchange_rate"], body["rate_source"], body["rate_date"]) == ("1.10500000", "card", "2026-03-10")


def test_the_api_names_the_card_currency_when_it_is_the_meals_own(member, api_client_for):
    response = api_client_for(member).post(
        reverse("expenses_api:expense-list"),
        {"amount": "40.00", "currency": "USD", "occurred_at": LUNCH.isoformat(), "charged_amount": "44.20"},
        format="json",
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "charged_currency" in response.json()["errors"]


def test_the_rate_source_and_fee_are_read_only_in_the_api(member, api_client_for, euro_rate):
    response = api_client_for(member).post(
        reverse("expenses_api:expense-list"),
        {"amount": "40.00", "currency": "EUR", "occurred_at": LUNCH.isoformat(), "rate_source": "typed",
         "card_fee": "0.00"},
        format="json",
    )  # fmt: skip

    assert response.status_code == HTTPStatus.CREATED
    assert Expense.objects.get().rate_source == RateSource.STORED


def test_the_web_form_takes_the_card_amount(member, web_client_for, euro_rate):
    response = web_client_for(member).post(
        reverse("expense_create"),
        {"amount": "40.00", "currency": "EUR", "occurred_at": "2026-03-10T12:30", "meal_type": "lunch",
         "order_type": "dine_in", "party_size": "1", "tax": "0", "tip": "0", "fees": "0",
         "charged_amount": "44.20"},
    )  # fmt: skip

    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
    expense = Expense.objects.get()
    assert (expense.reporting_amount, expense.rate_source) == (Decimal("44.20"), RateSource.CARD)


def test_the_expense_page_says_which_rate_was_used(member, web_client_for, euro_rate):
    expense = expense_create(
        owner=member, amount=Decimal("40.00"), currency="EUR", occurred_at=LUNCH, charged_amount=Decimal("44.20")
    )

    page = web_client_for(member).get(reverse("expense_detail", args=[expense.pk])).content.decode()

    assert "Card statement" in page
    assert "card fee" in page.lower()


def test_the_admin_form_takes_the_card_amount_and_shows_the_rates_record(site_admin, member, web_client_for, euro_rate):
    expense = expense_create(
        owner=member, amount=Decimal("40.00"), currency="EUR", occurred_at=LUNCH, charged_amount=Decimal("44.20")
    )
    client = web_client_for(site_admin)

    add_page = client.get(reverse("admin:expenses_expense_add")).content.decode()
    change_page = client.get(reverse("admin:expenses_expense_change", args=[expense.pk])).content.decode()

    assert 'name="charged_amount"' in add_page
    assert 'name="charged_currency"' in add_page
    assert 'name="card_fee"' not in change_page  # derived: shown, not typed
    assert "Card statement" in change_page


def test_the_api_reads_the_card_currency_in_any_case(member, api_client_for, euro_rate):
    response = api_client_for(member).post(
        reverse("expenses_api:expense-list"),
        {"amount": "40.00", "currency": "EUR", "occurred_at": LUNCH.isoformat(), "charged_amount": "44.20",
         "charged_currency": "usd"},
        format="json",
    )  # fmt: skip

    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["charged_currency"] == "USD"
