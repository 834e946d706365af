"""update_by_pk: each row gets its own value in one statement per batch, on SQLite and PostgreSQL alike."""

import pytest

from accounts.models import User
from accounts.tests.factories import UserFactory
from mealtracker import bulk_writes
from mealtracker.bulk_writes import update_by_pk

pytestmark = pytest.mark.django_db


def test_each_row_gets_its_own_value_across_batches(monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(bulk_writes, "BATCH_SIZE", 2)
    people = UserFactory.create_batch(5)
    untouched = UserFactory(unread_notifications=7)

    with django_assert_num_queries(3 + 2):  # three batches, inside a savepoint and its release
        update_by_pk(User, "unread_notifications", {person.pk: 10 + n for n, person in enumerate(people)})

    counts = dict(User.objects.values_list("pk", "unread_notifications"))
    assert [counts[person.pk] for person in people] == [10, 11, 12, 13, 14]
    assert counts[untouched.pk] == 7


def test_nothing_to_write_runs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        update_by_pk(User, "unread_notifications", {})


def test_insert_all_writes_what_bulk_create_writes(monkeypatch, member, django_assert_num_queries):
    from expenses.models import ExpenseChange
    from expenses.tests.factories import ExpenseFactory
    from mealtracker.bulk_writes import insert_all

    monkeypatch.setattr(bulk_writes, "INSERT_BATCH_ROWS", 2)
    expense = ExpenseFactory(owner=member)

    def entries(n):
        return [ExpenseChange(expense=expense, actor=member if n % 2 else None, changes={"notes": {"new": f"é {n}"}})
                for n in range(n)]  # fmt: skip

    ExpenseChange.objects.bulk_create(entries(5))
    with django_assert_num_queries(3):  # three batches of at most two rows
        insert_all(entries(5))

    written = list(ExpenseChange.objects.order_by("id").values("expense", "actor", "actor_label", "source", "changes"))
    assert written[5:] == written[:5]
    assert not ExpenseChange.objects.filter(created_at__isnull=True).exists()


def test_insert_all_refuses_an_unsaved_related_object(member):
    from expenses.models import Expense, ExpenseChange
    from mealtracker.bulk_writes import insert_all

    with pytest.raises(ValueError, match="unsaved related expense"):
        insert_all([ExpenseChange(expense=Expense(owner=member), changes={})])


def test_insert_values_writes_what_insert_all_writes_from_values(monkeypatch, member, django_assert_num_queries):
    from expenses.models import ExpenseChange
    from expenses.tests.factories import ExpenseFactory
    from mealtracker.bulk_writes import insert_all, insert_values

    monkeypatch.setattr(bulk_writes, "INSERT_BATCH_ROWS", 2)
    expense = ExpenseFactory(owner=member)
    changes = [{"notes": {"new": f"é {n}\ttab\\n"}} if n % 2 else {} for n in range(5)]
    insert_all([ExpenseChange(expense=expense, actor=member, changes=change, source="import") for change in changes])
    with django_assert_num_queries(3):  # three batches of at most two rows
        insert_values(
            ExpenseChange, ["expense_id", "actor_id", "changes", "source"],
            [(expense.pk, member.pk, change, "import") for change in changes],
        )  # fmt: skip

    written = list(ExpenseChange.objects.order_by("id").values("expense", "actor", "actor_label", "source", "changes"))
    assert written[5:] == written[:5]
    assert written[0] == {"expense": expense.pk, "actor": member.pk, "actor_label": "", "source": "import",
                          "changes": {}}  # fmt: skip
    assert not ExpenseChange.objects.filter(created_at__isnull=True).exists()


def test_insert_values_with_nothing_to_write_runs_no_query(django_assert_num_queries):
    from expenses.models import ExpenseChange
    from mealtracker.bulk_writes import insert_values

    with django_assert_num_queries(0):
        insert_values(ExpenseChange, ["expense_id", "changes"], [])


def test_insert_all_returning_ids_gives_each_object_its_row(monkeypatch, member, django_assert_num_queries):
    from expenses.models import ExpenseChange
    from expenses.tests.factories import ExpenseFactory
    from mealtracker.bulk_writes import insert_all

    monkeypatch.setattr(bulk_writes, "INSERT_BATCH_ROWS", 2)
    expense = ExpenseFactory(owner=member)
    entries = [ExpenseChange(expense=expense, changes={"notes": {"new": f"row {n}"}}) for n in range(5)]

    with django_assert_num_queries(3):  # three batches of at most two rows
        insert_all(entries, returning_ids=True)

    assert all(entry.pk is not None and not entry._state.adding for entry in entries)
    written = dict(ExpenseChange.objects.values_list("pk", "changes"))
    assert [written[entry.pk] for entry in entries] == [entry.changes for entry in entries]


def test_insert_all_writes_decimals_dates_and_moments_as_bulk_create(member):
    import datetime
    from decimal import Decimal
    from zoneinfo import ZoneInfo

    from expenses.models import Expense
    from mealtracker.bulk_writes import insert_all

    def meals():
        return [
            Expense(owner=member, amount=Decimal("12.50"), reporting_amount=Decimal("12.5"), currency="USD",
                    occurred_at=datetime.datetime(2026, 3, 1, 19, 45, tzinfo=ZoneInfo("America/New_York")),
                    cleared_on=datetime.date(2026, 3, 2), rate_date=None)
        ]  # fmt: skip

    Expense.objects.bulk_create(meals())
    insert_all(meals(), returning_ids=True)
    written = list(Expense.objects.order_by("id").values("amount", "reporting_amount", "occurred_at", "cleared_on"))
    assert written[0] == written[1]
    assert written[1]["occurred_at"] == datetime.datetime(2026, 3, 2, 0, 45, tzinfo=datetime.UTC)


def test_insert_all_refuses_a_decimal_bulk_create_refuses(member):
    from decimal import Decimal

    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from expenses.models import Expense
    from mealtracker.bulk_writes import insert_all

    with pytest.raises(ValidationError):
        insert_all([Expense(owner=member, amount=Decimal("NaN"), currency="USD", occurred_at=timezone.now())])
