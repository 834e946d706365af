"""Set-based writes Django's ORM does slowly: `bulk_update` writes a CASE branch per row, and compiling that costs
seconds for thousands of rows (an import of 10,000 meals spent 17 s there linking its rows to their expenses);
`bulk_create` compiles every value and checks every object, a second per 10,000 rows it need not spend. From
COPY_MIN_ROWS rows on, PostgreSQL is sent the rows by COPY rather than INSERT (ids reserved from the key's sequence
first when they are wanted back)."""

import contextlib
import datetime
import decimal
import io
import itertools
import json
import operator
from collections.abc import Sequence

from django.conf import settings
from django.db import connection, connections, models, router, transaction
from django.db.models import NOT_PROVIDED, Field, Model

BATCH_SIZE = 2_000  # two parameters a row: well under SQLite's 32,766 and PostgreSQL's 65,535


def update_by_pk(model: type[Model], field_name: str, values: dict[int, int | None]) -> None:
    """Set `field_name` of each row (by primary key) to its own value: one UPDATE … FROM (VALUES …) per batch, on
    PostgreSQL and SQLite (3.33+) alike. For integer-like columns (ids, counts, foreign keys)."""
    if not values:
        return
    field = model._meta.get_field(field_name)
    quote = connection.ops.quote_name
    table, column, pk = quote(model._meta.db_table), quote(field.column), quote(model._meta.pk.column)
    pairs = list(values.items())
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(pairs), BATCH_SIZE):
            batch = pairs[start : start + BATCH_SIZE]
            rows = ", ".join(["(%s, %s)"] * len(batch))
            # Only quoted model names and placeholders are formatted in; the values are bound.
            sql = f"WITH given (row_pk, row_value) AS (VALUES {rows}) UPDATE {table} SET {column} = given.row_value"  # noqa: S608  # nosec B608
            cursor.execute(f"{sql} FROM given WHERE {table}.{pk} = given.row_pk", [v for pair in batch for v in pair])


INSERT_BATCH_ROWS = 1_000
# From this many rows on, PostgreSQL takes them through COPY (see _copy_rows): a third of the INSERT's time for
# 10,000 expenses (0.8 -> 0.5 s), most of it the driver writing each value into the statement.
COPY_MIN_ROWS = 1_000


def insert_all(objs: Sequence[Model], *, returning_ids: bool = False) -> None:
    """bulk_create for new rows nobody reads back by id (history entries, an import's rows): the same values
    (defaults, auto_now_add, foreign keys from related objects) in one INSERT per batch, without the ids returned
    and without bulk_create's compiling per value, about half its cost. A model or value it does not cover (a
    database default, a field with its own placeholder, an expression, a set primary key) goes through
    bulk_create. `returning_ids`: each object gets its new primary key, as bulk_create sets it (INSERT …
    RETURNING, the rows' ids in the order written)."""
    if not objs:
        return
    model = type(objs[0])
    opts = model._meta
    fields = [field for field in opts.concrete_fields if not field.generated and not field.primary_key]
    database = router.db_for_write(model)
    db_connection = connections[database]
    if (
        opts.parents
        or any(type(obj) is not model or obj.pk is not None for obj in objs)
        or any(field.db_default is not NOT_PROVIDED or hasattr(field, "get_placeholder") for field in fields)
        or (returning_ids and not db_connection.features.can_return_rows_from_bulk_insert)
    ):
        model.objects.bulk_create(objs, batch_size=INSERT_BATCH_ROWS)
        return
    relations = [field for field in fields if field.is_relation]
    preparers = [_column_preparer(field, db_connection) for field in fields]
    # Field.pre_save reads the attribute; the fields with a pre_save of their own are called.
    names = [field.attname for field in fields]
    attributes = operator.attrgetter(*names) if len(names) > 1 else lambda obj: (getattr(obj, names[0]),)
    own_pre_save = [(index, field) for index, field in enumerate(fields) if type(field).pre_save is not Field.pre_save]
    rows = []
    # The cache names field.is_cached and field.get_cached_value read, read from each object's cache in one step.
    relations = [(field, field.cache_name) for field in relations]
    for obj in objs:
        cache = obj._state.fields_cache
        for field, cache_name in relations:  # as Model._prepare_related_fields_for_save
            related = cache.get(cache_name)
            if related is not None:
                if related.pk is None:
                    raise ValueError(
                        f"insert_all() prohibited to prevent data loss due to unsaved related {field.name}."
                    )
                if getattr(obj, field.attname) in field.empty_values:
                    setattr(obj, field.attname, related.pk)
        values = list(attributes(obj))
        for index, field in own_pre_save:  # auto_now_add and the like
            values[index] = field.pre_save(obj, True)
        rows.append(values)
    # The values a column at a time: the types of a column checked once rather than each value.
    columns = list(zip(*rows, strict=True))
    if any(map(_has_expression, columns)):
        model.objects.bulk_create(objs, batch_size=INSERT_BATCH_ROWS)
        return
    rows = list(zip(*(prepare(column) for prepare, column in zip(preparers, columns, strict=True)), strict=True))
    ids = _insert_rows(db_connection, database, model, fields, rows, returning=opts.pk if returning_ids else None)
    for obj in objs:
        obj._state.adding, obj._state.db = False, database
    if returning_ids:
        for obj, pk in zip(objs, ids, strict=True):
            setattr(obj, opts.pk.attname, pk)


