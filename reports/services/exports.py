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
import re
import zoneinfo
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections
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
    alias = expenses.db
    if connections[alias].vendor != "postgresql":
        yield from _expense_rows_of(values_query)
        return
    # PostgreSQL plans a cursor for its first tenth of rows unless told otherwise; an export reads them all (for
    # 100,000 rows the first came after 1.0-1.2 s rather than 1.8-2.1 s). For the transaction the rows are read in.
    with exports_postgresql.export_transaction(alias, cursor_tuple_fraction="1"):
        yield from _expense_rows_of(values_query)


def _expense_rows_of(values_query) -> Iterator[list]:
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
        if connection.vendor == "postgresql":
            text = _json_stream(records=json_records_postgresql(expenses))
        else:
            text = _json_stream(expense_rows(expenses))
        response = StreamingHttpResponse(text, content_type=CONTENT_TYPES["json"])
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


# --- JSON on PostgreSQL: the database writes each record ------------------------------------------------------------
# Building each record in Python (values typed by the driver, the row made, the record encoded) was most of a
# 1,000-row export's time. Here one query writes each record's JSON text as `_JSON_ENCODER` writes the Python
# path's (the same keys, ", " and ": ", Decimals as their exact strings, dates and UTC moments in ISO 8601, text
# escaped as JSON; a test holds the two paths to the same bytes). PostgreSQL leaves other than ASCII as it is, which
# json.dumps escapes: `_ascii_json` escapes it in the few records that have any. The exchange rate is written by
# Python (str(Decimal) writes rates under 0.000001 with an exponent; numeric's text never does).
# In the query's transaction the time zone is UTC: a moment's text is one to_char (`AT TIME ZONE 'UTC'` looked the
# zone up again for every value), and the meal's local time is converted once (`local`).
_JSON_UTC = "replace(to_char({0}, 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), '.000000Z', 'Z')"


def _json_text(expression: str) -> str:
    return f"coalesce(to_json({expression})::text, 'null')"


def _json_quoted(expression: str) -> str:
    """A value whose text is its JSON string's content (numbers as text, dates, moments): quoted, or null."""
    return f"coalesce('\"' || {expression} || '\"', 'null')"


_JSON_CELLS = {
    "occurred_at": [
        _json_quoted("to_char(local.occurred_at, 'YYYY-MM-DD')"),
        _json_quoted("to_char(local.occurred_at, 'HH24:MI')"),
        _json_text("u.timezone"),
        _json_quoted(_JSON_UTC.format("e.occurred_at")),
        _json_quoted("to_char(e.occurred_at, 'HH24:MI:SS')"),
    ],
    "reporting_amount": [_json_quoted("e.reporting_amount::text"), "%s"],  # %s: the reporting currency's JSON
    "category": ["CASE WHEN e.category_id IS NULL THEN '\"\"' ELSE " + _json_text("c.name") + " END"],
    "tags": [_json_text("coalesce(tags.names, '')")],
    "attendees": [_json_text("coalesce(people.text, '')")],
    "owner": [_json_text("u.email")],
}
_JSON_RATE = "exchange_rate"  # written by Python: the record is split around it
# The restaurant's keys and values, written once per restaurant (a lateral subquery PostgreSQL caches by its key)
# and reused for each of its meals; empty strings for a meal without one.
_JSON_RESTAURANT = [
    _json_text("r.name"),
    _json_text("r.location_name"),
    _json_text(
        "CASE WHEN r.address_line_1 <> '' AND r.address_line_2 <> '' THEN r.address_line_1 || ', ' || "
        "r.address_line_2 WHEN r.address_line_1 <> '' THEN r.address_line_1 ELSE r.address_line_2 END"
    ),
    _json_text("r.city"),
    _json_text("r.region"),
    _json_text("r.postal_code"),
    _json_text("r.country"),
    _json_text("coalesce(r.place_id, '')"),
    _json_text("r.cuisine"),
]
_RESTAURANT_KEYS = [json.dumps(column) for column in FIELDS_BY_NAME["restaurant"].columns]
_JSON_RESTAURANT_SEGMENT = (
    "concat("
    + ", ".join(
        arg for key, sql in zip(_RESTAURANT_KEYS, _JSON_RESTAURANT, strict=True) for arg in (f"', {key}: '", sql)
    )
    + ")"
)
_JSON_NO_RESTAURANT = "'" + "".join(f', {key}: ""' for key in _RESTAURANT_KEYS) + "'"


