"""An import writes the same rows, expenses and history whether PostgreSQL takes its rows by COPY (from
bulk_writes.COPY_MIN_ROWS rows) or by INSERT."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory
from expenses.models import Expense, ExpenseChange
from mealtracker import bulk_writes
from reports.services.imports import import_batch_apply, import_batch_create

pytestmark = pytest.mark.django_db

PAYLOAD = "\n".join([
    "date,time,amount,tip,currency,meal_type,restaurant,city,notes,tags,business_meal,purpose",
    '2026-03-02,19:30,42.50,5,USD,dinner,"Chez ""Lu""",Paris,"two\nlines",client,yes,Pitch',
    "2026-03-03,12:00,12.00,0,USD,lunch,Café é,Lyon,tab\there back\\slash \\N,,,",
    "2026-03-04,08:15,7.25,,USD,breakfast,Chez Lu,Paris,,team;client,no,",
    "2026-03-05,25:00,7.25,,USD,breakfast,Chez Lu,Paris,a bad time,,,",
]).encode()  # fmt: skip


def imported(monkeypatch, copy_from: int) -> tuple:
    monkeypatch.setattr(bulk_writes, "COPY_MIN_ROWS", copy_from)
    owner = UserFactory()
    with CaptureQueriesContext(connection) as queries:
        batch = import_batch_create(owner=owner, filename="meals.csv", payload=PAYLOAD)
    rows = list(batch.rows.order_by("line_number").values_list(
        "line_number", "raw", "values", "errors", "duplicate_ids", "action", "restaurant__name"))  # fmt: skip
    batch.rows.filter(errors__len=0).update(action="apply")
    with CaptureQueriesContext(connection) as applying:
        result = import_batch_apply(batch=batch, actor=owner)
    copies = [query["sql"].split()[1] for query in [*queries, *applying] if query["sql"].startswith("COPY")]
    expenses = list(
        Expense.objects.filter(owner=owner).order_by("id").values(
            "amount", "tip", "occurred_at", "meal_type", "notes", "is_business", "business_purpose", "status",
            "restaurant__name", "restaurant__city")
    )  # fmt: skip
    history = []
    for change in ExpenseChange.objects.filter(expense__owner=owner).order_by("id"):
        changes = dict(change.changes)
        changes["owner"] = {**changes["owner"], "new": None, "new_label": None}  # one owner, then another
        changes["restaurant"] = {**changes["restaurant"], "new": None}  # the same restaurant, each owner's own
        history.append((change.source, change.actor_label == owner.email, changes))
    linked = list(batch.rows.order_by("line_number").values_list("line_number", "expense__notes"))
    return (rows, result, expenses, history, linked), copies


def test_an_import_by_copy_writes_what_an_import_by_insert_writes(monkeypatch):
    by_insert, none = imported(monkeypatch, 10**9)
    by_copy, copies = imported(monkeypatch, 1)
    assert by_copy == by_insert
    assert none == []
    if connection.vendor == "postgresql":
        assert copies == ['"reports_importrow"', '"expenses_expense"', '"expenses_expensechange"']
    rows, result, expenses, history, linked = by_copy
    assert (result["created"], len(expenses), len(history)) == (3, 3, 3)
    assert [row[3] for row in rows][:3] == [[], [], []]
    assert [notes for _, notes in linked] == ["two\nlines", "tab\there back\\slash \\N", "", None]
