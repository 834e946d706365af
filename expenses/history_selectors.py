"""Reads of the expense history: the entries for the page and the API, flat rows for the report bundle."""

import datetime

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import QuerySet
from django.utils import formats, timezone

from expenses.models import Expense, ExpenseChange


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


def _readable(name: str, value: str | None) -> str | None:
    """A recorded moment or day as people read it (the moment in the reader's time zone), anything else as is."""
    try:
        field = Expense._meta.get_field(name)
    except FieldDoesNotExist:
        return value
    try:
        if value and isinstance(field, models.DateTimeField):
            return formats.date_format(timezone.localtime(datetime.datetime.fromisoformat(value)), "j M Y, H:i")
        if value and isinstance(field, models.DateField):
            return formats.date_format(datetime.date.fromisoformat(value), "j M Y")
    except ValueError:  # a value recorded in another shape stays as recorded
        return value
    return value


def expense_history_entries(expense: Expense) -> list[dict]:
    """The history for the expense page: each write with its fields' labels, old and new values (one query)."""
    entries = []
    for change in expense_history(expense):
        fields = [
            {
                "label": field_label(name),
                "old": values.get("old_label") or _readable(name, values.get("old")),
                "new": values.get("new_label") or _readable(name, values.get("new")),
            }
            for name, values in change.changes.items()
        ]
        actor = change.actor_label or (change.actor.email if change.actor else "")
        source = change.get_source_display()
        entries.append({"at": change.created_at, "actor": actor, "source": source, "fields": fields})
    return entries