def _json_own_cell(field) -> str:
    column = f"e.{field.name}"
    if field.kind is Kind.BOOLEAN:
        return f"CASE WHEN {column} IS NULL THEN 'null' WHEN {column} THEN 'true' ELSE 'false' END"
    if field.kind is Kind.DATE:
        return _json_quoted(f"to_char({column}, 'YYYY-MM-DD')")
    if field.kind is Kind.MOMENT:
        return _json_quoted(_JSON_UTC.format(column))
    if field.kind is Kind.MONEY:
        return _json_quoted(f"{column}::text")  # two decimal places: numeric's text is str(Decimal)'s
    if field.kind in {Kind.KEY, Kind.INTEGER}:
        return f"coalesce({column}::text, 'null')"
    if field.kind in {Kind.TEXT, Kind.CHOICE, Kind.CODE}:
        return _json_text(column)
    raise ImproperlyConfigured(f"The JSON query has no expression for {field.name}'s columns {field.columns}.")


def _json_record_sql() -> tuple[str, str]:
    """The record's SQL text before and after the exchange rate's value."""
    parts, cells = [], []
    for field in _EXPORTED:
        if field.name == _JSON_RATE:
            parts.append(cells)
            cells = []
            continue
        if field.name == "restaurant":  # keys and values together (None: no key of its own)
            cells.append((None, f"coalesce(restaurant.json, {_JSON_NO_RESTAURANT})"))
            continue
        expressions = _JSON_CELLS.get(field.name) or [_json_own_cell(field)]
        cells += [(json.dumps(name), sql) for name, sql in zip(field.columns, expressions, strict=True)]
    parts.append(cells)
    before, after = parts
    rate = json.dumps(_JSON_RATE)
    # concat() writes each text once (a chain of || copied the growing record at every step); at most 100 arguments.
    openers = ["{", *[", "] * (len(before) - 1)]
    head = [
        arg
        for opener, (name, sql) in zip(openers, before, strict=True)
        for arg in ((f"'{opener}{name}: '", sql) if name else (sql,))
    ]
    tail = [arg for name, sql in after for arg in ((f"', {name}: '", sql) if name else (sql,))]
    head.append(f"', {rate}: '")
    tail.append("'}'")
    return "concat(" + ", ".join(head) + ")", "concat(" + ", ".join(tail) + ")"


_JSON_HEAD_SQL, _JSON_TAIL_SQL = _json_record_sql()
_JSON_QUERY = """
    WITH listed AS NOT MATERIALIZED ({listed})
    SELECT {head}, e.exchange_rate::text, {tail}
    FROM listed e
    JOIN accounts_user u ON u.id = e.owner_id
    CROSS JOIN LATERAL (SELECT e.occurred_at AT TIME ZONE u.timezone AS occurred_at) local
    LEFT JOIN LATERAL (
        SELECT {restaurant} AS json FROM expenses_restaurant r WHERE r.id = e.restaurant_id OFFSET 0
    ) restaurant ON true
    LEFT JOIN expenses_category c ON c.id = e.category_id
    LEFT JOIN (
        SELECT et.expense_id, string_agg(t.name, ',' ORDER BY t.name COLLATE "C") AS names
        FROM expenses_expensetag et JOIN expenses_tag t ON t.id = et.tag_id
        WHERE et.expense_id IN (SELECT id FROM listed)
        GROUP BY et.expense_id
    ) tags ON tags.expense_id = e.id
    LEFT JOIN (
        SELECT a.expense_id, string_agg(
            a.name || CASE WHEN coalesce(au.email, '') <> '' THEN ' <' || au.email || '>' ELSE '' END
            || CASE WHEN a.company <> '' OR a.relationship <> '' THEN ' | ' || a.company ELSE '' END
            || CASE WHEN a.relationship <> '' THEN ' | ' || a.relationship ELSE '' END,
            '; ' ORDER BY a.position, a.id
        ) AS text
        FROM expenses_attendee a LEFT JOIN accounts_user au ON au.id = a.user_id
        WHERE a.expense_id IN (SELECT id FROM listed)
        GROUP BY a.expense_id
    ) people ON people.expense_id = e.id
    ORDER BY e.occurred_at, e.id
"""
# The expense columns the records read, selected by the list's own query (its filters, its visibility).
_JSON_LISTED = [
    f"{field.name}_id" if field.is_relation else field.name
    for field in _EXPORTED
    if field.name not in {"tags", "attendees"}
]
_NOT_ASCII = re.compile(r"[^\x00-\x7e]")


