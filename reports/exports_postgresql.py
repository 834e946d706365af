"""The expense CSV export on PostgreSQL: the database formats every cell, Python's csv module only writes them.

Building each row in Python (Decimal and datetime objects, the owner's timezone, formula neutralising) was most
of a 100,000-row export's time (docs/performance.md). Here one query returns each row as text, formatted exactly
as `reports.exports.expense_row` + `_expense_csv_row` format it (a test holds the two paths to the same bytes),
and streams it from a server-side cursor, so memory stays flat however long the list.
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


def _neutralised(expression: str) -> str:
    """A leading apostrophe on text a spreadsheet would run as a formula (reports.exports.FORMULA_PREFIXES)."""
    return (
        f"CASE WHEN left({expression}, 1) IN ('=', '+', '-', '@', E'\\t', E'\\r') "
        f"THEN '''' || {expression} ELSE {expression} END"
    )


def _restaurant(column: str) -> str:
    return _neutralised(f"coalesce(r.{column}, '')")


# One expression per reports.exports.EXPENSE_COLUMNS entry, in that order.
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

# Tags sorted by code point (COLLATE "C"), as Python's sorted() orders them on the other path.
_QUERY = """
    SELECT {columns}
    FROM expenses_expense e
    JOIN accounts_user u ON u.id = e.owner_id
    LEFT JOIN expenses_restaurant r ON r.id = e.restaurant_id
    LEFT JOIN expenses_category c ON c.id = e.category_id
    LEFT JOIN LATERAL (
        SELECT string_agg(t.name, ',' ORDER BY t.name COLLATE "C") AS names
        FROM expenses_expensetag et JOIN expenses_tag t ON t.id = et.tag_id
        WHERE et.expense_id = e.id
    ) tags ON true
    WHERE e.id IN ({ids})
    ORDER BY e.occurred_at, e.id
"""


def expense_csv_rows(expenses: QuerySet[Expense]) -> Iterator[tuple]:
    """The expenses as CSV-ready tuples of text, oldest first, read in chunks from a server-side cursor."""
    ids_sql, ids_params = expenses.order_by().values("pk").query.sql_with_params()
    sql = _QUERY.format(columns=",\n        ".join(_SELECT), ids=ids_sql)
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, [settings.REPORTING_CURRENCY, *ids_params])
        while rows := cursor.fetchmany(CHUNK_SIZE):
            yield from rows
