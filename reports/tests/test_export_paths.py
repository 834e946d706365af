"""The expense CSV has two writers: Python formats each row (SQLite, and JSON/XLSX/PDF everywhere), PostgreSQL
formats them in its query (reports/services/exports_postgresql.py). On PostgreSQL both must give the same bytes."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection

from accounts.tests.factories import UserFactory
from expenses.models import Expense
from expenses.tests.factories import (
    AttendeeFactory,
    CategoryFactory,
    ExpenseFactory,
    ExpenseTagFactory,
    MerchantFactory,
    RestaurantFactory,
    TagFactory,
)
from reports.services import exports, exports_postgresql

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the database-formatted path is PostgreSQL's"),
]
UTC = datetime.UTC


def python_csv(expenses) -> str:
    rows = (exports._expense_csv_row(row) for row in exports.expense_rows(expenses))
    return "".join(exports.csv_stream(exports.EXPENSE_COLUMNS, rows, prepared=True))


def database_csv(expenses) -> str:
    return "".join(exports.csv_lines_stream(exports.EXPENSE_COLUMNS, exports_postgresql.expense_csv_lines(expenses)))


def test_both_writers_give_the_same_bytes_for_awkward_rows():
    kolkata = UserFactory(timezone="Asia/Kolkata", email="+plus@example.com")  # half-hour offset, formula-ish e-mail
    new_york = UserFactory(timezone="America/New_York")
    chain = RestaurantFactory(
        owner=kolkata, merchant=MerchantFactory(short_name="Spoon"), name='Quote "and", comma', location_name="-Pier",
        address_line_1="1 Main St", address_line_2="Unit 4", city="=Calc", region="", postal_code="02110",
        country="US", place_id="ChIJ-place", cuisine="@Thai",
    )  # fmt: skip
    line_two_only = RestaurantFactory(owner=new_york, address_line_1="", address_line_2="Back door", place_id=None)
    category = CategoryFactory(owner=kolkata, name="+Client")
    first = ExpenseFactory(
        owner=kolkata, restaurant=chain, category=category, business=True, payment_method="card",
        occurred_at=datetime.datetime(2026, 3, 1, 20, 0, tzinfo=UTC), cleared_on=datetime.date(2026, 3, 4),
        notes="line one\nline two", business_purpose="-dash", party_size=4,
    )  # fmt: skip
    # A guest whose name starts like a formula, one with a comma in the company, a colleague written with an e-mail.
    AttendeeFactory(expense=first, name="\tTabbed", position=2)
    AttendeeFactory(expense=first, name='Ann "A"', company="ACME, Inc.", relationship="client", position=0)
    AttendeeFactory(expense=first, user=new_york, name=str(new_york), position=1)
    for name in ["zeta", "Alpha", "-minus", "beta"]:
        ExpenseTagFactory(expense=first, tag=TagFactory(owner=kolkata, name=name))
    ExpenseFactory(
        owner=new_york, restaurant=line_two_only, currency="EUR", amount=Decimal("33.33"), tax=Decimal("0"),
        tip=Decimal("0"), reporting_amount=Decimal("36.04"), exchange_rate=Decimal("1.08123456"),
        occurred_at=datetime.datetime(2026, 3, 8, 6, 59, 59, 123456, tzinfo=UTC),  # the night clocks change
    )  # fmt: skip
    ExpenseFactory(
        owner=new_york, restaurant=None, notes="@mention", occurred_at=datetime.datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    )
    ExpenseFactory(
        owner=kolkata, restaurant=None, notes="", occurred_at=datetime.datetime(2025, 12, 31, 18, 45, tzinfo=UTC)
    )

    expenses = Expense.objects.all()
    text = database_csv(expenses)

    assert text == python_csv(expenses)
    assert text.count("\r\n") >= 5
    assert "'=Calc" in text
    assert "'+Client" in text
    assert '"line one\nline two"' in text
    assert '"Quote ""and"", comma"' in text
    assert "'-minus,Alpha,beta,zeta" in text  # code-point order, neutralised because it starts with a hyphen
    assert f'"Ann ""A"" | ACME, Inc. | client; {new_york} <{new_york.email}>; \tTabbed"' in text


def test_the_database_writer_keeps_to_the_filtered_list():
    kept = ExpenseFactory(occurred_at=datetime.datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    ExpenseFactory(occurred_at=datetime.datetime(2026, 2, 2, 12, 0, tzinfo=UTC))
    expenses = Expense.objects.filter(occurred_at__gte=datetime.datetime(2026, 3, 1, tzinfo=UTC))

    lines = list(exports_postgresql.expense_csv_lines(expenses))

    assert [line.split(",")[0] for line in lines] == [str(kept.pk)]
    assert database_csv(expenses) == python_csv(expenses)
