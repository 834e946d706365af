"""The expense CSV export on PostgreSQL: the database writes every line, Python only streams them out.

Building each row in Python (Decimal and datetime objects, the owner's timezone, formula neutralising) was most
of a 100,000-row export's time, and so was turning 37 cells a row into Python strings (docs/performance.md). Here
one query returns each row as its finished CSV line, formatted and quoted exactly as
`reports.services.exports.expense_row` + `_expense_csv_row` + csv.writer write it (a test holds the two paths to
the same bytes), and streams the lines from a server-side cursor, so memory stays flat however long the list.
The cells come from the expense's one field declaration (expenses/fields.py), as the Python writer's do.

The cursor lives in a transaction opened by the stream (not WITH HOLD, which has PostgreSQL compute every line
before the first one leaves), so lines leave as the query makes them: only the listed rows, their tags and
attendees are sorted first; each owner's, restaurant's and category's cells are written once and reused.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, transaction
from django.db.models import QuerySet

from expenses.fields import EXPENSE_FIELDS, ExpenseField, Kind
from expenses.models import Expense
from mealtracker.csv_cells import FORMULA_PREFIXES

CHUNK_SIZE = 2000
# For the export's transaction only: a 100,000-row export's sort (23 MB) stays in memory instead of on disk.
WORK_MEM = "64MB"

_FORMULA_CODES = ", ".join(str(ord(prefix)) for prefix in FORMULA_PREFIXES)  # one character each


def _cell(value: str) -> str:
    """A free-text value as its finished CSV cell: an apostrophe before text a spreadsheet would run as a formula
    (reports.services.exports.FORMULA_PREFIXES), then quoted with quotes doubled when it holds , " CR or LF, as
    csv.writer (QUOTE_MINIMAL) writes it; NULL stays NULL. `value` is a column or a cheap expression: it is repeated."""
    apostrophe = f"CASE WHEN ascii({value}) IN ({_FORMULA_CODES}) THEN '''' ELSE '' END"
    return (
        f"CASE WHEN strpos({value}, ',') > 0 OR strpos({value}, '\"') > 0 OR strpos({value}, E'\\n') > 0 "
        f"OR strpos({value}, E'\\r') > 0 THEN '\"' || {apostrophe} || replace({value}, '\"', '\"\"') || '\"' "
        f"ELSE {apostrophe} || {value} END"
    )


def _utc_text(column: str, *, with_time: bool = False) -> str:
    """ISO 8601 in UTC with a Z, microseconds only when there are some (as datetime.isoformat writes them), and
    with `with_time` the time of day in UTC as a second cell. One to_char in the transaction's time zone, UTC
    (`expense_csv_lines`): `AT TIME ZONE 'UTC'` looked the zone up again for every value, most of the formatting's
    time."""
    time_cell = ",HH24:MI:SS" if with_time else ""
    return f"replace(to_char({column}, 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"{time_cell}'), '.000000Z', 'Z')"


# The restaurant's cells, written once per restaurant (the export reuses them for each of its expenses).
_RESTAURANT_CELLS = [
    "r.name",
    "r.location_name",
    "CASE WHEN r.address_line_1 <> '' AND r.address_line_2 <> '' "
    "THEN r.address_line_1 || ', ' || r.address_line_2 ELSE r.address_line_1 || r.address_line_2 END",
    "r.city",
    "r.region",
    "r.postal_code",
    "r.country",
    "r.place_id",
    "r.cuisine",
]

# The declared fields whose columns are more than their own value, as SQL giving their finished cells (one text
# for all of a field's columns, joined by commas).
CELL_EXPRESSIONS = {
    "occurred_at": (
        "to_char(e.occurred_at AT TIME ZONE owner.timezone, 'YYYY-MM-DD,HH24:MI,') || owner.timezone || ',' || "
        + _utc_text("e.occurred_at", with_time=True)
    ),
    "reporting_amount": "e.reporting_amount::text || ',' || %s",  # %s: the reporting currency
    "category": "coalesce(category.cell, '')",
    "tags": "coalesce(e.tags_cell, '')",
    "restaurant": "coalesce(restaurant.cells, '{}')".format("," * (len(_RESTAURANT_CELLS) - 1)),
    "attendees": "coalesce(e.attendees_cell, '')",
    "owner": "owner.cell",
}


def _own_value(field: ExpenseField) -> str:
    """The one cell of a field that is written as its own value, by kind."""
    column = f"e.{field.name}"
    if field.kind is Kind.TEXT:
        return f"coalesce({_cell(column)}, '')"
    if field.kind is Kind.BOOLEAN:
        return f"CASE WHEN {column} THEN 'true' ELSE 'false' END"
    if field.kind is Kind.DATE:
        return f"coalesce(to_char({column}, 'YYYY-MM-DD'), '')"
    if field.kind is Kind.MOMENT:
        return f"coalesce({_utc_text(column)}, '')"
    if field.kind in {Kind.KEY, Kind.MONEY, Kind.RATE, Kind.INTEGER}:
        return f"coalesce({column}::text, '')"
    if field.kind in {Kind.CHOICE, Kind.CODE}:
        return f"coalesce({column}, '')"
    raise ImproperlyConfigured(f"The CSV query has no expression for {field.name}'s columns {field.columns}.")


def _cells(field: ExpenseField) -> str:
    if field.name in CELL_EXPRESSIONS:
        return CELL_EXPRESSIONS[field.name]
    if len(field.columns) != 1 or field.is_relation:
        raise ImproperlyConfigured(f"The CSV query has no expression for {field.name}'s columns {field.columns}.")
    return _own_value(field)


# The line: one expression per field, in reports.services.exports.EXPENSE_COLUMNS order.
_LINE = " || ',' || ".join(_cells(field) for field in EXPENSE_FIELDS if field.columns) + " || E'\\r\\n'"

# Tags sorted by code point (COLLATE "C"), as Python's sorted() orders them on the other path. Tags and
# attendees are gathered once for the listed expenses and hash-joined (a lookup per row was most of the query's
# time); only these rows are sorted, and every join above the sort keeps its order (the last ORDER BY holds it
# whatever plan is chosen). Owners, restaurants and categories repeat across rows: each is written once
# (PostgreSQL caches a lateral subquery's result by its key) and OFFSET 0 keeps it from being merged into the
# outer query, which would write it again for every row.
_QUERY = """
    WITH listed AS NOT MATERIALIZED ({listed})
    SELECT {line}
    FROM (
        SELECT e.*, tags.cell AS tags_cell, people.cell AS attendees_cell
        FROM listed e
        LEFT JOIN (
            SELECT expense_id, {tags_cell} AS cell
            FROM (
                SELECT et.expense_id, string_agg(t.name, ',' ORDER BY t.name COLLATE "C") AS names
                FROM expenses_expensetag et JOIN expenses_tag t ON t.id = et.tag_id
                WHERE et.expense_id IN (SELECT id FROM listed)
                GROUP BY et.expense_id
            ) tags
        ) tags ON tags.expense_id = e.id
        LEFT JOIN (
            SELECT expense_id, {attendees_cell} AS cell
            FROM (
                SELECT a.expense_id, string_agg({attendee}, '; ' ORDER BY a.position, a.id) AS text
                FROM expenses_attendee a LEFT JOIN accounts_user au ON au.id = a.user_id
                WHERE a.expense_id IN (SELECT id FROM listed)
                GROUP BY a.expense_id
            ) people
        ) people ON people.expense_id = e.id
        ORDER BY e.occurred_at, e.id
    ) e
    JOIN LATERAL (
        SELECT u.timezone, {owner_cell} AS cell FROM accounts_user u WHERE u.id = e.owner_id OFFSET 0
    ) owner ON true
    LEFT JOIN LATERAL (
        SELECT {restaurant_cells} AS cells FROM expenses_restaurant r WHERE r.id = e.restaurant_id OFFSET 0
    ) restaurant ON true
    LEFT JOIN LATERAL (
        SELECT {category_cell} AS cell FROM expenses_category c WHERE c.id = e.category_id OFFSET 0
    ) category ON true
    ORDER BY e.occurred_at, e.id
