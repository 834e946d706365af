"""Line items and fees on an expense; splits of a meal among its people, balances and settlements."""

from decimal import Decimal

import django.db.models.deletion
import django.db.models.expressions
from django.conf import settings
from django.db import migrations, models

import accounts.validators


class Migration(migrations.Migration):
    dependencies = [("expenses", "0008_attendees"), migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [
        migrations.CreateModel(
            name="LineItem",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("description", models.CharField(max_length=200)),
                ("quantity", models.DecimalField(decimal_places=3, default=Decimal("1"), max_digits=8)),
                (
                    "amount",
                    models.DecimalField(
                        decimal_places=2, help_text="What the line costs, before tax, tip and fees.", max_digits=12
                    ),
                ),
            ],
            options={
                "ordering": ["expense", "position", "id"],
            },
        ),
        migrations.CreateModel(
            name="Settlement",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("amount", models.DecimalField(decimal_places=2, max_digits=12)),
                ("currency", models.CharField(max_length=3, validators=[accounts.validators.validate_currency])),
                ("settled_on", models.DateField()),
                ("note", models.CharField(blank=True, max_length=200)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "ordering": ["-settled_on", "-id"],
            },
        ),
        migrations.CreateModel(
            name="Share",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("name", models.CharField(help_text="Who the share is for, as shown on the split.", max_length=150)),
                ("weight", models.DecimalField(decimal_places=3, default=Decimal("1"), max_digits=14)),
                ("subtotal", models.DecimalField(decimal_places=2, max_digits=12)),
                ("tax", models.DecimalField(decimal_places=2, default=Decimal("0"), max_digits=12)),
                ("tip", models.DecimalField(decimal_places=2, default=Decimal("0"), max_digits=12)),
                ("fees", models.DecimalField(decimal_places=2, default=Decimal("0"), max_digits=12)),
                ("total", models.DecimalField(decimal_places=2, max_digits=12)),
                ("rounding", models.DecimalField(decimal_places=2, default=Decimal("0"), max_digits=12)),
                (
                    "reporting_total",
                    models.DecimalField(
                        decimal_places=2, help_text="The total in the reporting currency.", max_digits=12
                    ),
                ),
            ],
            options={
                "ordering": ["expense", "position", "id"],
            },
        ),
        migrations.CreateModel(
            name="Split",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "method",
                    models.CharField(
                        choices=[
                            ("items", "By items"),
                            ("even", "Evenly"),
                            ("shares", "By shares"),
                            ("exact", "By exact amounts"),
                        ],
                        max_length=10,
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
        ),
        migrations.RemoveConstraint(
            model_name="expense",
            name="expenses_expense_tax_tip_within_amount",
        ),
        migrations.AddField(
            model_name="expense",
            name="fees",
            field=models.DecimalField(
                decimal_places=2,
                default=Decimal("0.00"),
                help_text="Service charge, delivery and other fees.",
                max_digits=12,
            ),
        ),
        migrations.AddConstraint(
            model_name="expense",
            constraint=models.CheckConstraint(
                condition=models.Q(("fees__gte", 0)), name="expenses_expense_fees_not_negative"
            ),
        ),
        migrations.AddConstraint(
            model_name="expense",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "amount__gte",
                        django.db.models.expressions.CombinedExpression(
                            django.db.models.expressions.CombinedExpression(models.F("tax"), "+", models.F("tip")),
                            "+",
                            models.F("fees"),
                        ),
                    )
                ),
                name="expenses_expense_charges_within_amount",
            ),
        ),
        migrations.AddField(
            model_name="lineitem",
            name="expense",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="line_items", to="expenses.expense"
            ),
        ),
        migrations.AddField(
            model_name="settlement",
            name="payee",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="settlements_received",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="settlement",
            name="payer",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="settlements_paid",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="settlement",
            name="recorded_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddField(
            model_name="share",
            name="attendee",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="shares",
                to="expenses.attendee",
            ),
        ),
        migrations.AddField(
            model_name="share",
            name="expense",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="shares", to="expenses.expense"
            ),
        ),
        migrations.AddField(
            model_name="share",
            name="line_items",
            field=models.ManyToManyField(blank=True, related_name="shares", to="expenses.lineitem"),
        ),
        migrations.AddField(
            model_name="share",
            name="user",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="meal_shares",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="split",
            name="expense",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE, related_name="split", to="expenses.expense"
            ),
        ),
        migrations.AddField(
            model_name="split",
            name="split_by",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddConstraint(
            model_name="lineitem",
            constraint=models.CheckConstraint(
                condition=models.Q(("quantity__gt", 0)), name="expenses_lineitem_quantity_positive"
            ),
        ),
        migrations.AddConstraint(
            model_name="lineitem",
            constraint=models.CheckConstraint(
                condition=models.Q(("amount__gte", 0)), name="expenses_lineitem_amount_not_negative"
            ),
        ),
        migrations.AddIndex(
            model_name="settlement",
            index=models.Index(fields=["payer", "payee", "currency"], name="expenses_settlement_pair"),
        ),
        migrations.AddIndex(
            model_name="settlement",
            index=models.Index(fields=["payee", "payer", "currency"], name="expenses_settlement_pair_back"),
        ),
        migrations.AddConstraint(
            model_name="settlement",
            constraint=models.CheckConstraint(
                condition=models.Q(("amount__gt", 0)), name="expenses_settlement_amount_positive"
            ),
        ),
        migrations.AddConstraint(
            model_name="settlement",
            constraint=models.CheckConstraint(
                condition=models.Q(("payer", models.F("payee")), _negated=True), name="expenses_settlement_two_people"
            ),
        ),
        migrations.AddIndex(
            model_name="share",
            index=models.Index(fields=["user", "expense"], name="expenses_share_user_expense"),
        ),
        migrations.AddConstraint(
            model_name="share",
            constraint=models.CheckConstraint(
                condition=models.Q(("fees__gte", 0), ("tax__gte", 0), ("tip__gte", 0), ("total__gte", 0)),
                name="expenses_share_not_negative",
            ),
        ),
        migrations.AddConstraint(
            model_name="split",
            constraint=models.CheckConstraint(
                condition=models.Q(("method__in", ["items", "even", "shares", "exact"])),
                name="expenses_split_method_valid",
            ),
        ),
    ]
