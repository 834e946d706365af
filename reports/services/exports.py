"""Exports of the expense list: CSV and JSON (the stable export format), XLSX and PDF (for people).

Memory stays flat for large lists: rows come from `queryset.iterator(chunk_size=...)`, CSV and JSON are
generated into a StreamingHttpResponse, XLSX rows are written as XML into a temporary workbook file that is
streamed back (export_xlsx.py), PDF is drawn page by page to a temporary file (export_pdf.py).
Reports as files: report_exports.py. Formats: docs/reports.md.
"""

import csv
import datetime
import functools
import io
import itertools
import json
import zoneinfo
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from accounts.models import User
from expenses.attendee_selectors import attendee_entries, attendee_entries_text
from expenses.fields import EXPENSE_FIELDS, EXPORT_COLUMNS, FIELDS_BY_NAME, Kind
from expenses.models import Expense
from mealtracker.aggregates import CommaJoined
from mealtracker.csv_cells import FORMULA_PREFIXES, neutralise  # noqa: F401 - imported from here by the exports
from reports.selectors import ReportFilters, Scope
from reports.selectors.exports import currency_totals, filter_lines
from reports.services import exports_postgresql

EXPORT_SCHEMA_VERSION = 1
CHUNK_SIZE = 2000
PDF_MAX_ROWS = 10_000

# The stable expense export format (v1), one column list for every format, derived from the expense's one field
# declaration (expenses/fields.py). The columns keep the original app's names so its users' tools keep working;
# the importer reads every one of them back (and the original app's own exports).
EXPENSE_COLUMNS = list(EXPORT_COLUMNS)
# What people read for a choice's code ("Dinner" for "dinner") in the XLSX and the PDF.
CHOICE_LABELS = {
    field.columns[0]: {code: str(label) for code, label in Expense._meta.get_field(field.name).choices}
    for field in EXPENSE_FIELDS
    if field.kind is Kind.CHOICE
}

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return str(value)


def _utc_text(moment: datetime.datetime) -> str:
    """ISO 8601 in UTC with a Z (microseconds only when there are some); moments come from the database in UTC."""
    if moment.tzinfo is not datetime.UTC:
        moment = moment.astimezone(datetime.UTC)
    return moment.isoformat()[:-6] + "Z"  # "+00:00" -> "Z"


def _occurred_at_cells(values: dict, tags: list[str]) -> list:
    # The times cut from ISO 8601 text rather than formatted by strftime or field by field: this runs for every
    # exported row (docs/performance.md).
    zone = values["owner__timezone"]
    local = values["occurred_at"].astimezone(_zone(zone))
    utc = _utc_text(values["occurred_at"])
    return [local.date(), local.isoformat()[11:16], zone, utc, utc[11:19]]


def _reporting_amount_cells(values: dict, tags: list[str]) -> list:
    return [values["reporting_amount"], settings.REPORTING_CURRENCY]


def _category_cells(values: dict, tags: list[str]) -> list:
    return [values["category__name"] if values["category_id"] else ""]


def _tags_cells(values: dict, tags: list[str]) -> list:
    return [",".join(tags)]


def _restaurant_cells(values: dict, tags: list[str]) -> list:
    if values["restaurant_id"] is None:
        return [""] * len(FIELDS_BY_NAME["restaurant"].columns)
    line_1, line_2 = values["restaurant__address_line_1"], values["restaurant__address_line_2"]
    return [
        values["restaurant__name"],
        values["restaurant__location_name"],
        f"{line_1}, {line_2}" if line_1 and line_2 else line_1 or line_2,
        values["restaurant__city"],
        values["restaurant__region"],
        values["restaurant__postal_code"],
        values["restaurant__country"],
        values["restaurant__place_id"] or "",
        values["restaurant__cuisine"],
    ]


def _attendees_cells(values: dict, tags: list[str]) -> list:
    entries = values["attendee_entries"]
    return [attendee_entries_text(entries) if entries else ""]


def _owner_cells(values: dict, tags: list[str]) -> list:
    return [values["owner__email"]]