def insert_values(model: type[Model], names: Sequence[str], rows: Sequence[Sequence]) -> None:
    """insert_all for rows given as values rather than model instances: each row holds the values of the fields
    `names` (attribute names, "batch_id" for a foreign key), in that order; the other fields take the values a new
    instance would be saved with (defaults, auto_now_add). It spares building and reading back an instance a row.
    A model or field insert_all does not write itself goes through it, with the instances built."""
    if not rows:
        return
    opts = model._meta
    fields = [field for field in opts.concrete_fields if not field.generated and not field.primary_key]
    by_attname = {field.attname: field for field in fields}
    given = [by_attname[name] for name in names]
    if (
        opts.parents
        or len(set(given)) != len(given)
        or any(field.db_default is not NOT_PROVIDED or hasattr(field, "get_placeholder") for field in fields)
    ):
        insert_all([model(**dict(zip(names, row, strict=True))) for row in rows])
        return
    database = router.db_for_write(model)
    db_connection = connections[database]
    template = model()  # the other fields' values, as a new instance saves them: the same for every row
    fixed = {
        field: _preparer(field, db_connection)(field.pre_save(template, True)) for field in fields if field not in given
    }
    if any(hasattr(value, "resolve_expression") for value in fixed.values()):
        insert_all([model(**dict(zip(names, row, strict=True))) for row in rows])
        return
    fields = given + list(fixed)
    preparers = [_column_preparer(field, db_connection) for field in given]
    columns = [prepare(column) for prepare, column in zip(preparers, zip(*rows, strict=True), strict=True)]
    rest = [itertools.repeat(value, len(rows)) for value in fixed.values()]
    _insert_rows(db_connection, database, model, fields, list(zip(*columns, *rest, strict=True)))


def _insert_rows(
    db_connection, database: str, model: type[Model], fields: list, rows: list[list], returning: Field | None = None
) -> list:
    """Write the rows; with `returning` (a column), the values it took, row by row."""
    quote = db_connection.ops.quote_name
    table, columns = quote(model._meta.db_table), ", ".join(quote(field.column) for field in fields)
    suffix = f" RETURNING {quote(returning.column)}" if returning is not None else ""
    size = max(1, min(INSERT_BATCH_ROWS, db_connection.ops.bulk_batch_size(fields, rows)))
    returned = []
    with transaction.atomic(using=database, savepoint=False), db_connection.cursor() as cursor:
        if len(rows) >= COPY_MIN_ROWS and db_connection.vendor == "postgresql" and settings.DATABASE_COPY:
            copied = _copy_rows(cursor, model, fields, rows, returning)
            if copied is not None:
                return copied
        for start in range(0, len(rows), size):
            values, params = _insert_values(db_connection, fields, rows[start : start + size])
            cursor.execute(f"INSERT INTO {table} ({columns}) {values}{suffix}", params)  # nosec B608
            if returning is not None:
                returned.extend(row[0] for row in cursor.fetchall())
    return returned


# The fields whose prepared values (see _preparer) PostgreSQL reads from their text in a CSV COPY as it reads them
# bound in an INSERT; with these types of value only (exactly these, but for str: str() of an int or Decimal subclass
# may differ from its value).
_COPIED_FIELDS = {models.CharField, models.TextField, models.EmailField, models.SlugField, models.URLField,
                  models.IntegerField, models.BigIntegerField, models.SmallIntegerField, models.PositiveIntegerField,
                  models.PositiveSmallIntegerField, models.PositiveBigIntegerField, models.BooleanField,
                  models.DecimalField, models.DateField, models.DateTimeField, models.JSONField,
                  models.AutoField, models.BigAutoField, models.SmallAutoField}  # fmt: skip
_COPIED_TYPES = {type(None), str, int, bool, decimal.Decimal, datetime.date, datetime.datetime}
COPY_READ_BYTES = 1 << 20
_NEXT_IDS = "SELECT nextval((SELECT pg_get_serial_sequence(%s, %s))) FROM generate_series(1, %s)"


