"""The field history of expenses, written by the services on every write path (form, API, admin, import, restore,
bulk changes, approvals). Explicit steps, not signals: QuerySet.update and bulk_create send none."""

import contextlib
import datetime
import json
import operator
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from decimal import Decimal

from django.db.models import Model, QuerySet
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

from accounts.models import User
from expenses.models import ChangeSource, Expense, ExpenseChange
from mealtracker.bulk_writes import JSONText, insert_values

# Derived or bookkeeping fields the history leaves out (version moves on every write, updated_at likewise).
UNTRACKED = {"id", "version", "created_at", "updated_at"}
TRACKED_FIELDS = [f for f in Expense._meta.concrete_fields if f.name not in UNTRACKED]
RELATED = ("tags", "attendees", "line_items")

_source: ContextVar[str] = ContextVar("history_source", default=ChangeSource.SYSTEM)


@contextlib.contextmanager
def history_source(source: str) -> Iterator[None]:
    """Writes inside the block are recorded as coming from `source` (ChangeSource)."""
    token = _source.set(source)
    try:
        yield
    finally:
        _source.reset(token)


def current_source() -> str:
    return _source.get()


def _shown(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _field_value(expense: Expense, field) -> dict:
    if field.is_relation:
        pk = getattr(expense, field.attname)
        cached = field.get_cached_value(expense, default=None) if field.is_cached(expense) else None
        label = str(cached) if isinstance(cached, Model) and cached.pk == pk else None
        return {"value": _shown(pk), "label": label}
    value = getattr(expense, field.attname)
    display = getattr(expense, f"get_{field.name}_display", None)
    return {"value": _shown(value), "label": display() if display and field.choices and value else None}


def _related_state(expense: Expense) -> dict:
    if expense.pk is None:
        return {}
    tags = ", ".join(sorted(expense.tags.values_list("name", flat=True)))
    attendees = ", ".join(
        " ".join(part for part in (user or name, f"({company})" if company else "") if part)
        for user, name, company in expense.attendees.order_by("id").values_list("user__email", "name", "company")
    )
    items = "; ".join(
        f"{description} x{quantity} {amount}"
        for description, quantity, amount in expense.line_items.order_by("id").values_list(
            "description", "quantity", "amount"
        )
    )
    return {
        "tags": {"value": tags, "label": None},
        "attendees": {"value": attendees, "label": None},
        "line_items": {"value": items, "label": None},
    }


def expense_state(expense: Expense, *, related: bool = True) -> dict:
    """What the history compares: each tracked field (value and, for choices and relations, its label), and the
    meal's tags, attendees and bill items."""
    state = {field.name: _field_value(expense, field) for field in TRACKED_FIELDS}
    if related:
        state.update(_related_state(expense))
    return state


def _diff(before: dict, after: dict) -> dict:
    changes = {}
    for name, new in after.items():
        old = before.get(name, {"value": None, "label": None})
        if old["value"] != new["value"]:
            changes[name] = {
                "old": old["value"], "new": new["value"], "old_label": old["label"], "new_label": new["label"]
            }  # fmt: skip
    return changes


def _actor_fields(actor: User | None) -> dict:
    return {"actor": actor, "actor_label": actor.email if actor else ""}


def expense_history_record(
    *, expense: Expense, before: dict | None, actor: User | None, source: str | None = None
) -> ExpenseChange | None:
    """Append what changed since `before` (expense_state taken before the write; None: the expense was created)."""
    after = expense_state(expense, related=before is None or "tags" in before)
    changes = _diff(before or {}, after)
    if before is None:
        changes = {name: change for name, change in changes.items() if change["new"] not in (None, "")}
    if not changes:
        return None
    return ExpenseChange.objects.create(
        expense=expense, changes=changes, source=source or current_source(), **_actor_fields(actor)
    )


def _created_changes(expenses: list[Expense]) -> list[JSONText]:
    """expense_state(related=False) of each expense as a creation's changes (blank values left out), each as the
    JSON text json.dumps writes for it (the fields in order, its separators), built a field at a time: an entry is
    encoded once per field and distinct value (with its label) in the batch, a choice's label read once per value
    and a related object's label once per object; the common value types are shown without a call each (as _shown
    shows them)."""
    columns = [_created_column(expenses, field) for field in TRACKED_FIELDS]
    return [JSONText("{" + ", ".join(filter(None, entries)) + "}") for entries in zip(*columns, strict=True)]


_BLANK = ""  # a value a creation's changes leave out
_json_text = json.encoder.encode_basestring_ascii  # json.dumps of a str


def _created_entry(name: str, shown: str, label) -> str:
    """json.dumps's text for the `name` entry of a creation's changes (new value `shown`, its `label`); _BLANK for
    a value shown blank."""
    if shown == "":
        return _BLANK
    label = "null" if label is None else _json_text(label) if type(label) is str else json.dumps(label)
    return f'{_json_text(name)}: {{"old": null, "new": {_json_text(shown)}, "old_label": null, "new_label": {label}}}'


def _label(labels: dict | None, value):
    if labels is not None and value:  # as Model._get_FIELD_display reads it
        return force_str(labels.get(make_hashable(value), value), strings_only=True)
    return None


# How _shown shows a value of these types; equal values of the first four (of one type) are shown alike.
_SHOWN_AS = {str: str.__str__, bool: lambda value: "yes" if value else "no", int: int.__str__,
             datetime.date: datetime.date.isoformat, Decimal: Decimal.__str__,
             datetime.datetime: datetime.datetime.isoformat}  # fmt: skip
_SHOWN_ALIKE = {str, bool, int, datetime.date}


def _created_column(expenses: list[Expense], field) -> list[str | None]:
    """Each expense's entry for one field (None or _BLANK: none), as _created_changes writes it: for a column of
    one common type, each distinct value (or text) encoded once."""
    name = field.name
    values = list(map(operator.attrgetter(field.attname), expenses))
    if field.is_relation:
        return _created_relation_column(expenses, field, values)
    labels = dict(make_hashable(field.flatchoices)) if field.choices else None
    kinds = set(map(type, values))
    kinds.discard(type(None))
    kind = kinds.pop() if len(kinds) == 1 else None
    if kind in _SHOWN_ALIKE:
        show = _SHOWN_AS[kind]
        by_value = {
            value: _created_entry(name, show(value), _label(labels, value))
            for value in set(values)
            if value is not None
        }
        return [None if value is None else by_value[value] for value in values]
    if kind in _SHOWN_AS and labels is None:  # a Decimal's or a moment's text tells it apart (1.0 and 1.00)
        show = _SHOWN_AS[kind]
        shown = [None if value is None else show(value) for value in values]
        by_text = {text: _created_entry(name, text, None) for text in set(shown) if text is not None}
        return [None if text is None else by_text[text] for text in shown]
    return [None if value is None else _created_entry(name, _shown(value), _label(labels, value)) for value in values]


def _created_relation_column(expenses: list[Expense], field, values: list) -> list[str | None]:
    """A foreign key's entries: its id, labelled with the related object when the expense holds it (each object's
    label read once)."""
    name, cache_name = field.name, field.cache_name
    entries: dict = {}
    column: list[str | None] = []
    # What field.is_cached and field.get_cached_value read, read once an expense.
    for expense, value in zip(expenses, values, strict=True):
        if value is None:
            column.append(None)
            continue
        cached = expense._state.fields_cache.get(cache_name)
        key = (type(value), value, id(cached))
        entry = entries.get(key)
        if entry is None:
            owned = isinstance(cached, Model) and cached.pk == value
            entry = entries[key] = _created_entry(name, _shown(value), str(cached) if owned else None)
        column.append(entry)
    return column


def expenses_created_record(*, expenses: Iterable[Expense], actor: User | None, source: str | None = None) -> None:
    """One 'created' entry per expense written in bulk (imports, restores): the values they arrived with. The
    entries are written from their values (insert_values), one moment for the batch."""
    expenses = list(expenses)
    source, actor_id, actor_label = (
        source or current_source(),
        actor.pk if actor else None,
        _actor_fields(actor)["actor_label"],
    )
    insert_values(
        ExpenseChange,
        ["expense_id", "changes", "source", "actor_id", "actor_label"],
        [
            [expense.pk, changes, source, actor_id, actor_label]
            for expense, changes in zip(expenses, _created_changes(expenses), strict=True)
        ],
    )


def expenses_update_recorded(
    expenses: QuerySet[Expense], *, actor: User | None, source: str | None = None, **values
) -> int:
    """QuerySet.update with a history entry per expense whose values change (old values read first, one query)."""
    names = [name for name in values if name not in UNTRACKED]
    attnames = [Expense._meta.get_field(name).attname for name in names]
    before = list(expenses.values_list("pk", *attnames))
    count = expenses.update(**values)
    rows = []
    for pk, *old_values in before:
        changes = {}
        for name, old in zip(names, old_values, strict=True):
            new = values[name]
            if name in UNTRACKED or hasattr(new, "resolve_expression"):
                continue
            new_value = new.pk if isinstance(new, Model) else new
            if old != new_value:
                changes[name] = {
                    "old": _shown(old), "new": _shown(new_value), "old_label": None,
                    "new_label": str(new) if isinstance(new, Model) else None,
                }  # fmt: skip
        if changes:
            source = source or ChangeSource.BULK
            rows.append(ExpenseChange(expense_id=pk, changes=changes, source=source, **_actor_fields(actor)))
    ExpenseChange.objects.bulk_create(rows, batch_size=1000)
    return count


def line_items_text(expense: Expense) -> str:
    """The bill's items as the history shows them."""
    return _related_state(expense)["line_items"]["value"]


def expense_history_note(
    *, expense: Expense, actor: User | None, field: str, old: str | None, new: str | None, source: str | None = None
) -> ExpenseChange | None:
    """One change of something kept beside the expense (its receipts, its bill's items), as old and new text."""
    if old == new:
        return None
    changes = {field: {"old": old, "new": new, "old_label": None, "new_label": None}}
    return ExpenseChange.objects.create(
        expense=expense, changes=changes, source=source or current_source(), **_actor_fields(actor)
    )
