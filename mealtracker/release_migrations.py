"""Expand/contract: which pending migrations would break the version that is live while they run.

A release migrates before it moves traffic, so the previous version keeps serving on the migrated schema. It
reads every concrete column of its models (Django selects them all), so a pending migration must not drop,
rename or narrow a column, or drop a table, that the live models still have. The live models are the state of
the migrations already applied. A column is contracted in two releases: first the model stops having it
(SeparateDatabaseAndState with state_operations only, the column kept nullable or with a db_default), then a
later release drops it (RunSQL), when the live state no longer knows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import migrations, models
from django.db.migrations.graph import MigrationGraph
from django.db.migrations.state import ProjectState

# Changes of field class that keep every value the old column held.
WIDENINGS = {
    ("SmallIntegerField", "IntegerField"),
    ("SmallIntegerField", "BigIntegerField"),
    ("IntegerField", "BigIntegerField"),
    ("PositiveSmallIntegerField", "PositiveIntegerField"),
    ("PositiveIntegerField", "PositiveBigIntegerField"),
    ("CharField", "TextField"),
}

_TABLE = r'(?:IF\s+EXISTS\s+)?"?(\w+)"?'
_ALTER_COLUMN = re.compile(
    rf"ALTER\s+TABLE\s+{_TABLE}\s+(DROP|RENAME)\s+(?:COLUMN\s+)?(?:IF\s+EXISTS\s+)?\"?(\w+)\"?(?!\s+TO\b)", re.I
)
_DROP_TABLE = re.compile(rf"DROP\s+TABLE\s+{_TABLE}", re.I)
_RENAME_TABLE = re.compile(rf"ALTER\s+TABLE\s+{_TABLE}\s+RENAME\s+TO\b", re.I)


@dataclass(frozen=True)
class Finding:
    migration: str
    message: str

    def __str__(self) -> str:
        return f"{self.migration}: {self.message}"


def pending_plan(graph: MigrationGraph, applied: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """The migrations `migrate` would apply, in order (every leaf's forwards plan, applied ones left out)."""
    plan: list[tuple[str, str]] = []
    for leaf in graph.leaf_nodes():
        for node in graph.forwards_plan(leaf):
            if node not in applied and node not in plan:
                plan.append(node)
    return plan


def live_state(graph: MigrationGraph, applied: set[tuple[str, str]]) -> ProjectState:
    """The models of the live version: the state after the applied migrations."""
    applied_in_graph = {node for node in applied if node in graph.nodes}
    if not applied_in_graph:
        return ProjectState()
    return graph.make_state(nodes=sorted(applied_in_graph), at_end=True)


def _live_field(live: ProjectState, app_label: str, model_name: str, field_name: str):
    model = live.models.get((app_label, model_name.lower()))
    if model is None:
        return None
    return model.fields.get(field_name)


def _live_tables(live: ProjectState) -> dict[str, tuple[str, str]]:
    tables = {}
    for (app_label, model_name), model in live.models.items():
        table = model.options.get("db_table") or f"{app_label}_{model_name}"
        tables[table.lower()] = (app_label, model_name)
    return tables


def _column(name: str, field) -> str:
    return (field.db_column or name + ("_id" if field.is_relation and field.many_to_one else "")).lower()


def _narrows(old, new) -> str | None:
    old_class, new_class = type(old).__name__, type(new).__name__
    if old_class != new_class and (old_class, new_class) not in WIDENINGS:
        return f"changes its type from {old_class} to {new_class}"
    if old.db_column != new.db_column:
        return "renames its column"
    if old.null and not new.null:
        return "makes it NOT NULL (the live version may write NULL)"
    old_length, new_length = getattr(old, "max_length", None), getattr(new, "max_length", None)
    shorter = new_length is not None and new_length < old_length if old_length else False
    if shorter or (old_length and new_length is None and new_class != "TextField"):
        return f"shortens it from {old_length} to {new_length} characters"
    both_decimal = isinstance(old, models.DecimalField) and isinstance(new, models.DecimalField)
    if both_decimal and (new.max_digits < old.max_digits or new.decimal_places < old.decimal_places):
        return "narrows its digits or decimal places"
    return None


def _database_operations(operation) -> list:
    if isinstance(operation, migrations.SeparateDatabaseAndState):
        return [op for inner in operation.database_operations for op in _database_operations(inner)]
    return [operation]


def _check_operation(operation, app_label: str, state: ProjectState, live: ProjectState) -> str | None:
    if isinstance(operation, migrations.RemoveField):
        if _live_field(live, app_label, operation.model_name, operation.name):
            return f"drops {app_label}.{operation.model_name}.{operation.name}, which the live version reads"
    elif isinstance(operation, migrations.RenameField):
        if _live_field(live, app_label, operation.model_name, operation.old_name):
            return f"renames {app_label}.{operation.model_name}.{operation.old_name}, which the live version reads"
    elif isinstance(operation, migrations.DeleteModel | migrations.AlterModelTable):
        if (app_label, operation.name_lower) in live.models:
            return f"drops or moves the table of {app_label}.{operation.name}, which the live version reads"
    elif isinstance(operation, migrations.RenameModel):
        if (app_label, operation.old_name_lower) in live.models:
            return f"renames {app_label}.{operation.old_name}, whose table the live version reads"
    elif isinstance(operation, migrations.AlterField):
        live_field = _live_field(live, app_label, operation.model_name, operation.name)
        current = state.models.get((app_label, operation.model_name_lower))
        if live_field and current and operation.name in current.fields:
            reason = _narrows(current.fields[operation.name], operation.field)
            if reason:
                return f"alters {app_label}.{operation.model_name}.{operation.name}: {reason}"
    elif isinstance(operation, migrations.AddField):
        new = operation.field
        if (app_label, operation.model_name_lower) in live.models and not (
            new.null or new.db_default is not models.NOT_PROVIDED or new.many_to_many
        ):
            return (
                f"adds {app_label}.{operation.model_name}.{operation.name} as NOT NULL without db_default: "
                "the live version's inserts would fail"
            )
    elif isinstance(operation, migrations.RunSQL):
        return _check_sql(operation.sql, live)
    return None


def _check_sql(sql, live: ProjectState) -> str | None:
    text = " ".join(sql) if isinstance(sql, list | tuple) else str(sql)
    tables = _live_tables(live)
    for table, verb, column in _ALTER_COLUMN.findall(text):
        owner = tables.get(table.lower())
        if owner and any(_column(n, f) == column.lower() for n, f in live.models[owner].fields.items()):
            return f"SQL {verb.lower()}s column {table}.{column}, which the live version reads"
    for table in _DROP_TABLE.findall(text) + _RENAME_TABLE.findall(text):
        if table.lower() in tables:
            return f"SQL drops or renames table {table}, which the live version reads"
    return None


def release_findings(
    graph: MigrationGraph, applied: set[tuple[str, str]], allow: set[str] = frozenset()
) -> list[Finding]:
    """Every pending operation that would break the live version (migrations named in `allow` excepted)."""
    live = live_state(graph, applied)
    state = live.clone()
    findings = []
    for app_label, name in pending_plan(graph, applied):
        migration = graph.nodes[(app_label, name)]
        for operation in migration.operations:
            for database_operation in _database_operations(operation):
                message = _check_operation(database_operation, app_label, state, live)
                if message and f"{app_label}.{name}" not in allow:
                    findings.append(Finding(f"{app_label}.{name}", message))
            operation.state_forwards(app_label, state)
    return findings
