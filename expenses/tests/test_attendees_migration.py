"""The migration that turns the free-text attendees of existing meals into guest rows (and back)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("expenses", "0007_meal_policies"), ("accounts", "0002_team_substantiation")]
AFTER = [("expenses", "0008_attendees")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def before_attendees(transactional_db):
    apps = migrate(BEFORE)
    yield apps
    migrate(migrate_leaves())


def migrate_leaves():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def old_meal(apps, attendees: str, party_size: int = 4):
    User = apps.get_model("accounts", "User")
    Expense = apps.get_model("expenses", "Expense")
    owner = User.objects.get_or_create(email="owner@example.com", defaults={"password": "!"})[0]
    return Expense.objects.create(
        owner=owner, occurred_at=datetime.datetime(2026, 3, 2, 19, tzinfo=datetime.UTC), amount=Decimal("90.00"),
        currency="USD", reporting_amount=Decimal("90.00"), party_size=party_size, attendees=attendees,
    )  # fmt: skip


def test_text_attendees_become_guest_rows_split_trimmed_and_once_each(before_attendees):
    listed = old_meal(before_attendees, " Ann Lee, Bo;\nann lee\r\n; ;Cy Smith ")
    empty = old_meal(before_attendees, "")

    apps = migrate(AFTER)

    Attendee = apps.get_model("expenses", "Attendee")
    rows = Attendee.objects.order_by("expense_id", "position").values_list("expense_id", "name", "user_id", "position")
    assert list(rows) == [(listed.pk, "Ann Lee", None, 0), (listed.pk, "Bo", None, 1), (listed.pk, "Cy Smith", None, 2)]
    assert not Attendee.objects.filter(expense_id=empty.pk).exists()
    assert apps.get_model("expenses", "Expense").objects.get(pk=listed.pk).party_size == 4


def test_a_party_smaller_than_its_named_guests_is_raised_to_count_them(before_attendees):
    meal = old_meal(before_attendees, "Ann, Bo, Cy", party_size=2)

    apps = migrate(AFTER)

    assert apps.get_model("expenses", "Expense").objects.get(pk=meal.pk).party_size == 4


def test_migrating_back_writes_the_names_as_text(before_attendees):
    meal = old_meal(before_attendees, "Ann, Bo")
    migrate(AFTER)

    apps = migrate(BEFORE)

    assert apps.get_model("expenses", "Expense").objects.get(pk=meal.pk).attendees == "Ann, Bo"
