"""Expense reports with their bundles, second approvals and reimbursement batches."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("expenses", "0011_restaurant_aliases"),
        ("accounts", "0004_finance_auditor_delegation"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ExpenseReport",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("title", models.CharField(max_length=150)),
                ("purpose", models.TextField(blank=True)),
                (
                    "basis",
                    models.CharField(
                        choices=[("period", "A period"), ("trip", "A trip"), ("selection", "A selection")],
                        default="selection",
                        max_length=10,
                    ),
                ),
                ("period_start", models.DateField(blank=True, null=True)),
                ("period_end", models.DateField(blank=True, null=True)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "Open"),
                            ("submitted", "Submitted"),
                            ("approved", "Approved"),
                            ("partly_approved", "Partly approved"),
                            ("rejected", "Rejected"),
                            ("reimbursed", "Reimbursed"),
                        ],
                        default="open",
                        max_length=20,
                    ),
                ),
                ("submitted_at", models.DateTimeField(blank=True, null=True)),
                ("version", models.PositiveIntegerField(default=1)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="ReimbursementBatch",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "reference",
                    models.CharField(help_text="The payout's reference at the bank or payroll.", max_length=100),
                ),
                ("payout_date", models.DateField()),
                (
                    "status",
                    models.CharField(choices=[("open", "Open"), ("paid", "Paid")], default="open", max_length=10),
                ),
                ("paid_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "ordering": ["-payout_date", "-id"],
            },
        ),
        migrations.CreateModel(
            name="ReportBundle",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "status",
                    models.CharField(
                        choices=[("pending", "Being built"), ("ready", "Ready"), ("failed", "Failed")],
                        default="pending",
                        max_length=10,
                    ),
                ),
                ("pdf_key", models.CharField(blank=True, max_length=255)),
                ("zip_key", models.CharField(blank=True, max_length=255)),
                ("pdf_size", models.PositiveBigIntegerField(default=0)),
                ("zip_size", models.PositiveBigIntegerField(default=0)),
                ("error", models.CharField(blank=True, max_length=300)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.RemoveConstraint(
            model_name="expense",
            name="expenses_expense_status_matches_kind",
        ),
        migrations.AddField(
            model_name="approvalevent",
            name="on_behalf_of",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="approvalevent",
            name="from_status",
            field=models.CharField(
                choices=[
                    ("recorded", "Recorded"),
                    ("draft", "Draft"),
                    ("submitted", "Submitted"),
                    ("second_review", "Awaiting finance"),
                    ("approved", "Approved"),
                    ("rejected", "Rejected"),
                    ("reimbursed", "Reimbursed"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="approvalevent",
            name="to_status",
            field=models.CharField(
                choices=[
                    ("recorded", "Recorded"),
                    ("draft", "Draft"),
                    ("submitted", "Submitted"),
                    ("second_review", "Awaiting finance"),
                    ("approved", "Approved"),
                    ("rejected", "Rejected"),
                    ("reimbursed", "Reimbursed"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="expense",
            name="status",
            field=models.CharField(
                choices=[
                    ("recorded", "Recorded"),
                    ("draft", "Draft"),
                    ("submitted", "Submitted"),
                    ("second_review", "Awaiting finance"),
                    ("approved", "Approved"),
                    ("rejected", "Rejected"),
                    ("reimbursed", "Reimbursed"),
                ],
                default="recorded",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="expensereport",
            name="owner",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="expense_reports", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddField(
            model_name="expensereport",
            name="trip",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="reports",
                to="expenses.trip",
            ),
        ),
        migrations.AddField(
            model_name="expense",
            name="report",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="lines",
                to="expenses.expensereport",
            ),
        ),
        migrations.AddField(
            model_name="reimbursementbatch",
            name="created_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddField(
            model_name="reimbursementbatch",
            name="paid_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="expense",
            name="batch",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="expenses",
                to="expenses.reimbursementbatch",
            ),
        ),
        migrations.AddConstraint(
            model_name="expense",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("is_business", False), ("status", "recorded")),
                    models.Q(
                        ("is_business", True),
                        ("status__in", ["draft", "submitted", "second_review", "approved", "rejected", "reimbursed"]),
                    ),
                    _connector="OR",
                ),
                name="expenses_expense_status_matches_kind",
            ),
        ),
        migrations.AddField(
            model_name="reportbundle",
            name="report",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="bundles", to="expenses.expensereport"
            ),
        ),
        migrations.AddField(
            model_name="reportbundle",
            name="requested_by",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddIndex(
            model_name="expensereport",
            index=models.Index(fields=["owner", "-created_at"], name="expenses_report_owner_created"),
        ),
        migrations.AddConstraint(
            model_name="expensereport",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("period_start__isnull", True),
                    ("period_end__isnull", True),
                    ("period_end__gte", models.F("period_start")),
                    _connector="OR",
                ),
                name="expenses_expensereport_period_order",
            ),
        ),
        migrations.AddConstraint(
            model_name="expensereport",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("status__in", ["open", "submitted", "approved", "partly_approved", "rejected", "reimbursed"])
                ),
                name="expenses_expensereport_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="reimbursementbatch",
            constraint=models.UniqueConstraint(
                fields=("reference",), name="expenses_reimbursementbatch_reference_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="reimbursementbatch",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("paid_at__isnull", True), ("status", "open")),
                    models.Q(("paid_at__isnull", False), ("status", "paid")),
                    _connector="OR",
                ),
                name="expenses_reimbursementbatch_paid_at_matches",
            ),
        ),
    ]