"""

# The expense columns the cells read, selected by the list's own query (its filters, its visibility): joining a
# second copy of the expenses table to `id IN (that query)` cost a hash join over all of it (0.5 s at 1M rows).
_EXPENSE_COLUMNS = [
    f"{field.name}_id" if field.is_relation else field.name
    for field in EXPENSE_FIELDS
    if field.columns and field.name not in {"tags", "attendees"}
]
# One attendee as expenses.services.attendees.attendee_text writes it.
_ATTENDEE = (
    "a.name || CASE WHEN au.email IS NOT NULL THEN ' <' || au.email || '>' ELSE '' END"
    " || CASE WHEN a.company <> '' OR a.relationship <> '' THEN ' | ' || a.company ELSE '' END"
    " || CASE WHEN a.relationship <> '' THEN ' | ' || a.relationship ELSE '' END"
)


def _query(listed_sql: str) -> str:
    return _QUERY.format(
        listed=listed_sql,
        line=_LINE,
        tags_cell=_cell("names"),
        attendees_cell=_cell("text"),
        attendee=_ATTENDEE,
        owner_cell=_cell("u.email"),
        restaurant_cells=" || ',' || ".join(f"coalesce({_cell(value)}, '')" for value in _RESTAURANT_CELLS),
        category_cell=_cell("c.name"),
    )


def expense_csv_lines(expenses: QuerySet[Expense]) -> Iterator[str]:
    """The expenses as finished CSV lines (CRLF-terminated), oldest first, from a server-side cursor.

    The database is the one the queryset reads from, chosen now: the lines are read after the view has returned,
    when the request's routing (mealtracker/db_router.py) no longer applies."""
    alias, listed_sql, listed_params = listed_query(expenses, _EXPENSE_COLUMNS)
    # Moments written in UTC (see _utc_text), and memory for the sort of the listed rows.
    rows = streamed_rows(
        alias, _query(listed_sql), [*listed_params, settings.REPORTING_CURRENCY], TimeZone="UTC", work_mem=WORK_MEM
    )
    return (line for (line,) in rows)


def listed_query(expenses: QuerySet[Expense], columns) -> tuple[str, str, list]:
    """The database `expenses` read from, and the SQL and parameters of their `columns` (no ordering)."""
    alias = expenses.db
    listed_sql, listed_params = expenses.order_by().values(*columns).query.get_compiler(using=alias).as_sql()
    return alias, listed_sql, list(listed_params)


@contextmanager
def export_transaction(alias: str, **options: str) -> Iterator[None]:
    """A transaction to read an export in as it streams, with PostgreSQL settings for it alone. It ends with the
    stream: after the last row, or when the response is closed early (the client went away), which rolls it back.
    No WITH HOLD cursor: that had PostgreSQL compute the whole result before the first row left."""
    with transaction.atomic(using=alias):
        if options:
            with connections[alias].cursor() as cursor:
                calls = ", ".join("set_config(%s, %s, true)" for _ in options)
                cursor.execute(f"SELECT {calls}", [value for pair in options.items() for value in pair])  # nosec B608
        yield


def streamed_rows(alias: str, sql: str, params: list, **options: str) -> Iterator[tuple]:
    """The rows of `sql` from a server-side cursor, read in an export_transaction with `options` set."""
    with export_transaction(alias, **options), connections[alias].chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK_SIZE):
            yield from rows
