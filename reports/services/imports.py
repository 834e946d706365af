"""Guided import: a file becomes a batch of rows to review (matches, duplicates, errors); apply writes the
chosen rows all-or-nothing. The state is in the database, so any app instance can continue a review."""

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.realtime import push
from expenses import services as expense_services
from expenses.choices import RateSource
from expenses.models import Category, ChangeSource, Expense, Restaurant
from expenses.restaurant_selectors import restaurants_matching
from expenses.services.currency import missing_rate, stored_rate
from expenses.services.expenses import ExpenseDraftsRefused, expenses_create_many, in_owner_timezone
from mealtracker import metrics
from mealtracker.bulk_writes import insert_values, update_by_pk
from mealtracker.errors import Conflict, DomainError, NotFound
from reports.models import ImportAction, ImportBatch, ImportRow, ImportStatus
from reports.services.importing import normalise_row, read_rows

DUPLICATE_WINDOW = datetime.timedelta(days=3)
EDITABLE_VALUES = {
    "date", "time", "datetime_utc", "amount", "currency", "tax", "tip", "fees", "exchange_rate", "meal_type",
    "order_type",
    "party_size", "payment_method", "category_name", "tags", "restaurant_name", "restaurant_city",
    "restaurant_country", "notes", "is_business", "business_purpose", "attendees", "cleared_date", "timezone",
    "occurred_at", "charged_amount", "charged_currency",
}  # fmt: skip


class ImportFailed(DomainError):
    """Apply wrote nothing: `errors` maps 'line N' to what went wrong on that line."""

    code = "import_failed"

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(f"{len(errors)} row(s) could not be imported; nothing was written.")
        self.errors = errors


# The fields a row's correction form shows (reports.forms.ImportRowEditForm), besides the date and time.
IMPORT_ROW_EDITABLE = (
    "amount",
    "currency",
    "exchange_rate",
    "restaurant_name",
    "restaurant_country",
    "meal_type",
    "party_size",
)


def import_batches_of(user: User) -> QuerySet[ImportBatch]:
    # Restaurant imports share the table; their file format starts with "r-" (services/restaurant_imports.py).
    return ImportBatch.objects.filter(owner=user).exclude(file_format__startswith="r-")


