"""Report queries compiled once per shape, run again with each request's values.

A report's grouped query is the scoped expenses (`report_expenses`: who may see what, the list filters, the dates)
plus the report's own grouping and sums. Building and compiling such a queryset is most of a report's time (the
Reports page's six reports: 9 ms of CPU against 0.4 ms to run their SQL). The report's own part is the same SQL for
every request that asks for it with the same options, so it is compiled once per database connection, with
markers where the expenses' conditions and annotations go; each request compiles only its expenses' conditions
(once for all its reports) and puts them in.

A statement is kept only if, for the request that compiled it, it gives exactly the SQL and parameters Django
compiles for the whole queryset; otherwise (or for expenses joined to another table) the queryset is run as it is.
Values that change from request to request inside a report's own part are named `slots`, never left as constants;
a report reading through `grouped_rows` belongs in REPORTS of reports/tests/test_report_statements.py, which checks
that a statement compiled for one request sends Django's SQL for the next.
"""

import re
import weakref

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.core.signals import setting_changed
from django.db import connections
from django.db.models import BooleanField, Expression, QuerySet
from django.db.models.sql.where import AND
from django.dispatch import receiver

from expenses.models import Expense
from mealtracker.request_context import request_cache

MAX_STATEMENTS = 500  # per connection; beyond that they are compiled afresh
_MARK = "\x1e"  # never in compiled SQL
# A marker; a slot's with the parentheses it carries, for a slot stands for a plain "%s".
_MARKED = re.compile(f"\\({_MARK}(slot:[^{_MARK}]*){_MARK}\\)|{_MARK}([^{_MARK}]*){_MARK}")
_statements: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


@receiver(setting_changed)
def _forget(**kwargs) -> None:
    _statements.clear()


class _Marker(Expression):
    """Stands for SQL put in at run time: a condition of the expenses (`where:<n>`), one of their annotations
    (`annotation:<name>`) or a slot's value (`slot:<name>`), in the query's alias for the expenses table."""

    def __init__(self, kind: str, name, output_field, alias: str):
        super().__init__(output_field=output_field)
        self.kind, self.name, self.alias = kind, name, alias

    @property
    def conditional(self) -> bool:
        return self.kind == "where"

    def relabeled_clone(self, change_map):
        clone = self.copy()
        clone.alias = change_map.get(self.alias, self.alias)
        return clone

    def as_sql(self, compiler, connection):
        # A slot starts with "(" so that a lookup does not wrap it in parentheses, as it does not wrap a value.
        text = f"{_MARK}{self.kind}:{self.name}:{self.alias}{_MARK}"
        return (f"({text})" if self.kind == "slot" else text), []


class _Expenses:
    """The per-request SQL of the scoped expenses: each top-level condition and each annotation, compiled in the
    aliases the report's query gives the expenses table."""

    def __init__(self, expenses: QuerySet, connection):
        self.query, self.connection = expenses.query, connection
        self.table = Expense._meta.db_table
        self._compiled = {}

    def simple(self) -> bool:
        query = self.query
        return (
            [alias for alias in query.alias_map if query.alias_refcount[alias]] == [self.table]  # no join
            and not query.distinct
            and not query.extra
            and not query.combinator
            and query.low_mark == 0
            and query.high_mark is None
            and query.where.connector == AND
            and not query.where.negated
        )

    def parts(self, alias: str) -> tuple[list, dict]:
        """([(sql, params)] of the conditions, {name: (sql, params)} of the annotations), in `alias`."""
        if alias not in self._compiled:
            query = self.query
            if alias != self.table:
                query = query.clone()
                query.change_aliases({self.table: alias})
            compiler = query.get_compiler(connection=self.connection)
            where = [compiler.compile(child) for child in query.where.children]
            annotations = {name: compiler.compile(value) for name, value in query.annotations.items()}
            self._compiled[alias] = where, annotations
        return self._compiled[alias]

    def stand_in(self, slots: dict) -> tuple[QuerySet, object]:
        """A queryset with markers in place of the expenses' conditions and annotations, and a slot maker."""
        expenses = Expense.objects.order_by().annotate(
            **{
                name: _Marker("annotation", name, value.output_field, self.table)
                for name, value in self.query.annotations.items()
            }
        )
        markers = [
            _Marker("where", number, BooleanField(), self.table) for number in range(len(self.query.where.children))
        ]
        if markers:
            expenses = expenses.filter(*markers)
        return expenses, lambda name: _Marker("slot", name, slots[name][1], self.table)


