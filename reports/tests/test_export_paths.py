"""The expense CSV has two writers: Python formats each row (SQLite, and JSON/XLSX/PDF everywhere), PostgreSQL
formats them in its query (reports/services/exports_postgresql.py). On PostgreSQL both must give the same bytes."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory
from expenses.choices import RateSource
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


def test_both_writers_agree_on_rows_that_share_owners_restaurants_and_categories():
    """Owners', restaurants' and categories' cells are written once per export and reused, tags and attendees are
    gathered for the whole list: every row still gets its own, in (occurred_at, id) order."""
    dash = UserFactory(timezone="Pacific/Chatham", email="-dash@example.com")  # +12:45 / +13:45
    plain = UserFactory(timezone="UTC")
    shared = RestaurantFactory(
        owner=dash, name='@Home, "Best"', location_name="", address_line_1="1 Quay", address_line_2="",
        city="Wellington", region="\tTabbed", postal_code="+6011", country="NZ", place_id=None, cuisine="Café",
    )  # fmt: skip
    category = CategoryFactory(owner=dash, name="@Team")
    same_moment = datetime.datetime(2026, 4, 5, 13, 45, 0, 100, tzinfo=UTC)
    step = datetime.timedelta(microseconds=499_999)
    texts = ["\rstarts with CR", "'already quoted", "Ünïcode ✓", "=1+1", '+1 "quoted", with comma', "", "-"]
    expenses = []
    for index, notes in enumerate(texts):
        expenses.append(
            ExpenseFactory(
                owner=dash if index % 2 else plain, restaurant=shared if index != 3 else None,
                category=category if index % 3 else None, notes=notes, business=index % 2 == 0,
                business_purpose=texts[-1 - index] or "Client lunch",
                occurred_at=same_moment if index < 3 else same_moment + index * step,
                charged_amount=Decimal("12.30") if index == 1 else None, charged_currency="EUR" if index == 1 else "",
                card_fee=Decimal("0.37") if index == 1 else None, rate_source=RateSource.CARD if index == 1 else "same",
                rate_date=datetime.date(2026, 2, 28) if index == 1 else None, fees=Decimal("1.25"),
            )
        )  # fmt: skip
    Expense.objects.filter(pk=expenses[0].pk).update(
        created_at=datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        updated_at=datetime.datetime(2026, 1, 2, 3, 4, 5, 120_000, tzinfo=UTC),  # trailing zeros kept: .120000
    )
    # Many tags, in code-point order (capitals, digits and accented letters apart), one starting like a formula.
    names = ["Zulu", "alpha", "Écru", "éclair", "9lives", "-dash", "beta-2", "Beta", "ALPHA2", "zz", "a", "B"]
    for name in names:
        ExpenseTagFactory(expense=expenses[1], tag=TagFactory(owner=dash, name=name))
    ExpenseTagFactory(expense=expenses[2], tag=TagFactory(owner=plain, name="solo"))
    # Attendees: a formula-like name with quotes, a company over two lines, a relationship without a company,
    # a colleague, two at the same position (then by id).
    AttendeeFactory(expense=expenses[1], name='=HYPERLINK("x")', position=0)
    AttendeeFactory(expense=expenses[1], name="Bo", company="Line\nbreak", position=3)
    AttendeeFactory(expense=expenses[1], name="Cy", relationship="supplier", position=3)
    AttendeeFactory(expense=expenses[1], user=plain, name=str(plain), position=1)
    AttendeeFactory(expense=expenses[4], name="Di, the guest", position=0)

    everything = Expense.objects.all()
    text = database_csv(everything)

    assert text == python_csv(everything)
    assert text.count("\r\n") == len(texts) + 1  # the header and the rows
    assert "'-dash,-dash@example.com" not in text  # tags and owner are cells of their own
    assert "'-dash,9lives,ALPHA2,B,Beta,Zulu,a,alpha,beta-2,zz,Écru,éclair" in text
    assert '"\'=HYPERLINK(""x""); ' in text
    assert "2026-01-02T03:04:05Z,2026-01-02T03:04:05.120000Z" in text


def test_moments_are_written_in_utc_whatever_the_sessions_time_zone():
    ExpenseFactory(occurred_at=datetime.datetime(2026, 3, 8, 6, 59, 59, 120_000, tzinfo=UTC))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL TIME ZONE 'America/New_York'")  # until the test's transaction ends

    text = database_csv(Expense.objects.all())

    assert ",2026-03-08T06:59:59.120000Z,06:59:59," in text
    assert text == python_csv(Expense.objects.all())


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_the_lines_come_from_the_lists_database_in_a_transaction_that_ends_with_the_stream():
    ExpenseFactory.create_batch(3)
    replica = connections["replica"]

    with CaptureQueriesContext(replica) as read:
        lines = exports_postgresql.expense_csv_lines(Expense.objects.using("replica"))
        first = next(lines)
        in_transaction = replica.in_atomic_block
        lines.close()  # the client went away

    assert first.endswith("\r\n")
    assert in_transaction  # no WITH HOLD cursor: the lines leave as the query makes them
    assert not replica.in_atomic_block
    assert any("expenses_expensetag" in query["sql"] for query in read.captured_queries)
    assert len(list(exports_postgresql.expense_csv_lines(Expense.objects.all()))) == 3