def _ascii_escape(match: re.Match) -> str:
    code = ord(match.group())
    if code > 0xFFFF:
        code -= 0x10000
        return f"\\u{0xD800 | (code >> 10):04x}\\u{0xDC00 | (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def _ascii_json(text: str) -> str:
    """JSON text with what is not printable ASCII escaped, as json.dumps escapes it (escapes PostgreSQL already
    wrote, of quotes, backslashes and control characters, are ASCII and stay)."""
    return _NOT_ASCII.sub(_ascii_escape, text)


def json_records_postgresql(expenses: QuerySet[Expense]) -> Iterator[str]:
    """The expenses' JSON records, oldest first, from a server-side cursor.

    The database is the one the queryset reads from, chosen now: the records are read after the view has returned,
    when the request's routing (mealtracker/db_router.py) no longer applies."""
    alias, listed_sql, listed_params = exports_postgresql.listed_query(expenses, _JSON_LISTED)
    sql = _JSON_QUERY.format(
        listed=listed_sql, head=_JSON_HEAD_SQL, tail=_JSON_TAIL_SQL, restaurant=_JSON_RESTAURANT_SEGMENT
    )
    return _json_records(alias, sql, [*listed_params, json.dumps(settings.REPORTING_CURRENCY)])


def _json_records(alias: str, sql: str, params: list) -> Iterator[str]:
    # Moments in UTC, and the cursor planned for every row (the fast-start plan took 35 ms to read 1,000 records).
    for head, rate, tail in exports_postgresql.streamed_rows(
        alias, sql, params, TimeZone="UTC", cursor_tuple_fraction="1"
    ):
        record = f'{head}"{Decimal(rate)}"{tail}' if rate is not None else f"{head}null{tail}"
        yield record if record.isascii() and "\x7f" not in record else _ascii_json(record)


def _json_stream(rows: Iterable[list] = (), *, records: Iterable[str] | None = None) -> Iterator[str]:
    """The export's JSON, one record a line, in chunks of JSON_ROWS_PER_CHUNK records (a chunk a record had the
    response encode and hand on every line): the `records` written by PostgreSQL (`json_records_postgresql`), or
    `rows` encoded here, with no Python call for a cell the encoder writes itself."""
    head = {
        "kind": "mealtracker.expenses",
        "schema_version": EXPORT_SCHEMA_VERSION,
        "exported_at": timezone.now().isoformat(),
        "reporting_currency": settings.REPORTING_CURRENCY,
    }
    yield json.dumps(head)[:-1] + ', "expenses": ['
    if records is None:
        encode, columns = _JSON_ENCODER.encode, EXPENSE_COLUMNS
        records = (encode(dict(zip(columns, row, strict=True))) for row in rows)
    separator = "\n"
    for chunk in itertools.batched(records, JSON_ROWS_PER_CHUNK):
        yield separator + ",\n".join(chunk)
        separator = ",\n"
    yield "\n]}\n"