def _expenses_sql(expenses: QuerySet, connection) -> _Expenses:
    """Compiled once a request for all the reports that read the same expenses."""
    cache = request_cache()
    key = ("report_statement_expenses", id(expenses.query), connection.alias)
    if cache is None:
        return _Expenses(expenses, connection)
    found = cache.get(key)
    if found is None or found.query is not expenses.query:  # kept with its query, so an id is never reused
        found = cache[key] = _Expenses(expenses, connection)
    return found


class _Statement:
    def __init__(self, template: str, params: list, compiler, names: list):
        # The template's pieces between markers, each with the parameters of its own %s placeholders.
        self.pieces, self.compiler, self.names = [], compiler, names
        position, end, params = 0, 0, list(params)

        def text(piece: str) -> None:
            nonlocal position
            count = piece.count("%s")
            self.pieces.append((piece, params[position : position + count]))
            position += count

        for found in _MARKED.finditer(template):
            text(template[end : found.start()])
            kind, name, alias = (found.group(1) or found.group(2)).split(":")
            self.pieces.append((kind, int(name) if kind == "where" else name, alias))
            end = found.end()
        text(template[end:])
        if position != len(params) or "%%" in template:
            raise ValueError("placeholders and parameters do not match")

    def sql(self, expenses: _Expenses, slots: dict) -> tuple[str, list]:
        sql, params = [], []
        for piece in self.pieces:
            if len(piece) == 2:
                sql.append(piece[0])
                params.extend(piece[1])
                continue
            kind, name, alias = piece
            if kind == "slot":
                value, field = slots[name]
                sql.append("%s")
                params.append(field.get_db_prep_value(value, expenses.connection))
                continue
            where, annotations = expenses.parts(alias)
            part_sql, part_params = where[name] if kind == "where" else annotations[name]
            sql.append(part_sql)
            params.extend(part_params)
        return "".join(sql), params

    def rows(self, sql: str, params: list) -> list[dict]:
        compiler = self.compiler
        with compiler.connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if compiler.has_extra_select:
            rows = [row[: compiler.col_count] for row in rows]
        names = self.names
        return [dict(zip(names, row, strict=True)) for row in compiler.results_iter(results=[rows])]


def _names(query) -> list:
    return (
        list(query.selected)
        if query.selected
        else [*query.extra_select, *query.values_select, *query.annotation_select]
    )


def grouped_rows(key: tuple, expenses: QuerySet, build, slots: dict | None = None) -> list[dict]:
    """The rows of `build(expenses, slot)` (a `.values()` queryset), from a statement compiled once for `key`.

    `key` names everything the report's own part depends on besides `expenses` (report, options, timezone);
    `slot(name)` gives the value `slots[name] = (value, field)` that differs between requests, such as a date."""
    slots = slots or {}
    connection = connections[expenses.db]
    compiled = _expenses_sql(expenses, connection)
    real = lambda: build(expenses, lambda name: slots[name][0])  # noqa: E731
    if not compiled.simple():
        return list(real())
    try:
        where, annotations = compiled.parts(compiled.table)
    except (EmptyResultSet, FullResultSet):
        return list(real())
    shape = (key, connection.vendor, tuple(sql for sql, _ in where), tuple((n, s) for n, (s, _) in annotations.items()))
    statements = _statements.setdefault(connection, {})
    statement = statements.get(shape)
    if statement is None:
        queryset = real()
        statement = _compile(queryset, compiled, build, slots)
        if statement is None:
            statements[shape] = False
            return list(queryset)
        if len(statements) >= MAX_STATEMENTS:
            statements.clear()
        statements[shape] = statement
    elif statement is False:
        return list(real())
    try:
        sql, params = statement.sql(compiled, slots)
    except (EmptyResultSet, FullResultSet):
        return list(real())
    return statement.rows(sql, params)


def _compile(queryset: QuerySet, expenses: _Expenses, build, slots: dict) -> "_Statement | None":
    """The statement of `build`, if it gives exactly the SQL and parameters Django compiles for `queryset`."""
    connection = expenses.connection
    try:
        compiler = queryset.query.get_compiler(connection=connection)
        expected = compiler.as_sql()
        stand_in, slot = expenses.stand_in(slots)
        template, params = build(stand_in, slot).query.get_compiler(connection=connection).as_sql()
        statement = _Statement(template, params, compiler, _names(queryset.query))
        got = statement.sql(expenses, slots)
    except (EmptyResultSet, FullResultSet, ValueError, KeyError, IndexError):
        return None
    if got[0] != expected[0] or list(got[1]) != list(expected[1]):
        return None
    return statement
