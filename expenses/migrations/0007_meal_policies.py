"""Meal policies and their flags move from reports to expenses (same tables), gain a basis, and are re-judged.

The tables keep their names: only Django's state moves. The basis column is new; existing flags were written
once on the total, personal meals included, so every verdict is derived again under the new rules."""

import accounts.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from mealtracker.money import per_person, quantize


def rejudge_flags(apps, schema_editor):
    # The rule of expenses.services.policies at the time of this migration, on the historical models.
    MealPolicy = apps.get_model("expenses", "MealPolicy")
    PolicyFlag = apps.get_model("expenses", "PolicyFlag")
    Expense = apps.get_model("expenses", "Expense")
    PolicyFlag.objects.all().delete()
    flags = []
    for policy in MealPolicy.objects.all():
        meals = Expense.objects.filter(owner__team_id=policy.team_id, meal_type=policy.meal_type, is_business=True)
        for expense in meals.iterator(chunk_size=2000):
            subtotal = quantize(
                (expense.amount - expense.tax - expense.tip) * expense.exchange_rate, settings.REPORTING_CURRENCY
            )
            cost = per_person(subtotal, expense.party_size, policy.currency)
            if cost > policy.max_per_person:
                flags.append(
                    PolicyFlag(
                        expense_id=expense.pk,
                        policy_id=policy.pk,
                        basis="subtotal",
                        limit_per_person=policy.max_per_person,
                        per_person=cost,
                        over_by=cost - policy.max_per_person,
                    )
                )
    PolicyFlag.objects.bulk_create(flags, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("expenses", "0006_restaurant_identity"),
        ("reports", "0002_monthly_report_mail"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="MealPolicy",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "meal_type",
                            models.CharField(
                                choices=[
                                    ("breakfast", "Breakfast"),
                                    ("brunch", "Brunch"),
                                    ("lunch", "Lunch"),
                                    ("dinner", "Dinner"),
                                    ("snacks", "Snacks"),
                                    ("drinks", "Drinks"),
                                    ("dessert", "Dessert"),
                                    ("late_night", "Late night"),
                                    ("groceries", "Groceries"),
                                    ("other", "Other"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("max_per_person", models.DecimalField(decimal_places=2, max_digits=12)),
                        (
                            "currency",
                            models.CharField(max_length=3, validators=[accounts.validators.validate_currency]),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "team",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="meal_policies",
                                to="accounts.team",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name_plural": "meal policies",
                        "db_table": "reports_mealpolicy",
                        "ordering": ["team", "meal_type"],
                    },
                ),
                migrations.CreateModel(
                    name="PolicyFlag",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("limit_per_person", models.DecimalField(decimal_places=2, max_digits=12)),
                        ("per_person", models.DecimalField(decimal_places=2, max_digits=12)),
                        ("over_by", models.DecimalField(decimal_places=2, max_digits=12)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "expense",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="policy_flag",
                                to="expenses.expense",
                            ),
                        ),
                        (
                            "policy",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="flags",
                                to="expenses.mealpolicy",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "reports_policyflag",
                        "ordering": ["-created_at", "-id"],
                    },
                ),
                migrations.AddConstraint(
                    model_name="mealpolicy",
                    constraint=models.UniqueConstraint(
                        fields=("team", "meal_type"), name="reports_mealpolicy_team_meal_unique"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="mealpolicy",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("max_per_person__gt", 0)), name="reports_mealpolicy_max_positive"
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="mealpolicy",
            name="basis",
            field=models.CharField(
                choices=[("subtotal", "Subtotal (before tax and tip)"), ("total", "Total (tax and tip included)")],
                default="subtotal",
                help_text="What the limit per attendee is measured on.",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="policyflag",
            name="basis",
            field=models.CharField(
                choices=[("subtotal", "Subtotal (before tax and tip)"), ("total", "Total (tax and tip included)")],
                default="subtotal",
                max_length=10,
            ),
        ),
        migrations.AddConstraint(
            model_name="mealpolicy",
            constraint=models.CheckConstraint(
                condition=models.Q(("basis__in", ["subtotal", "total"])), name="expenses_mealpolicy_basis_valid"
            ),
        ),
        migrations.RunPython(rejudge_flags, migrations.RunPython.noop),
    ]
