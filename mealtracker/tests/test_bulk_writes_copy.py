"""insert_all and insert_values write many rows on PostgreSQL through COPY: the same rows, and the same ids in the
same order, as the INSERT they replace; whatever COPY cannot write goes through the INSERT as before."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from expenses.choices import MealType
from expenses.models import ChangeSource, Expense, ExpenseChange
from expenses.services.expenses import ExpenseDraftsRefused, expenses_create_many
from expenses.tests.factories import ExpenseFactory, RestaurantFactory
from mealtracker import bulk_writes
from mealtracker.bulk_writes import _copy_column, insert_all, insert_values

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")

# Text COPY's format escapes (tabs, line breaks, backslashes, its NULL and end marker), quotes, non-ASCII.
TEXTS = ["", "tab\there", "two\nlines", "cr\rlf\r\n", "back\\slash \\N", "\\N", "\\.", "quote \" and '", "é 🍕 ünï"]
NEW_YORK = ZoneInfo("America/New_York")


def meals(owner, restaurant) -> list[Expense]:
    return [
        Expense(owner=owner, restaurant=restaurant if n % 2 else None, amount=Decimal("12.50") + n,
                tax=Decimal("1E+0"), reporting_amount=Decimal("12.5") + n, currency="USD",
                occurred_at=datetime.datetime(2026, 3, 1, 19, 45, 30, 123456 * (n % 2), tzinfo=NEW_YORK)
                + datetime.timedelta(hours=n),
                cleared_on=None if n % 3 else datetime.date(2026, 3, 2), meal_type=MealType.LUNCH, notes=text,
                is_business=bool(n % 2), status="draft" if n % 2 else "recorded", party_size=1 + n)
        for n, text in enumerate(TEXTS)
    ]  # fmt: skip


def stored(model, pks) -> list[dict]:
    rows = model.objects.filter(pk__in=pks).order_by("pk").values()
    return [{name: value for name, value in row.items() if name not in {"created_at", "updated_at"}} for row in rows]


def next_id(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [model._meta.db_table])
        return cursor.fetchone()[0]


def restart_ids(model, at: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, false)", [model._meta.db_table, at])


@on_postgresql
def test_copy_writes_the_rows_and_ids_the_insert_writes(member, monkeypatch):
    bistro = RestaurantFactory(owner=member)
    start = next_id(Expense)
    restart_ids(Expense, start)
    monkeypatch.setattr(bulk_writes, "COPY_MIN_ROWS", 10**9)
    with transaction.atomic():
        inserted = meals(member, bistro)
        insert_all(inserted, returning_ids=True)
        by_insert = stored(Expense, [meal.pk for meal in inserted])
        transaction.set_rollback(True)
    restart_ids(Expense, start)

    monkeypatch.setattr(bulk_writes, "COPY_MIN_ROWS", 2)
    copied = meals(member, bistro)
    with CaptureQueriesContext(connection) as queries:
        insert_all(copied, returning_ids=True)

    assert [query["sql"].split()[0] for query in queries] == ["SELECT", "COPY"]  # the ids, then the rows
    assert [meal.pk for meal in copied] == [meal.pk for meal in inserted] == list(range(start, start + len(TEXTS)))
    assert stored(Expense, [meal.pk for meal in copied]) == by_insert
    assert [row["notes"] for row in by_insert] == TEXTS
    assert all(not meal._state.adding for meal in copied)


@on_postgresql
def test_copy_writes_json_nulls_and_choices_as_the_insert(member, monkeypatch):
    expense = ExpenseFactory(owner=member)
    changes = [{"notes": {"new": text, "old": None, "labels": [1, 2.5, True]}} for text in TEXTS] + [{}, []]
    rows = [(expense.pk, member.pk if n % 2 else None, change, ChangeSource.IMPORT) for n, change in enumerate(changes)]

    monkeypatch.setattr(bulk_writes, "COPY_MIN_ROWS", 10**9)
    insert_values(ExpenseChange, ["expense_id", "actor_id", "changes", "source"], rows)
    monkeypatch.setattr(bulk_writes, "COPY_MIN_ROWS", 2)
    with CaptureQueriesContext(connection) as queries:
        insert_values(ExpenseChange, ["expense_id", "actor_id", "changes", "source"], rows)

    assert [query["sql"].split()[0] for query in queries] == ["COPY"]
    written = [
        {k: v for k, v in row.items() if k not in {"id", "created_at"}}
        for row in ExpenseChange.objects.order_by("id").values()
    ]
    assert written[: len(rows)] == written[len(rows) :]
    assert [row["changes"] for row in written[len(rows) :]] == changes
    assert {row["source"] for row in written} == {"import"}


@on_postgresql
def test_a_nul_character_is_refused_as_the_insert_refuses_it(member, monkeypatch):
    def refusal():
        with pytest.raises((ValueError, DatabaseError)) as caught, transaction.atomic():
            insert_all([Expense(owner=member, amount=Decimal(1), reporting_amount=Decimal(1), currency="USD",
                                occurred_at=datetime.datetime.now(tz=datetime.UTC), notes=f"row {n} \x00")
                        for n in range(3)])  # fmt: skip
        return type(caught.value), str(caught.value)

    monkeypatch.setattr(bulk_writes, "COPY_MIN_ROWS", 10**9)
    by_insert = refusal()
    monkeypatch.setattr(bulk_writes, "COPY_MIN_ROWS", 2)
    assert refusal() == by_insert
    assert not Expense.objects.exists()


def test_a_check_constraint_refusing_a_copied_row_still_names_its_draft(member, monkeypatch):
    monkeypatch.setattr(Expense, "clean", lambda self: None)  # so the database's check is what refuses the draft
    moment = datetime.datetime.now(tz=datetime.UTC) - datetime.timedelta(days=1)
    drafts = [{"amount": Decimal("10.00"), "occurred_at": moment, "tip": Decimal(tip)} for tip in ("1", "11", "2")]

    def refused(copy_from: int) -> dict:
        monkeypatch.setattr(bulk_writes, "COPY_MIN_ROWS", copy_from)
        with pytest.raises(ExpenseDraftsRefused) as caught:
            expenses_create_many(owner=member, drafts=drafts)
        return {index: (type(exc), exc.field, exc.message) for index, exc in caught.value.refused.items()}

    assert refused(2) == refused(10**9)
    assert list(refused(2)) == [1]
    assert not Expense.objects.exists()


def test_a_column_copy_does_not_write_goes_through_the_insert():
    assert _copy_column(("a", None, "b\tc")) == ["a", "\\N", "b\\tc"]
    assert _copy_column((True, None, False)) == ["t", "\\N", "f"]
    assert _copy_column((Decimal("1.50"), 2, datetime.date(2026, 3, 1))) == ["1.50", "2", "2026-03-01"]
    assert _copy_column(("a", ["a list"])) is None
    assert _copy_column((1.5,)) is None
    assert _copy_column(("nul \x00",)) is None


@pytest.mark.parametrize("copy_from", [2, 10**9])
def test_json_text_is_written_as_the_document_it_encodes(member, monkeypatch, copy_from):
    import json

    from mealtracker.bulk_writes import JSONText

    monkeypatch.setattr(bulk_writes, "COPY_MIN_ROWS", copy_from)
    expense = ExpenseFactory(owner=member)
    changes = [{"notes": {"new": text, "old": None}} for text in TEXTS]
    names = ["expense_id", "changes"]
    insert_values(ExpenseChange, names, [(expense.pk, change) for change in changes])
    insert_values(ExpenseChange, names, [(expense.pk, JSONText(json.dumps(change))) for change in changes])

    written = list(ExpenseChange.objects.order_by("id").values_list("changes", flat=True))
    assert written == changes + changes


def test_a_column_of_mixed_types_is_prepared_value_by_value_as_bulk_create_prepares_it(member):
    def meals():
        return [
            Expense(owner=member, amount=amount, tax=tax, reporting_amount=Decimal("12.5"), currency="USD",
                    occurred_at=datetime.datetime(2026, 3, 1, 19, 45, tzinfo=NEW_YORK), party_size=size)
            for amount, tax, size in ((12, 1.25, 2), (Decimal("12.5"), Decimal("1.2"), True), ("13.10", "0", "3"))
        ]  # fmt: skip

    Expense.objects.bulk_create(meals())
    insert_all(meals(), returning_ids=True)
    written = [stored(Expense, [pk]) for pk in Expense.objects.order_by("id").values_list("pk", flat=True)]
    assert [{**row[0], "id": None} for row in written[:3]] == [{**row[0], "id": None} for row in written[3:]]
    assert [row[0]["amount"] for row in written[3:]] == [Decimal("12.00"), Decimal("12.50"), Decimal("13.10")]


def test_an_expression_among_the_values_sends_the_rows_through_bulk_create(member):
    from django.db.models import Value
    from django.db.models.functions import Lower

    meals = [Expense(owner=member, amount=Decimal(5), reporting_amount=Decimal(5), currency="USD",
                     occurred_at=datetime.datetime(2026, 3, 1, tzinfo=NEW_YORK), notes=notes)
             for notes in ("Plain", Lower(Value("LOWERED")))]  # fmt: skip
    insert_all(meals, returning_ids=True)
    assert list(Expense.objects.order_by("id").values_list("notes", flat=True)) == ["Plain", "lowered"]


def test_copy_is_left_to_the_insert_when_the_setting_turns_it_off(member, monkeypatch, settings):
    settings.DATABASE_COPY = False
    monkeypatch.setattr(bulk_writes, "COPY_MIN_ROWS", 2)
    with CaptureQueriesContext(connection) as queries:
        insert_all(meals(member, None), returning_ids=True)
    assert [query["sql"].split()[0] for query in queries] == ["INSERT"]
    assert Expense.objects.count() == len(TEXTS)