RESTAURANT_VALUES = (
    "restaurant_id", "restaurant__name", "restaurant__location_name", "restaurant__address_line_1",
    "restaurant__address_line_2", "restaurant__city", "restaurant__region", "restaurant__postal_code",
    "restaurant__country", "restaurant__place_id", "restaurant__cuisine",
)  # fmt: skip
# The declared fields whose columns are more than their own value: the values each reads and its cells. Every
# other field is one column holding its value (a time in UTC).
CELL_WRITERS = {
    "occurred_at": (("occurred_at", "owner__timezone"), _occurred_at_cells),
    "reporting_amount": (("reporting_amount",), _reporting_amount_cells),
    "category": (("category_id", "category__name"), _category_cells),
    "tags": ((), _tags_cells),
    "restaurant": (RESTAURANT_VALUES, _restaurant_cells),
    "attendees": ((), _attendees_cells),
    "owner": (("owner__email",), _owner_cells),
}
_EXPORTED = [field for field in EXPENSE_FIELDS if field.columns]
for _field in _EXPORTED:
    if _field.name not in CELL_WRITERS and (len(_field.columns) != 1 or _field.is_relation):
        raise ImproperlyConfigured(f"The expense export has no writer for {_field.name}'s columns {_field.columns}.")
_ROW_PLAN = [
    (field.name, CELL_WRITERS[field.name][1] if field.name in CELL_WRITERS else None, field.kind is Kind.MOMENT)
    for field in _EXPORTED
]
# The values an export reads, fetched as plain values: building four model instances per row (expense, owner,
# restaurant, category) cost ~0.25 ms a row, 25 s for 100,000 rows (bench/run.py, docs/performance.md).
ROW_FIELDS = tuple(
    dict.fromkeys(
        name
        for field in _EXPORTED
        for name in (CELL_WRITERS[field.name][0] if field.name in CELL_WRITERS else (field.name,))
    )
)


def expense_row(values: dict, tags: list[str]) -> list:
    """One expense (its `ROW_FIELDS` values) in the export format: plain Python values in `EXPENSE_COLUMNS` order.

    A list, not a dict: this runs for every exported row, and was most of a 100,000-row CSV's time
    (docs/performance.md)."""
    row = []
    for name, cells, moment in _ROW_PLAN:
        if cells is not None:
            row += cells(values, tags)
        elif moment:
            row.append(_utc_text(values[name]))
        else:
            row.append(values[name])
    return row


@functools.cache
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def expense_rows(expenses: QuerySet[Expense], *, limit: int | None = None) -> Iterator[list]:
    """Export rows in order (the first `limit` of them when given), streamed from one query: memory holds one chunk
    of rows at a time.

    Each row's tags come joined by the database in the same query: asking for each chunk's tags by id took a
    query per 2,000 rows, and a separate ordered stream of all the tags had PostgreSQL sort them all first.
    """
    tag_names = (
        Expense.tags.through.objects.filter(expense=OuterRef("pk"))
        .order_by()
        .values("expense")
        .annotate(names=CommaJoined("tag__name"))
        .values("names")
    )
    rows = expenses.annotate(tag_names=Subquery(tag_names), attendee_entries=attendee_entries()).order_by(
        "occurred_at", "id"
    )
    values_query = rows.values(*ROW_FIELDS, "tag_names", "attendee_entries")
    if limit is not None:
        values_query = values_query[:limit]
    for values in values_query.iterator(chunk_size=CHUNK_SIZE):
        names = values["tag_names"]  # tag names are letters, digits and hyphens: a comma cannot be part of one
        yield expense_row(values, sorted(names.split(",")) if names else [])


CSV_ROWS_PER_CHUNK = 500
# The columns whose text people type or import (free text, and the names and addresses of the objects an expense
# refers to): only these can begin like a spreadsheet formula. The others are ids, amounts (never negative),
# dates, codes and choices.
EXPENSE_TEXT_COLUMNS = [
    column for field in EXPENSE_FIELDS if field.kind in {Kind.TEXT, Kind.RELATION} for column in field.columns
]
_TEXT_INDEXES = [EXPENSE_COLUMNS.index(column) for column in EXPENSE_TEXT_COLUMNS]
_BOOLEAN_INDEXES = [EXPENSE_COLUMNS.index(f.columns[0]) for f in EXPENSE_FIELDS if f.kind is Kind.BOOLEAN]