def _copy_rows(cursor, model: type[Model], fields: list, rows: list[list], returning: Field | None) -> list | None:
    """The rows written by one COPY … FROM STDIN on PostgreSQL; with `returning` (the primary key), the ids are
    first taken from its sequence in the rows' order, as the INSERT's RETURNING gives them, and written with the
    rows. None, with nothing written, for a column or value this does not write (the INSERT then writes them), or a
    text with a NUL character (the INSERT refuses it as before)."""
    db_connection = cursor.db
    targets = [field.target_field if field.is_relation else field for field in fields]
    if any(type(field) not in _COPIED_FIELDS for field in targets):
        return None
    pk = model._meta.pk
    if returning is not None and (
        returning is not pk or type(pk) not in _COPIED_FIELDS or pk.db_default is not NOT_PROVIDED
    ):
        return None  # only a key its sequence numbers
    columns = [_copy_column(column) for column in zip(*rows, strict=True)]
    if None in columns:
        return None
    quote = db_connection.ops.quote_name
    table, names = quote(model._meta.db_table), [quote(field.column) for field in fields]
    ids = []
    if returning is not None:
        cursor.execute(_NEXT_IDS, [table, returning.column, len(rows)])
        ids = [row[0] for row in cursor.fetchall()]
        if None in ids:  # no sequence behind the key
            return None
        names.append(quote(returning.column))
        columns.append(map(str, ids))
    # As UTF-8 bytes (the connection's encoding), read a megabyte at a time: a third of the CPU of text read in the
    # driver's 8 kB steps (15 MB of history entries: 50 -> 15 ms).
    data = ("\n".join(map("\t".join, zip(*columns, strict=True))) + "\n").encode()
    sql = f"COPY {table} ({', '.join(names)}) FROM STDIN"

    def copy(sql, params, many, context):
        with db_connection.wrap_database_errors:
            return context["cursor"].cursor.copy_expert(sql, io.BytesIO(data), size=COPY_READ_BYTES)

    # Through Django's execute wrappers (query counts and timings) and its query log when that is on.
    logged = getattr(cursor, "debug_sql", None)
    with logged(sql) if logged else contextlib.nullcontext():
        cursor._execute_with_wrappers(sql, None, False, copy)
    return ids


