"""The expense CSV export on PostgreSQL: the database writes every line, Python only streams them out.

Building each row in Python (Decimal and datetime objects, the owner's timezone, formula neutralising) was most
of a 100,000-row export's time, and so was turning 37 cells a row into Python strings (docs/performance.md). Here
one query returns each row as its finished CSV line, formatted and quoted exactly as `reports.services.exports.expense_row`
+ `_expense_csv_row` + csv.writer write it (a test holds the two paths to the same bytes), and streams the lines
from a server-side cursor, so memory stays flat however long the list.
"""

from collections.abc import Iterator

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet

from expenses.models import Expense

CHUNK_SIZE = 2000


def _utc_text(column: str) -> str:
    """ISO 8601 in UTC with a Z, microseconds only when there are some (as datetime.isoformat writes them)."""
    return (
        f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE "
        f"WHEN mod(extract(microseconds FROM {column}), 1000000) <> 0 "
        f"THEN '.' || to_char({column} AT TIME ZONE 'UTC', 'US') ELSE '' END || 'Z'"
    )


class _Text(str):
    """A free-text cell: the only kind that is neutralised, and that can need quoting in the CSV line."""


def _neutralised(expression: str) -> _Text:
    """A leading apostrophe on text a spreadsheet would run as a formula (reports.services.exports.FORMULA_PREFIXES)."""
    return _Text(
        f"CASE WHEN left({expression}, 1) IN ('=', '+', '-', '@', E'\\t', E'\\r') "
        f"THEN '''' || {expression} ELSE {expression} END"
    )


def _restaurant(column: str) -> _Text:
    return _neutralised(f"coalesce(r.{column}, '')")


def _csv_field(column: str) -> str:
    """The cell as csv.writer (QUOTE_MINIMAL) writes it: quoted, quotes doubled, when it holds , " CR or LF."""
    return (
        f"CASE WHEN strpos({column}, ',') > 0 OR strpos({column}, '\"') > 0 OR strpos({column}, E'\\n') > 0 "
        f"OR strpos({column}, E'\\r') > 0 THEN '\"' || replace({column}, '\"', '\"\"') || '\"' ELSE {column} END"
    )


# One expression per reports.services.exports.EXPENSE_COLUMNS entry, in that order.
_SELECT = [
    "e.id::text",
    "to_char(e.occurred_at AT TIME ZONE u.timezone, 'YYYY-MM-DD')",
    "to_char(e.occurred_at AT TIME ZONE u.timezone, 'HH24:MI')",
    "u.timezone",
    _utc_text("e.occurred_at"),
    "to_char(e.occurred_at AT TIME ZONE 'UTC', 'HH24:MI:SS')",
    "to_char(e.cleared_on, 'YYYY-MM-DD')",
    "e.amount::text",
    "e.currency",
    "e.tax::text",
    "e.tip::text",
    "e.reporting_amount::text",
    "%s",  # the reporting currency
    "e.exchange_rate::text",
    "e.meal_type",
    "e.order_type",
    "e.party_size::text",
    _neutralised("e.payment_method"),
    _neutralised("coalesce(c.name, '')"),
    _neutralised("coalesce(tags.names, '')"),
    _restaurant("name"),
    _restaurant("location_name"),
    _neutralised(
        "CASE WHEN r.address_line_1 <> '' AND r.address_line_2 <> '' "
        "THEN r.address_line_1 || ', ' || r.address_line_2 "
        "ELSE coalesce(r.address_line_1, '') || coalesce(r.address_line_2, '') END"
    ),
    _restaurant("city"),
    _restaurant("region"),
    _restaurant("postal_code"),
    _restaurant("country"),
    _restaurant("place_id"),
    _restaurant("cuisine"),
    _neutralised("e.notes"),
    "CASE WHEN e.is_business THEN 'true' ELSE 'false' END",
    _neutralised("e.business_purpose"),
    _neutralised("e.attendees"),
    "e.status",
    _neutralised("u.email"),
    _utc_text("e.created_at"),
    _utc_text("e.updated_at"),
]

# The cells are computed once in the inner query (OFFSET 0 keeps PostgreSQL from folding it into the outer one,
# which would evaluate each cell's expression again for every reference the quoting makes), then joined into
# lines. Tags sorted by code point (COLLATE "C"), as Python's sorted() orders them on the other path.
_QUERY = """
    SELECT {line}
    FROM (
        SELECT e.occurred_at AS sort_when, e.id AS sort_id, {cells}
        FROM ({listed}) e
        JOIN accounts_user u ON u.id = e.owner_id
        LEFT JOIN expenses_restaurant r ON r.id = e.restaurant_id
        LEFT JOIN expenses_category c ON c.id = e.category_id
        LEFT JOIN LATERAL (
            SELECT string_agg(t.name, ',' ORDER BY t.name COLLATE "C") AS names
            FROM expenses_expensetag et JOIN expenses_tag t ON t.id = et.tag_id
            WHERE et.expense_id = e.id
        ) tags ON true
        OFFSET 0
    ) cells
    ORDER BY sort_when, sort_id
"""


# The expense columns the cells read, selected by the list's own query (its filters, its visibility): joining a
# second copy of the expenses table to `id IN (that query)` cost a hash join over all of it (0.5 s at 1M rows).
_EXPENSE_COLUMNS = [
    "id", "owner_id", "restaurant_id", "category_id", "occurred_at", "cleared_on", "amount", "currency", "tax", "tip",
    "reporting_amount", "exchange_rate", "meal_type", "order_type", "party_size", "payment_method", "notes",
    "is_business", "business_purpose", "attendees", "status", "created_at", "updated_at",
]  # fmt: skip


def _query(listed_sql: str) -> str:
    cells = ",\n            ".join(f"{expression} AS c{index}" for index, expression in enumerate(_SELECT))
    fields = [
        _csv_field(f"c{index}") if isinstance(expression, _Text) else f"coalesce(c{index}, '')"
        for index, expression in enumerate(_SELECT)
    ]
    line = " || ',' || ".join(fields) + " || E'\\r\\n'"
    return _QUERY.format(line=line, cells=cells, listed=listed_sql)


def expense_csv_lines(expenses: QuerySet[Expense]) -> Iterator[str]:
    """The expenses as finished CSV lines (CRLF-terminated), oldest first, from a server-side cursor."""
    listed_sql, listed_params = expenses.order_by().values(*_EXPENSE_COLUMNS).query.sql_with_params()
    with connection.chunked_cursor() as cursor:
        cursor.execute(_query(listed_sql), [settings.REPORTING_CURRENCY, *listed_params])
        while rows := cursor.fetchmany(CHUNK_SIZE):
            for (line,) in rows:
                yield line
