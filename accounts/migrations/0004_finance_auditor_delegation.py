"""Finance and auditor roles, second-approval rules of a team, and delegation of approvals while away."""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_profile")]

    operations = [
        migrations.CreateModel(
            name="ApprovalDelegation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("starts_on", models.DateField()),
                ("ends_on", models.DateField()),
                ("note", models.CharField(blank=True, max_length=200)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "ordering": ["-starts_on", "id"],
            },
        ),
        migrations.RemoveConstraint(
            model_name="user",
            name="accounts_user_role_valid",
        ),
        migrations.AddField(
            model_name="team",
            name="auditors",
            field=models.ManyToManyField(
                blank=True,
                help_text="Auditors who read this team.",
                related_name="audited_teams",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="team",
            name="second_approval_above",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                help_text="Business meals above this amount, in the reporting currency, also need finance's approval.",
                max_digits=12,
                null=True,
                validators=[django.core.validators.MinValueValidator(Decimal("0"))],
            ),
        ),
        migrations.AddField(
            model_name="team",
            name="second_approval_categories",
            field=models.CharField(
                blank=True,
                help_text="Category names, separated by commas, whose meals also need finance's approval.",
                max_length=500,
            ),
        ),
        migrations.AddField(
            model_name="team",
            name="second_approval_over_policy",
            field=models.BooleanField(
                default=False, help_text="Meals over the team's meal policy also need finance's approval."
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="role",
            field=models.CharField(
                choices=[
                    ("member", "Member"),
                    ("manager", "Manager"),
                    ("admin", "Admin"),
                    ("finance", "Finance"),
                    ("auditor", "Auditor"),
                ],
                default="member",
                max_length=16,
            ),
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=models.Q(("role__in", ["member", "manager", "admin", "finance", "auditor"])),
                name="accounts_user_role_valid",
            ),
        ),
        migrations.AddField(
            model_name="approvaldelegation",
            name="delegate",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="delegations_received",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="approvaldelegation",
            name="manager",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="delegations_given",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="approvaldelegation",
            index=models.Index(fields=["delegate", "starts_on", "ends_on"], name="accounts_delegation_delegate"),
        ),
        migrations.AddConstraint(
            model_name="approvaldelegation",
            constraint=models.CheckConstraint(
                condition=models.Q(("ends_on__gte", models.F("starts_on"))), name="accounts_delegation_dates"
            ),
        ),
        migrations.AddConstraint(
            model_name="approvaldelegation",
            constraint=models.CheckConstraint(
                condition=models.Q(("manager", models.F("delegate")), _negated=True),
                name="accounts_delegation_not_self",
            ),
        ),
    ]