_COPY_NULL = "\\N"
_COPY_ESCAPES = (("\\", "\\\\"), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t"))
_SHOWN_BY_STR = {int, decimal.Decimal, datetime.date, datetime.datetime}


def _copy_column(values: tuple) -> list | None:
    """One column's prepared values as COPY's text format has them: NULL as \\N, booleans as t and f, numbers,
    dates and moments (with their UTC offset) as str() writes them, text with its backslashes, line breaks and tabs
    escaped. None for a value of another type, or text with a NUL character."""
    kinds = set(map(type, values))
    nullable = type(None) in kinds
    kinds.discard(type(None))
    if kinds <= _SHOWN_BY_STR:
        return [_COPY_NULL if value is None else str(value) for value in values] if nullable else list(map(str, values))
    if kinds == {bool}:
        return [_COPY_NULL if value is None else "t" if value else "f" for value in values]
    if not all(issubclass(kind, str) for kind in kinds):
        return None
    if kinds != {str}:  # a TextChoices member: its text, as the driver binds it
        values = [value if value is None else str.__str__(value) for value in values]
    texts = [value for value in values if value is not None] if nullable else values
    whole = "".join(texts)
    if "\x00" in whole:
        return None
    if any(special in whole for special, _ in _COPY_ESCAPES):
        values = [value if value is None else _copy_escaped(value) for value in values]
    return [_COPY_NULL if value is None else value for value in values] if nullable else list(values)


def _copy_escaped(text: str) -> str:
    for special, escaped in _COPY_ESCAPES:
        if special in text:
            text = text.replace(special, escaped)
    return text


def _insert_values(db_connection, fields: list, rows: list[list]) -> tuple[str, list]:
    """The rows as SQL and parameters: on PostgreSQL one array per column (SELECT * FROM UNNEST(...), as bulk_create
    writes it there: one parameter a column, so a plan quickly made), elsewhere VALUES (...), (...)."""
    if db_connection.vendor == "postgresql" and all(
        (field.target_field if field.is_relation else field).get_internal_type() in db_connection.data_types
        for field in fields
    ):
        arrays = ", ".join(f"(%s)::{field.db_type(db_connection).split('(')[0]}[]" for field in fields)
        return f"SELECT * FROM UNNEST({arrays})", [list(column) for column in zip(*rows, strict=True)]  # noqa: S608  # nosec B608
    placeholders = f"({', '.join(['%s'] * len(fields))})"
    return f"VALUES {', '.join([placeholders] * len(rows))}", [value for row in rows for value in row]


# Django's own fields whose prepared value is the value itself when it is already of this type (or None).
_PLAIN = {models.CharField: str, models.TextField: str, models.IntegerField: int, models.BigIntegerField: int,
          models.PositiveIntegerField: int, models.SmallIntegerField: int, models.PositiveSmallIntegerField: int,
          models.PositiveBigIntegerField: int, models.BooleanField: bool, models.AutoField: int,
          models.BigAutoField: int, models.SmallAutoField: int}  # fmt: skip

# On PostgreSQL, which takes them as they are: a Decimal for a DecimalField, a date for a DateField, a datetime with
# its UTC offset for a DateTimeField (a naive one is made aware, with Django's warning).
_PLAIN_ON_POSTGRESQL = {models.DecimalField: decimal.Decimal, models.DateField: datetime.date,
                        models.DateTimeField: datetime.datetime}  # fmt: skip


class JSONText(str):
    """A JSON field's value already encoded, exactly as the field would encode it (json.dumps with the field's
    encoder): written as it is. For documents built as text a batch at a time."""

    __slots__ = ()


# Types no value of which is an expression (resolve_expression), exactly these.
_NOT_EXPRESSIONS = {type(None), str, int, bool, float, decimal.Decimal, datetime.date, datetime.datetime}


def _has_expression(column: tuple) -> bool:
    if set(map(type, column)) <= _NOT_EXPRESSIONS:
        return False
    return any(hasattr(value, "resolve_expression") for value in column)


def _column_preparer(field, db_connection):
    """_preparer for a column's values at once: a column whose values are all of the type _preparer takes as it is
    (or None) is taken whole, its type (and a Decimal's finiteness, a moment's UTC offset) checked without a call
    a value. Returns the column's prepared values."""
    prepare = _preparer(field, db_connection)
    plain = None if field.get_internal_type() == "JSONField" else _plain_type(field, db_connection)

    def prepare_each(column):
        return list(map(prepare, column))

    if plain is None:
        return prepare_each

    def prepare_column(column):
        kinds = set(map(type, column))
        kinds.discard(type(None))
        if not kinds <= {plain}:
            return prepare_each(column)
        if plain is decimal.Decimal or plain is datetime.datetime:
            present = [value for value in column if value is not None]
            if plain is decimal.Decimal and not all(map(decimal.Decimal.is_finite, present)):
                return prepare_each(column)
            if plain is datetime.datetime and None in map(datetime.datetime.utcoffset, present):
                return prepare_each(column)
        return column

    return prepare_column


def _plain_type(field, db_connection) -> type | None:
    """The type of value _preparer takes as it is for this field."""
    plain = _PLAIN.get(type(field.target_field if type(field) is models.ForeignKey else field))
    if plain is None and db_connection.vendor == "postgresql":
        plain = _PLAIN_ON_POSTGRESQL.get(type(field))
    return plain


def _preparer(field, db_connection):
    """Field.get_db_prep_save for one column; on PostgreSQL a JSON value goes as its text (cast to jsonb in the
    INSERT, the same document stored) rather than through the driver's per-value JSON adapter. A value Django's
    own field would pass through unchanged (a str for a CharField, an int id for a foreign key) is taken as it is.
    A JSON field's JSONText is its text, on every database."""
    if field.get_internal_type() == "JSONField" and db_connection.vendor != "postgresql":

        def as_json(value):
            if type(value) is JSONText:
                return str.__str__(value)
            return field.get_db_prep_save(value, db_connection)

        return as_json
    if field.get_internal_type() == "JSONField":

        def as_json_text(value):
            if type(value) is JSONText:
                return str.__str__(value)
            if value == [] and field.encoder is None:  # most rows' errors and the like
                return "[]"
            return None if value is None else json.dumps(field.get_prep_value(value), cls=field.encoder)

        return as_json_text
    plain = _plain_type(field, db_connection)
    if plain is datetime.datetime:

        def prepare_moment(value):
            if type(value) is datetime.datetime and value.utcoffset() is not None:
                return value
            return None if value is None else field.get_db_prep_save(value, db_connection)

        return prepare_moment
    if plain is decimal.Decimal:  # to_python refuses NaN and infinities

        def prepare_decimal(value):
            if type(value) is decimal.Decimal and value.is_finite():
                return value
            return None if value is None else field.get_db_prep_save(value, db_connection)

        return prepare_decimal
    if plain is None:
        return lambda value: field.get_db_prep_save(value, db_connection)

    def prepare(value):
        return value if value is None or type(value) is plain else field.get_db_prep_save(value, db_connection)

    return prepare
