"""Meal policies and flags now belong to expenses (expenses 0007 takes over the same tables)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_monthly_report_mail"),
        ("expenses", "0007_meal_policies"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="policyflag",
                    name="policy",
                ),
                migrations.RemoveField(
                    model_name="policyflag",
                    name="expense",
                ),
                migrations.DeleteModel(
                    name="MealPolicy",
                ),
                migrations.DeleteModel(
                    name="PolicyFlag",
                ),
            ],
            database_operations=[],
        ),
    ]