def _csv_cell(value) -> str:
    """`neutralise(_text(value))`, with the common case (a plain string) first: it runs for every cell."""
    text = value if type(value) is str else _text(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _expense_csv_row(row: list) -> list:
    """An `expense_row` ready for csv.writer, which writes numbers, dates and None (as empty) itself."""
    for index in _TEXT_INDEXES:
        if row[index].startswith(FORMULA_PREFIXES):
            row[index] = "'" + row[index]
    for index in _BOOLEAN_INDEXES:
        row[index] = "true" if row[index] else "false"
    return row


def csv_stream(header: list[str], rows: Iterable[list], *, prepared: bool = False) -> Iterator[str]:
    """The CSV text in chunks of CSV_ROWS_PER_CHUNK rows: one chunk per row made streaming cost more than writing.

    Every cell is formatted and neutralised unless the rows come `prepared` (see `_expense_csv_row`).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # BOM: Excel opens UTF-8 correctly
    writer.writerow(header)
    for count, row in enumerate(rows, start=1):
        writer.writerow(row if prepared else [_csv_cell(value) for value in row])
        if count % CSV_ROWS_PER_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_lines_stream(header: list[str], lines: Iterable[str]) -> Iterator[str]:
    """`csv_stream` for lines that come finished (CRLF-terminated), in chunks of CSV_ROWS_PER_CHUNK lines."""
    yield from csv_stream(header, [])
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) == CSV_ROWS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk)


def _filename(stem: str, file_format: str) -> str:
    return f"{stem}-{timezone.now():%Y%m%d-%H%M%S}.{file_format}"


def attachment(response, stem: str, file_format: str):
    response["Content-Disposition"] = f'attachment; filename="{_filename(stem, file_format)}"'
    response["Cache-Control"] = "no-store"
    return response


def expenses_response(expenses: QuerySet[Expense], file_format: str, *, viewer: User, filters: ReportFilters):
    """The filtered expense list as a download: CSV and JSON in the stable export format, XLSX and PDF for people
    (titled columns, labels, totals; the PDF names its filters)."""
    if file_format == "csv":
        if connection.vendor == "postgresql":
            text = csv_lines_stream(EXPENSE_COLUMNS, exports_postgresql.expense_csv_lines(expenses))
        else:
            text = csv_stream(EXPENSE_COLUMNS, (_expense_csv_row(row) for row in expense_rows(expenses)), prepared=True)
        response = StreamingHttpResponse(text, content_type=CONTENT_TYPES["csv"])
    elif file_format == "json":
        response = StreamingHttpResponse(_json_stream(expense_rows(expenses)), content_type=CONTENT_TYPES["json"])
    elif file_format == "xlsx":
        from reports.services.export_xlsx import expenses_workbook

        response = FileResponse(expenses_workbook(expense_rows(expenses)), content_type=CONTENT_TYPES["xlsx"])
    else:
        from reports.services.export_pdf import expense_list_pdf, heading_lines

        lines = filter_lines(viewer, filters, date_from=filters.date_from, date_to=filters.date_to)
        notes = [
            f"Dates and times in each owner's time zone · totals in each currency and in {settings.REPORTING_CURRENCY}"
        ]
        handle = expense_list_pdf(
            # Only the rows listed are read: the cursor of a longer list was filled on the server to its end.
            expense_rows(expenses, limit=PDF_MAX_ROWS),
            column_index={column: index for index, column in enumerate(EXPENSE_COLUMNS)},
            labels=CHOICE_LABELS,
            totals=currency_totals(expenses),
            lines=heading_lines(lines, notes),
            with_owner=filters.scope != Scope.MINE,
            max_rows=PDF_MAX_ROWS,
        )
        response = FileResponse(handle, content_type=CONTENT_TYPES["pdf"])
    return attachment(response, "expenses", file_format)


def _json_cell(value):
    """`json_value` for the cells the JSON encoder cannot write itself (Decimal, date, time, datetime): the encoder
    calls it only for those, so the plain strings, numbers, booleans and nulls of a row cost no Python call."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# json.dumps's own settings (", " and ": ", ASCII only), made once rather than for every row.
_JSON_ENCODER = json.JSONEncoder(default=_json_cell)
JSON_ROWS_PER_CHUNK = 500


def _json_stream(rows: Iterable[list]) -> Iterator[str]:
    """The export's JSON, one record a line, in chunks of JSON_ROWS_PER_CHUNK records: a chunk a record had the
    response encode and hand on every line, and turning each cell to JSON in Python was a sixth of the time."""
    head = {
        "kind": "mealtracker.expenses",
        "schema_version": EXPORT_SCHEMA_VERSION,
        "exported_at": timezone.now().isoformat(),
        "reporting_currency": settings.REPORTING_CURRENCY,
    }
    yield json.dumps(head)[:-1] + ', "expenses": ['
    encode, columns, separator = _JSON_ENCODER.encode, EXPENSE_COLUMNS, "\n"
    for chunk in itertools.batched(rows, JSON_ROWS_PER_CHUNK):
        yield separator + ",\n".join([encode(dict(zip(columns, row, strict=True))) for row in chunk])
        separator = ",\n"
    yield "\n]}\n"
