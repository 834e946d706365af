"""check_release_migrations: a release runs only migrations the live version survives (expand/contract).

The fixtures are small migration chains of one app, "shop": what is applied is the live version's schema,
the rest is what the release would apply before it moves any traffic.
"""

import pytest
from django.core.management import call_command
from django.db import migrations, models
from django.db.migrations.graph import MigrationGraph

from mealtracker.release_migrations import pending_plan, release_findings

INITIAL = [
    migrations.CreateModel(
        "Order",
        [
            ("id", models.BigAutoField(primary_key=True)),
            ("note", models.CharField(max_length=200, null=True)),
            ("total", models.DecimalField(max_digits=12, decimal_places=2)),
            ("code", models.CharField(max_length=40)),
        ],
    ),
    migrations.CreateModel("Coupon", [("id", models.BigAutoField(primary_key=True))]),
]


def chain(*operation_lists):
    """A graph of shop.0001 ... shop.000N, each migration holding one list of operations."""
    graph = MigrationGraph()
    previous = None
    for number, operations in enumerate(operation_lists, start=1):
        name = f"{number:04d}_step"
        migration = type("Migration", (migrations.Migration,), {"operations": operations})(name, "shop")
        graph.add_node(("shop", name), migration)
        if previous:
            migration.dependencies = [previous]
            graph.add_dependency(migration, ("shop", name), previous)
        previous = ("shop", name)
    return graph


def applied(count):
    return {("shop", f"{n:04d}_step") for n in range(1, count + 1)}


def messages(graph, applied_count):
    return [str(f) for f in release_findings(graph, applied(applied_count))]


def test_pending_plan_is_what_migrate_would_apply_in_order():
    graph = chain(INITIAL, [migrations.AddField("order", "tip", models.IntegerField(null=True))], [])
    assert pending_plan(graph, applied(1)) == [("shop", "0002_step"), ("shop", "0003_step")]


def test_a_first_deploy_may_run_anything_because_nothing_is_live():
    graph = chain(INITIAL, [migrations.RemoveField("order", "note"), migrations.DeleteModel("Coupon")])
    assert messages(graph, 0) == []


def test_expanding_with_a_nullable_column_is_accepted():
    graph = chain(INITIAL, [migrations.AddField("order", "tip", models.IntegerField(null=True))])
    assert messages(graph, 1) == []


def test_adding_a_not_null_column_without_db_default_is_refused():
    graph = chain(INITIAL, [migrations.AddField("order", "tip", models.IntegerField(default=0))])
    assert messages(graph, 1) == [
        "shop.0002_step: adds shop.order.tip as NOT NULL without db_default: the live version's inserts would fail"
    ]


def test_adding_a_not_null_column_with_db_default_is_accepted():
    graph = chain(INITIAL, [migrations.AddField("order", "tip", models.IntegerField(db_default=0))])
    assert messages(graph, 1) == []


def test_dropping_a_column_the_live_version_reads_is_refused():
    graph = chain(INITIAL, [migrations.RemoveField("order", "note")])
    assert messages(graph, 1) == ["shop.0002_step: drops shop.order.note, which the live version reads"]


def test_renaming_a_column_or_a_table_or_dropping_a_table_is_refused():
    graph = chain(
        INITIAL,
        [
            migrations.RenameField("order", "note", "remark"),
            migrations.RenameModel("Coupon", "Voucher"),
        ],
    )
    assert messages(graph, 1) == [
        "shop.0002_step: renames shop.order.note, which the live version reads",
        "shop.0002_step: renames shop.Coupon, whose table the live version reads",
    ]
    assert messages(chain(INITIAL, [migrations.DeleteModel("Coupon")]), 1) == [
        "shop.0002_step: drops or moves the table of shop.Coupon, which the live version reads"
    ]


@pytest.mark.parametrize(
    ("new_field", "reason"),
    [
        (models.CharField(max_length=50, null=True), "shortens it from 200 to 50 characters"),
        (models.CharField(max_length=200), "makes it NOT NULL (the live version may write NULL)"),
        (models.IntegerField(null=True), "changes its type from CharField to IntegerField"),
        (models.CharField(max_length=200, null=True, db_column="remark"), "renames its column"),
    ],
)
def test_narrowing_a_live_column_is_refused(new_field, reason):
    graph = chain(INITIAL, [migrations.AlterField("order", "note", new_field)])
    assert messages(graph, 1) == [f"shop.0002_step: alters shop.order.note: {reason}"]


@pytest.mark.parametrize(
    "new_field",
    [models.CharField(max_length=400, null=True), models.TextField(null=True)],
)
def test_widening_a_live_column_is_accepted(new_field):
    assert messages(chain(INITIAL, [migrations.AlterField("order", "note", new_field)]), 1) == []


def test_contracting_over_two_releases_passes_each_release():
    stop_reading = migrations.SeparateDatabaseAndState(state_operations=[migrations.RemoveField("order", "note")])
    drop_column = migrations.RunSQL('ALTER TABLE "shop_order" DROP COLUMN "note";')
    # Release 1: the model stops having the column; the column stays for the live version.
    assert messages(chain(INITIAL, [stop_reading]), 1) == []
    # Release 2: the live models no longer read it, so it may go.
    assert messages(chain(INITIAL, [stop_reading], [drop_column]), 2) == []


def test_dropping_in_the_same_release_that_stops_reading_is_refused():
    stop_reading = migrations.SeparateDatabaseAndState(state_operations=[migrations.RemoveField("order", "note")])
    drop_column = migrations.RunSQL('ALTER TABLE "shop_order" DROP COLUMN "note";')
    together = chain(INITIAL, [stop_reading, drop_column])
    assert messages(together, 1) == ["shop.0002_step: SQL drops column shop_order.note, which the live version reads"]


def test_sql_dropping_a_live_table_is_refused_and_an_allowed_migration_passes():
    graph = chain(INITIAL, [migrations.RunSQL("DROP TABLE IF EXISTS shop_coupon;")])
    assert messages(graph, 1) == [
        "shop.0002_step: SQL drops or renames table shop_coupon, which the live version reads"
    ]
    assert release_findings(graph, applied(1), allow={"shop.0002_step"}) == []


@pytest.mark.django_db
def test_the_command_accepts_a_fully_migrated_database(capsys):
    call_command("check_release_migrations")
    assert "0 pending migration(s), all backward compatible." in capsys.readouterr().out