def import_batch_get(*, user: User, pk) -> ImportBatch:
    try:
        return import_batches_of(user).get(pk=pk)
    except (ImportBatch.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound("Import not found.") from exc


def import_rows_page(
    batch: ImportBatch, *, show: str = "", after: str = "", size: int = 200
) -> tuple[list[ImportRow], int | None]:
    """One page of a batch's rows for review, in file order, optionally only errors, warnings, duplicates or an
    action.

    Returns the rows and the line number to continue after (None on the last page)."""
    rows = batch.rows.select_related("restaurant").order_by("line_number")
    if show == "errors":
        rows = rows.exclude(errors=[])
    elif show == "warnings":
        rows = rows.filter(values__has_key="warnings")
    elif show == "duplicates":
        rows = rows.exclude(duplicate_ids=[])
    elif show in {"apply", "skip"}:
        rows = rows.filter(action=show)
    if after.isdigit():
        rows = rows.filter(line_number__gt=int(after))
    page = list(rows[: size + 1])
    return page[:size], (page[size - 1].line_number if len(page) > size else None)


def _restaurant_fields(values: dict) -> dict | None:
    """restaurant_create's fields for the restaurant an import row names (None when it names none)."""
    if not values.get("restaurant_name"):
        return None
    return {
        "name": values["restaurant_name"][:100],
        "location_name": values.get("restaurant_location", "")[:100],
        "address_line_1": values.get("restaurant_address", "")[:200],
        "city": values.get("restaurant_city", "")[:100],
        "region": values.get("restaurant_state", "")[:100],
        "postal_code": values.get("restaurant_postal_code", "")[:20],
        "country": values.get("restaurant_country", ""),
        "place_id": values.get("restaurant_google_place_id") or None,
        "cuisine": values.get("restaurant_cuisine", "")[:100],
    }


# The values _restaurant_fields reads: rows equal in these name the same restaurant.
RESTAURANT_VALUES = ("restaurant_name", "restaurant_location", "restaurant_address", "restaurant_city",
                     "restaurant_state", "restaurant_postal_code", "restaurant_country", "restaurant_google_place_id",
                     "restaurant_cuisine")  # fmt: skip


def _restaurants_named(rows: list) -> dict[tuple, tuple[dict, list]]:
    """The restaurants the rows name, each once (a file names its few restaurants on every row): the row values
    that describe it -> (_restaurant_fields, the rows naming it), in the order of their first row."""
    named: dict[tuple, tuple[dict, list]] = {}
    for row in rows:
        key = tuple(map(row.values.get, RESTAURANT_VALUES))
        if key in named:
            named[key][1].append(row)
        elif fields := _restaurant_fields(row.values):
            named[key] = (fields, [row])
    return named


def _restaurant_matches(owner: User, rows: list) -> dict[int, int]:
    """id(row) -> the user's restaurant the row refers to (restaurants_matching: its identity, else the only one
    of that name whose address agrees), for all the rows in a few queries."""
    named = list(_restaurants_named(rows).values())
    found = restaurants_matching(owner, [fields for fields, _ in named])
    return {
        id(row): restaurant.pk
        for (_, named_by), restaurant in zip(named, found, strict=True)
        if restaurant
        for row in named_by
    }


def _moment(values: dict, owner: User, known: dict | None = None) -> datetime.datetime | None:
    """The instant a row's occurred_at stands for, read as expense_create reads it; `known` keeps those read."""
    text = values.get("occurred_at")
    if not text:
        return None
    if known is None:
        return in_owner_timezone(datetime.datetime.fromisoformat(text), owner)
    if text not in known:
        known[text] = in_owner_timezone(datetime.datetime.fromisoformat(text), owner)
    return known[text]


def import_row_moment(row: ImportRow, owner: User) -> datetime.datetime | None:
    """The instant a row will be saved with (None while it has no time), read as expense_create reads it."""
    return _moment(row.values, owner)


def import_row_initial(row: ImportRow, owner: User) -> dict:
    """The correction form filled in with a row's current values; the date and time in the owner's timezone."""
    values = row.values
    initial = {name: values.get(name, "") for name in IMPORT_ROW_EDITABLE}
    moment = import_row_moment(row, owner)
    if moment is not None:
        local = moment.astimezone(owner.tzinfo)
        initial.update(date=local.date().isoformat(), time=local.strftime("%H:%M"))
    return initial


def _check_rate(values: dict, owner: User, errors: dict, cache: dict, moments: dict | None = None) -> None:
    """A foreign-currency row without a rate must find one now, or ask the user for it (never 1.0)."""
    currency = values.get("currency")
    if currency == settings.REPORTING_CURRENCY or not values.get("occurred_at") or values.get("charged_amount"):
        return  # no conversion, or the card's amount gives the rate
    day = _moment(values, owner, moments).astimezone(owner.tzinfo).date()
    key = (currency, day)
    if key not in cache:
        cache[key] = stored_rate(*key)
    if values.get("exchange_rate"):
        # A rate our export says was the stored one stays "stored" when this instance stores the same rate for that
        # day; otherwise it is kept as the file's (typed) rate.
        if values.get("rate_source") and cache[key] != Decimal(values["exchange_rate"]):
            values.pop("rate_source")
        return
    if cache[key] is None:
        errors["exchange_rate"] = missing_rate(*key).message


def _check_time(values: dict, owner: User, errors: dict, moments: dict | None = None) -> None:
    moment = _moment(values, owner, moments)
    if moment and moment > timezone.now() + datetime.timedelta(days=1):
        errors["date"] = "the meal cannot be in the future"


def _review(owner: User, rows: list, *, rate_cache: dict, moments: dict | None = None) -> None:
    """Fill in restaurant matches and duplicate candidates (same amount within ±3 days) for these rows (ImportRows,
    or _Lines at upload)."""
    moments = {} if moments is None else moments
    matches = _restaurant_matches(owner, rows)
    instants = [_moment(r.values, owner, moments) for r in rows if r.values.get("occurred_at")]
    existing = defaultdict(list)
    if instants:
        window = Expense.objects.filter(
            owner=owner,
            occurred_at__gte=min(instants) - DUPLICATE_WINDOW,
            occurred_at__lte=max(instants) + DUPLICATE_WINDOW,
        ).values_list("id", "amount", "currency", "occurred_at")
        for pk, amount, currency, occurred_at in window.iterator(chunk_size=2000):
            existing[(currency, amount)].append((occurred_at, pk))
    for row in rows:
        row.restaurant_id = matches.get(id(row))
        row.duplicate_ids = []
        if existing and row.values.get("occurred_at") and row.values.get("amount"):
            moment = _moment(row.values, owner, moments)
            key = (row.values["currency"], Decimal(row.values["amount"]))
            row.duplicate_ids = [pk for when, pk in existing.get(key, []) if abs(when - moment) <= DUPLICATE_WINDOW]


def _row_errors(values: dict, field_errors: dict) -> list[str]:
    return [f"{field}: {message}" for field, message in field_errors.items()]


APPLY, SKIP = ImportAction.APPLY.value, ImportAction.SKIP.value


@dataclasses.dataclass(slots=True)
class _Line:
    """An ImportRow's fields as the upload fills them in and apply reads them, without a model instance a row."""

    line_number: int
    values: dict
    errors: list
    raw: dict = dataclasses.field(default_factory=dict)
    restaurant_id: int | None = None
    duplicate_ids: list = dataclasses.field(default_factory=list)
    pk: int | None = None


@transaction.atomic
def import_batch_create(*, owner: User, filename: str, payload: bytes) -> ImportBatch:
    """Read the file and store every row for review; nothing is written to expenses yet."""
    file_format, raw_rows = read_rows(filename, payload)
    batch = ImportBatch.objects.create(
        owner=owner, source_name=(filename or "")[:255], file_format=file_format, row_count=len(raw_rows)
    )
    rate_cache: dict = {}
    moments: dict = {}
    rows = []
    for line_number, raw in raw_rows:
        values, field_errors = normalise_row(raw, default_currency=owner.default_currency)
        _check_time(values, owner, field_errors, moments)
        if not field_errors:
            _check_rate(values, owner, field_errors, rate_cache, moments)
        rows.append(
            _Line(
                line_number=line_number,
                # A CSV's cells are text under text headers already.
                raw=raw if file_format == "csv" else {str(k): _json_safe(v) for k, v in raw.items()},
                values=values,
                errors=_row_errors(values, field_errors),
            )
        )
    _review(owner, rows, rate_cache=rate_cache, moments=moments)
    columns = ["batch_id", "line_number", "raw", "values", "errors", "restaurant_id", "duplicate_ids", "action"]
    insert_values(ImportRow, columns, [
        (batch.pk, row.line_number, row.raw, row.values, row.errors, row.restaurant_id, row.duplicate_ids,
         # Rows with errors, duplicates or an "exclusion" mark start as skipped; the user can change that.
         SKIP if row.errors or row.duplicate_ids or row.values.get("excluded") else APPLY)
        for row in rows
    ])  # fmt: skip
    return batch


def _json_safe(value):
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


@transaction.atomic
def import_row_update(*, row: ImportRow, action: str | None = None, values: dict | None = None) -> ImportRow:
    """Change what happens to one row (apply or skip) or correct its cells; the row is checked again."""
    batch = row.batch
    if batch.status != ImportStatus.REVIEW:
        raise Conflict("This import is no longer in review.")
    if row.expense_id:
        raise Conflict("This row is already imported.")
    if values:
        unknown = set(values) - EDITABLE_VALUES
        if unknown:
            raise DomainError(f"Unknown column {sorted(unknown)[0]}.", field="values")
        raw = {**row.raw, **values}
        # Corrections are written with our own column names, so they win over the file's aliases.
        for field in values:
            for header in list(raw):
                if header not in values and _field_of(header) == field:
                    del raw[header]
        new_values, field_errors = normalise_row(raw, default_currency=batch.owner.default_currency)
        _check_time(new_values, batch.owner, field_errors)
        if not field_errors:
            _check_rate(new_values, batch.owner, field_errors, {})
        row.raw, row.values, row.errors = raw, new_values, _row_errors(new_values, field_errors)
        _review(batch.owner, [row], rate_cache={})
    if action:
        row.action = action
    if row.action == ImportAction.APPLY and row.errors:
        raise DomainError("Fix this row's errors before applying it: " + "; ".join(row.errors), field="action")
    row.save()
    return row


def _field_of(header: str) -> str | None:
    from reports.services.importing import HEADER_TO_FIELD, normalise_header

    return HEADER_TO_FIELD.get(normalise_header(header))


class _Rollback(Exception):
    pass


# Progress is told to the owner's open pages at most this many times per import (plus the start and the end).
PROGRESS_STEPS = 10


class ImportProgress:
    """Live `import.progress` events to the batch's owner: rows checked so far out of the rows to write."""

    def __init__(self, batch: ImportBatch, total: int):
        self.batch, self.total, self.done = batch, total, 0
        self.every = max(1, -(-total // PROGRESS_STEPS))
        self.tell()

    def advance(self) -> None:
        self.done += 1
        if self.done % self.every == 0 and self.done < self.total:
            self.tell()

    def tell(self) -> None:
        # Sent at once, not on commit: the rows are still being written, and the event is only a count.
        push([self.batch.owner_id], {"event": "import.progress", "import": self.batch.pk, "done": self.done,
                                     "total": self.total})  # fmt: skip


def import_events_on_commit(batch: ImportBatch, event: str, **counts: int) -> None:
    """`import.applied` or `import.failed` to the owner's open pages once the outcome is committed."""
    live = {"event": event, "import": batch.pk, **counts}
    transaction.on_commit(lambda: push([batch.owner_id], live))


def import_batch_apply(
    *, batch: ImportBatch, actor: User, progress: Callable[[], None] | None = None
) -> dict[str, int]:
    """Write every row marked 'apply' as an expense, all or nothing; running it again adds nothing twice.

    The expenses are written in bulk (expenses_create_many) under the same rules as one by one."""
    if batch.owner_id != actor.pk:
        raise NotFound("Import not found.")
    if batch.status == ImportStatus.DISCARDED:
        raise Conflict("This import was discarded.")
    failed: dict[int, list[str]] = {}
    try:
        with transaction.atomic():
            locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
            owner = locked.owner
            # Only the columns apply reads (a row's cells and duplicates stay in the database).
            rows = [
                _Line(pk=pk, line_number=line_number, values=values, errors=errors, restaurant_id=restaurant_id)
                for pk, line_number, values, errors, restaurant_id in locked.rows.filter(
                    action=ImportAction.APPLY, expense__isnull=True
                )
                .order_by("line_number")
                .values_list("pk", "line_number", "values", "errors", "restaurant_id")
            ]
            told = ImportProgress(locked, len(rows))
            restaurants = {
                ("id", r.pk): r
                for r in Restaurant.objects.filter(owner=owner, pk__in={row.restaurant_id for row in rows} - {None})
            }
            restaurants.update(_restaurants_to_resolve(owner, rows, restaurants, failed))
            categories = {c.name.lower(): c for c in Category.objects.filter(owner=owner)}
            to_write, drafts = [], []
            for row in rows:
                if row.errors:
                    failed[row.line_number] = list(row.errors)
                elif row.line_number not in failed:
                    try:
                        drafts.append(_draft_of(owner, row, restaurants, categories))
                        to_write.append(row)
                    except DomainError as exc:
                        failed[row.line_number] = [_messages(exc)]
                told.advance()
                if progress:
                    progress()
            expenses = []
            try:
                expenses = expenses_create_many(owner=owner, drafts=drafts, source=ChangeSource.IMPORT)
            except ExpenseDraftsRefused as exc:
                failed.update({to_write[index].line_number: [_messages(error)] for index, error in exc.refused.items()})
            if failed:
                raise _Rollback
            written = {row.pk: expense.pk for row, expense in zip(to_write, expenses, strict=True)}
            update_by_pk(ImportRow, "expense", written)
            locked.status = ImportStatus.APPLIED
            locked.created_count += len(expenses)
            locked.applied_at = timezone.now()
            locked.save(update_fields=["status", "created_count", "applied_at"])
            import_events_on_commit(locked, "import.applied", created=len(expenses), total=len(rows))
    except _Rollback:
        failures = {f"line {line}": failed[line] for line in sorted(failed)}
        _record_failures(batch, failures)
        import_events_on_commit(batch, "import.failed", failed=len(failures))
        raise ImportFailed(failures) from None
    batch.refresh_from_db()
    skipped = batch.rows.filter(action=ImportAction.SKIP).count()
    metrics.business_event_on_commit("import_applied", meals=len(expenses))
    return {"created": len(expenses), "skipped": skipped, "failed": 0}


def _messages(exc: DomainError) -> str:
    errors = getattr(exc, "errors", None)
    if errors:
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in errors.items())
    return f"{exc.field}: {exc.message}" if exc.field else exc.message


def _record_failures(batch: ImportBatch, failures: dict[str, list[str]]) -> None:
    by_line = {int(key.split()[1]): messages for key, messages in failures.items()}
    rows = list(batch.rows.filter(line_number__in=by_line))
    for row in rows:
        row.errors = sorted(set(row.errors) | set(by_line[row.line_number]))
    ImportRow.objects.bulk_update(rows, ["errors"], batch_size=1000)


def _draft_of(owner: User, row: _Line, restaurants: dict, categories: dict) -> dict:
    """expense_create's arguments for one row; a category the row names is created when new."""
    values = row.values
    restaurant = restaurants.get(("id", row.restaurant_id)) or restaurants.get(("line", row.line_number))
    category = None
    if values.get("category_name"):
        key = values["category_name"].lower()
        if key not in categories:
            categories[key] = expense_services.category_create(owner=owner, name=values["category_name"])
        category = categories[key]
    rate = Decimal(values["exchange_rate"]) if values.get("exchange_rate") else None
    if values.get("rate_source") == RateSource.STORED:  # checked equal to this instance's stored rate at review
        rate = None
    return {
        "amount": Decimal(values["amount"]),
        "occurred_at": datetime.datetime.fromisoformat(values["occurred_at"]),
        "currency": values["currency"],
        "exchange_rate": None if values["currency"] == settings.REPORTING_CURRENCY else rate,
        "tags": values.get("tags", []),
        "restaurant": restaurant,
        "category": category,
        "cleared_on": datetime.date.fromisoformat(values["cleared_on"]) if values.get("cleared_on") else None,
        "meal_type": values["meal_type"],
        "order_type": values["order_type"],
        "party_size": values["party_size"],
        "tax": Decimal(values["tax"]),
        "tip": Decimal(values["tip"]),
        "fees": Decimal(values.get("fees") or 0),
        "payment_method": values.get("payment_method", ""),
        "notes": values.get("notes", ""),
        "is_business": values.get("is_business", False),
        "business_purpose": values.get("business_purpose", ""),
        "attendees": values.get("attendees", ""),
        "charged_amount": Decimal(values["charged_amount"]) if values.get("charged_amount") else None,
        "charged_currency": values.get("charged_currency", "") if values.get("charged_amount") else "",
    }


def _restaurants_to_resolve(owner: User, rows: list[_Line], known: dict, failed: dict) -> dict:
    """("line", n) -> the restaurant row n names when the review matched none: found by its identity or created
    (linked to its merchant) in bulk, one restaurant per identity. A row whose restaurant is refused fails."""
    wanted = list(
        _restaurants_named([row for row in rows if not row.errors and ("id", row.restaurant_id) not in known]).values()
    )
    try:
        resolved = expense_services.restaurants_resolve(owner=owner, drafts=[fields for fields, _ in wanted])
    except expense_services.RestaurantDraftsRefused as exc:
        failed.update(
            {row.line_number: [_messages(error)] for index, error in exc.refused.items() for row in wanted[index][1]}
        )
        wanted = [named for index, named in enumerate(wanted) if index not in exc.refused]
        resolved = expense_services.restaurants_resolve(owner=owner, drafts=[fields for fields, _ in wanted])
    return {
        ("line", row.line_number): restaurant
        for (_, named_by), restaurant in zip(wanted, resolved, strict=True)
        for row in named_by
    }


def import_batch_discard(*, batch: ImportBatch) -> None:
    if batch.status == ImportStatus.APPLIED:
        raise Conflict("An applied import cannot be discarded.")
    batch.status = ImportStatus.DISCARDED
    batch.save(update_fields=["status"])


def import_summary(batch: ImportBatch) -> dict[str, int]:
    """Counts for the review screen: rows to apply, skipped, with errors, with warnings, with duplicates, imported."""
    counts = batch.rows.aggregate(
        to_apply=Count("id", filter=Q(action=ImportAction.APPLY, expense__isnull=True)),
        skipped=Count("id", filter=Q(action=ImportAction.SKIP)),
        with_errors=Count("id", filter=~Q(errors=[])),
        with_warnings=Count("id", filter=Q(values__has_key="warnings")),
        with_duplicates=Count("id", filter=~Q(duplicate_ids=[])),
        imported=Count("id", filter=Q(expense__isnull=False)),
    )
    return {"rows": batch.row_count, **counts}
