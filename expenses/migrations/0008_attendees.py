"""Attendees (colleagues and guests) of a meal, the team's substantiation rules, foreign card amounts.

The free-text attendees of each expense become guest rows (split on commas, semicolons and new lines, trimmed,
each name once) before the text column is dropped; a party size smaller than the owner and those guests is raised
to count them. Going back joins the rows' names with commas."""

import re

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

BATCH = 2000
NAME_LENGTH = 150
MAX_PARTY_SIZE = 50


def split_names(text: str) -> list[str]:
    """Each name once (compared case-insensitively), in order, trimmed and cut to the column's length."""
    names, seen = [], set()
    for part in re.split(r"[,;\n\r]+", text or ""):
        name = " ".join(part.split())[:NAME_LENGTH].strip()
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names


def text_to_rows(apps, schema_editor):
    Expense = apps.get_model("expenses", "Expense")
    Attendee = apps.get_model("expenses", "Attendee")
    rows, raised = [], []
    listed = Expense.objects.exclude(attendees="").order_by("pk").values_list("pk", "attendees", "party_size")
    for expense_id, text, party_size in listed.iterator(chunk_size=BATCH):
        names = split_names(text)[: MAX_PARTY_SIZE - 1]
        rows += [Attendee(expense_id=expense_id, name=name, position=position) for position, name in enumerate(names)]
        if party_size < 1 + len(names):
            # The names say more people were there than the party size did: the party counts them all.
            raised.append(Expense(pk=expense_id, party_size=1 + len(names)))
        if len(rows) >= BATCH:
            Attendee.objects.bulk_create(rows)
            rows = []
    Attendee.objects.bulk_create(rows)
    Expense.objects.bulk_update(raised, ["party_size"], batch_size=BATCH)


def rows_to_text(apps, schema_editor):
    Expense = apps.get_model("expenses", "Expense")
    Attendee = apps.get_model("expenses", "Attendee")
    names: dict[int, list[str]] = {}
    for expense_id, name in Attendee.objects.order_by("expense_id", "position", "id").values_list("expense_id", "name"):
        names.setdefault(expense_id, []).append(name)
    for expense_id, listed in names.items():
        Expense.objects.filter(pk=expense_id).update(attendees=", ".join(listed))


class Migration(migrations.Migration):
    dependencies = [
        ("expenses", "0007_meal_policies"),
        ("accounts", "0002_team_substantiation"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Attendee",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=150)),
                ("company", models.CharField(blank=True, max_length=150)),
                (
                    "relationship",
                    models.CharField(blank=True, help_text="E.g. client, supplier, candidate.", max_length=100),
                ),
                ("position", models.PositiveSmallIntegerField(default=0, help_text="Order on the meal, from 0.")),
                (
                    "expense",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attendee_rows",
                        to="expenses.expense",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="meals_attended",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"ordering": ["position", "id"]},
        ),
        migrations.AddIndex(
            model_name="attendee",
            index=models.Index(fields=["company"], name="expenses_attendee_company"),
        ),
        migrations.AddConstraint(
            model_name="attendee",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("name", ""), _negated=True),
                    models.Q(("user__isnull", True), models.Q(("company", ""), ("relationship", "")), _connector="OR"),
                ),
                name="expenses_attendee_colleague_or_guest",
            ),
        ),
        migrations.AddConstraint(
            model_name="attendee",
            constraint=models.UniqueConstraint(
                condition=models.Q(("user__isnull", False)),
                fields=("expense", "user"),
                name="expenses_attendee_colleague_once",
            ),
        ),
        migrations.RunPython(text_to_rows, rows_to_text, elidable=False),
        migrations.RemoveField(model_name="expense", name="attendees"),
        # The text column is gone: the rows take the relation's name.
        migrations.AlterField(
            model_name="attendee",
            name="expense",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="attendees", to="expenses.expense"
            ),
        ),
    ]
