"""Database aggregates Django 5.2 has only for PostgreSQL, written for both of our databases."""

from django.db.models import Aggregate, CharField


class CommaJoined(Aggregate):
    """Text values joined with commas: STRING_AGG on PostgreSQL, GROUP_CONCAT on SQLite. Order not guaranteed
    (SQLite before 3.44 cannot order inside an aggregate), so callers sort."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, ',')"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)


class RecordsJoined(Aggregate):
    """Text values joined with the ASCII record separator (a character typed text never holds), on both
    databases. Order not guaranteed, so callers sort."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, CHR(30))"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, function="GROUP_CONCAT", template="%(function)s(%(expressions)s, char(30))",
            **extra_context,
        )  # fmt: skip
