"""Reads of the expense history: the entries for the page and the API, flat rows for the report bundle."""

import datetime
import zoneinfo
from collections.abc import Iterator

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Prefetch, QuerySet
from django.utils import formats, timezone

from expenses.models import Expense, ExpenseChange, ExpenseReport


def expense_history(expense: Expense) -> QuerySet[ExpenseChange]:
    """The expense's history, oldest first, with who made each change (one query)."""
    return ExpenseChange.objects.filter(expense=expense).select_related("actor").order_by("created_at", "id")


def expense_history_rows(expense: Expense) -> list[dict]:
    """The history as flat rows (one per changed field) for the report bundle and exports."""
    rows = []
    for change in expense_history(expense):
        for field, values in change.changes.items():
            rows.append(
                {
                    "at": change.created_at,
                    "actor": change.actor_label or (change.actor.email if change.actor else ""),
                    "source": change.get_source_display(),
                    "field": field,
                    "old": values.get("old_label") or values.get("old"),
                    "new": values.get("new_label") or values.get("new"),
                }
            )
    return rows


def field_label(name: str) -> str:
    """The field's name as the expense form shows it (tags, attendees and bill items are not model fields)."""
    try:
        field = Expense._meta.get_field(name)
    except FieldDoesNotExist:
        field = None
    # A relation from another model (the attendees) has no verbose name of its own.
    verbose_name = getattr(field, "verbose_name", None)
    return str(verbose_name).capitalize() if verbose_name else name.replace("_", " ").capitalize()


def _readable(name: str, value: str | None, zone: zoneinfo.ZoneInfo | None = None) -> str | None:
    """A recorded moment or day as people read it (the moment in `zone`, by default the reader's), anything else
    as is."""
    try:
        field = Expense._meta.get_field(name)
    except FieldDoesNotExist:
        return value
    try:
        if value and isinstance(field, models.DateTimeField):
            return formats.date_format(timezone.localtime(datetime.datetime.fromisoformat(value), zone), "j M Y, H:i")
        if value and isinstance(field, models.DateField):
            return formats.date_format(datetime.date.fromisoformat(value), "j M Y")
    except ValueError:  # a value recorded in another shape stays as recorded
        return value
    return value


def change_fields(change: ExpenseChange, *, zone: zoneinfo.ZoneInfo | None = None) -> list[dict]:
    """Each field of one write with its label and its old and new values as the expense page shows them."""
    return [
        {
            "label": field_label(name),
            "old": values.get("old_label") or _readable(name, values.get("old"), zone),
            "new": values.get("new_label") or _readable(name, values.get("new"), zone),
        }
        for name, values in change.changes.items()
    ]


def change_actor(change: ExpenseChange) -> str:
    """Who made the change, as recorded (the e-mail kept when the user is gone)."""
    return change.actor_label or (change.actor.email if change.actor else "")


def expense_history_entries(expense: Expense) -> list[dict]:
    """The history for the expense page: each write with its fields' labels, old and new values (one query)."""
    return [
        {"at": change.created_at, "actor": change_actor(change), "source": change.get_source_display(),
         "fields": change_fields(change)}
        for change in expense_history(expense)
    ]  # fmt: skip


def history_prefetch() -> Prefetch:
    """Each expense's history as `listed_changes`, oldest first: one query per batch of expenses, so a report read
    with iterator(chunk_size=...) holds one chunk's history at a time."""
    changes = ExpenseChange.objects.select_related("actor").order_by("created_at", "id")
    return Prefetch("changes", queryset=changes, to_attr="listed_changes")


HISTORY_CSV_COLUMNS = ["expense_id", "changed_at", "changed_by", "source", "field", "old", "new"]


def report_history_rows(report: ExpenseReport, *, chunk_size: int = 500) -> Iterator[list]:
    """The history of a report's meals as flat rows, one per changed field (moments in UTC, ISO 8601), read from
    the database in chunks."""
    changes = (
        ExpenseChange.objects.filter(expense__report=report)
        .select_related("actor")
        .order_by("expense_id", "created_at", "id")
    )
    for change in changes.iterator(chunk_size=chunk_size):
        at = change.created_at.astimezone(datetime.UTC).isoformat()
        who, source = change_actor(change), change.get_source_display()
        for name, values in change.changes.items():
            old = values.get("old_label") or values.get("old")
            new = values.get("new_label") or values.get("new")
            yield [change.expense_id, at, who, source, field_label(name), old or "", new or ""]
