"""The expense CSV export on PostgreSQL: the database writes every line, Python only streams them out.

Building each row in Python (Decimal and datetime objects, the owner's timezone, formula neutralising) was most
of a 100,000-row export's time, and so was turning 37 cells a row into Python strings (docs/performance.md). Here
one query returns each row as its finished CSV line, formatted and quoted exactly as
`reports.services.exports.expense_row` + `_expense_csv_row` + csv.writer write it (a test holds the two paths to
the same bytes), and streams the lines from a server-side cursor, so memory stays flat however long the list.
The cells come from the expense's one field declaration (expenses/fields.py), as the Python writer's do.
"""

from collections.abc import Iterator

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import QuerySet

from expenses.fields import EXPENSE_FIELDS, ExpenseField, Kind
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


# The declared fields whose columns are more than their own value, as SQL expressions (one per column).
CELL_EXPRESSIONS = {
    "occurred_at": [
        "to_char(e.occurred_at AT TIME ZONE u.timezone, 'YYYY-MM-DD')",
        "to_char(e.occurred_at AT TIME ZONE u.timezone, 'HH24:MI')",
        "u.timezone",
        _utc_text("e.occurred_at"),
        "to_char(e.occurred_at AT TIME ZONE 'UTC', 'HH24:MI:SS')",
    ],
    "reporting_amount": ["e.reporting_amount::text", "%s"],  # %s: the reporting currency
    "category": [_neutralised("coalesce(c.name, '')")],
    "tags": [_neutralised("coalesce(tags.names, '')")],
    "restaurant": [
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
    ],
    "attendees": [_neutralised("coalesce(people.text, '')")],
    "owner": [_neutralised("u.email")],
}


def _own_value(field: ExpenseField) -> str:
    """The one cell of a field that is written as its own value, by kind."""
    column = f"e.{field.name}"
    if field.kind is Kind.TEXT:
        return _neutralised(column)
    if field.kind is Kind.BOOLEAN:
        return f"CASE WHEN {column} THEN 'true' ELSE 'false' END"
    if field.kind is Kind.DATE:
        return f"to_char({column}, 'YYYY-MM-DD')"
    if field.kind is Kind.MOMENT:
        return _utc_text(column)
    if field.kind in {Kind.KEY, Kind.MONEY, Kind.RATE, Kind.INTEGER}:
        return f"{column}::text"
    if field.kind in {Kind.CHOICE, Kind.CODE}:
        return column
    raise ImproperlyConfigured(f"The CSV query has no expression for {field.name}'s columns {field.columns}.")


def _cells(field: ExpenseField) -> list[str]:
    if field.name in CELL_EXPRESSIONS:
        return CELL_EXPRESSIONS[field.name]
    if len(field.columns) != 1 or field.is_relation:
        raise ImproperlyConfigured(f"The CSV query has no expression for {field.name}'s columns {field.columns}.")
    return [_own_value(field)]


# One expression per reports.services.exports.EXPENSE_COLUMNS entry, in that order.
_SELECT = [expression for field in EXPENSE_FIELDS if field.columns for expression in _cells(field)]

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
        LEFT JOIN LATERAL (
            SELECT string_agg({attendee}, '; ' ORDER BY a.position, a.id) AS text
            FROM expenses_attendee a LEFT JOIN accounts_user au ON au.id = a.user_id
            WHERE a.expense_id = e.id
        ) people ON true
        OFFSET 0
    ) cells
    ORDER BY sort_when, sort_id
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
    cells = ",\n            ".join(f"{expression} AS c{index}" for index, expression in enumerate(_SELECT))
    fields = [
        _csv_field(f"c{index}") if isinstance(expression, _Text) else f"coalesce(c{index}, '')"
        for index, expression in enumerate(_SELECT)
    ]
    line = " || ',' || ".join(fields) + " || E'\\r\\n'"
    return _QUERY.format(line=line, cells=cells, listed=listed_sql, attendee=_ATTENDEE)


def expense_csv_lines(expenses: QuerySet[Expense]) -> Iterator[str]:
    """The expenses as finished CSV lines (CRLF-terminated), oldest first, from a server-side cursor."""
    listed_sql, listed_params = expenses.order_by().values(*_EXPENSE_COLUMNS).query.sql_with_params()
    with connection.chunked_cursor() as cursor:
        cursor.execute(_query(listed_sql), [settings.REPORTING_CURRENCY, *listed_params])
        while rows := cursor.fetchmany(CHUNK_SIZE):
            for (line,) in rows:
                yield line
