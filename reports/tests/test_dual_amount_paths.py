"""Dual-amount foreign meals on every path through the reports app: the card's amount is imported, exported with
the rate's source and date, broken down in the reports, and kept by a backup's restore."""

import csv
import datetime
import io
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse

from expenses.choices import RateSource
from expenses.models import Expense
from expenses.services import expense_create
from expenses.tests.factories import ExchangeRateFactory
from reports.selectors.reports import breakdown_report
from reports.selectors.scope import ReportFilters
from reports.services.imports import import_batch_apply, import_batch_create
from reports.tests.conftest import local

pytestmark = pytest.mark.django_db


@pytest.fixture
def euro_rate():
    return ExchangeRateFactory(currency="EUR", date=datetime.date(2026, 3, 1), rate=Decimal("1.08"))


def test_an_imported_row_with_the_card_amount_takes_its_rate_from_the_card(member, euro_rate):
    payload = b"date,time,amount,currency,card_charged,card_currency\n2026-03-02,12:30,40.00,EUR,44.20,USD\n"

    batch = import_batch_create(owner=member, filename="card.csv", payload=payload)
    import_batch_apply(batch=batch, actor=member)

    expense = Expense.objects.get(owner=member)
    assert (expense.reporting_amount, expense.rate_source, expense.card_fee) == (
        Decimal("44.20"),
        RateSource.CARD,
        Decimal("1.00"),
    )


@pytest.mark.parametrize(
    ("file_rate", "source", "rate_date"),
    [
        ("1.08000000", RateSource.STORED, datetime.date(2026, 3, 1)),  # the stored rate of the day: still "stored"
        ("1.20", RateSource.TYPED, datetime.date(2026, 3, 2)),  # a rate that is not ours: kept, and called typed
    ],
)
def test_an_exported_stored_rate_stays_stored_only_when_it_is_the_rate_stored_here(
    member, euro_rate, file_rate, source, rate_date
):
    payload = f"date,time,amount,currency,exchange_rate,rate_source\n2026-03-02,12:30,40.00,EUR,{file_rate},stored\n"

    batch = import_batch_create(owner=member, filename="rates.csv", payload=payload.encode())
    import_batch_apply(batch=batch, actor=member)

    expense = Expense.objects.get(owner=member)
    assert (expense.exchange_rate, expense.rate_source, expense.rate_date) == (Decimal(file_rate), source, rate_date)


def test_a_card_amount_imports_even_when_no_rate_is_stored_for_the_day(member):
    payload = b"date,amount,currency,charged_amount\n2026-03-02,4000,JPY,27.31\n"

    batch = import_batch_create(owner=member, filename="card.csv", payload=payload)
    import_batch_apply(batch=batch, actor=member)

    assert Expense.objects.get(owner=member).exchange_rate == Decimal("0.00682750")


def test_the_export_says_which_rate_converted_each_meal(member, api_client_for, euro_rate):
    expense_create(owner=member, amount=Decimal("40.00"), currency="EUR", occurred_at=local(2026, 3, 2, 12, 30),
                   charged_amount=Decimal("44.20"))  # fmt: skip
    expense_create(owner=member, amount=Decimal("10.00"), currency="EUR", occurred_at=local(2026, 3, 3, 12, 30))

    response = api_client_for(member).get(
        reverse("reports_api:export-expenses", args=["csv"]), {"date_from": "2026-03-01", "date_to": "2026-03-31"}
    )

    assert response.status_code == HTTPStatus.OK
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [(r["rate_source"], r["rate_date"], r["charged_amount"], r["card_fee"]) for r in rows] == [
        ("card", "2026-03-02", "44.20", "1.00"),
        ("stored", "2026-03-01", "", ""),
    ]


def test_a_report_breaks_spending_down_by_the_rate_used(member, euro_rate):
    day = local(2026, 3, 2, 12, 30)
    expense_create(owner=member, amount=Decimal("40.00"), currency="EUR", occurred_at=day,
                   charged_amount=Decimal("44.20"))  # fmt: skip
    expense_create(owner=member, amount=Decimal("10.00"), currency="EUR", occurred_at=day)
    expense_create(owner=member, amount=Decimal("5.00"), currency="USD", occurred_at=day)
    filters = ReportFilters(date_from=datetime.date(2026, 3, 1), date_to=datetime.date(2026, 3, 31))

    report = breakdown_report(member, filters, by="rate_source")

    assert [(row["label"], row["total"]) for row in report.rows] == [
        ("Card statement", Decimal("44.20")),
        ("Stored reference rate", Decimal("10.80")),
        ("No conversion", Decimal("5.00")),
    ]


def test_the_workbook_writes_the_card_amount_in_the_cards_currency(member, api_client_for, euro_rate):
    import openpyxl

    expense_create(owner=member, amount=Decimal("40.00"), currency="EUR", occurred_at=local(2026, 3, 2, 12, 30),
                   charged_amount=Decimal("44.20"))  # fmt: skip

    response = api_client_for(member).get(
        reverse("reports_api:export-expenses", args=["xlsx"]), {"date_from": "2026-03-01", "date_to": "2026-03-31"}
    )

    assert response.status_code == HTTPStatus.OK
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows())
    header = next(index for index, row in enumerate(rows) if any(cell.value == "Card charged" for cell in row))
    column = [cell.value for cell in rows[header]].index("Card charged")
    charged = rows[header + 1][column]
    assert Decimal(str(charged.value)) == Decimal("44.20")
    assert '"USD"' in charged.number_format
