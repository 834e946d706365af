"""Budgets, their alerts and in-app notices, and import review batches."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from accounts.models import Team
from accounts.validators import validate_currency
from expenses.models import MONEY, Category, Expense


class BudgetPeriod(models.TextChoices):
    MONTH = "month", "Monthly"
    WEEK = "week", "Weekly"


class Budget(models.Model):
    """A spending limit per week or month, for one user or one team, overall or for one category."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="budgets"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, null=True, blank=True, related_name="budgets")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, null=True, blank=True, related_name="budgets")
    name = models.CharField(max_length=100, blank=True)
    period = models.CharField(max_length=10, choices=BudgetPeriod.choices, default=BudgetPeriod.MONTH)
    amount = models.DecimalField(**MONEY, validators=[MinValueValidator(0)])
    currency = models.CharField(max_length=3, validators=[validate_currency])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False, team__isnull=True) | Q(user__isnull=True, team__isnull=False)),
                name="reports_budget_user_xor_team",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="reports_budget_amount_positive"),
            models.CheckConstraint(condition=Q(period__in=BudgetPeriod.values), name="reports_budget_period_valid"),
        ]

    def __str__(self):
        return self.name or f"{self.get_period_display()} budget {self.amount} {self.currency}"


class BudgetAlert(models.Model):
    """A threshold crossed in one budget period; the unique constraint is what makes alerts fire once."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="alerts")
    period_start = models.DateField()
    threshold = models.PositiveSmallIntegerField()
    spent = models.DecimalField(**MONEY)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "period_start", "threshold"], name="reports_budgetalert_once_per_period"
            )
        ]

    def __str__(self):
        return f"{self.budget} {self.threshold}% ({self.period_start})"


class Notice(models.Model):
    """An in-app message for one user (budget alerts today)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    alert = models.ForeignKey(BudgetAlert, on_delete=models.CASCADE, null=True, blank=True, related_name="notices")
    message = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "-created_at"], name="reports_notice_recipient_when")]

    def __str__(self):
        return self.message[:60]


class ImportStatus(models.TextChoices):
    REVIEW = "review", "In review"
    APPLIED = "applied", "Applied"
    DISCARDED = "discarded", "Discarded"


class ImportBatch(models.Model):
    """One uploaded file under review; the state lives here so any app instance can continue it."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_batches")
    source_name = models.CharField(max_length=255, blank=True)
    file_format = models.CharField(max_length=10)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.REVIEW)
    row_count = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Import {self.pk} ({self.source_name})"


class ImportAction(models.TextChoices):
    APPLY = "apply", "Apply"
    SKIP = "skip", "Skip"


class ImportRow(models.Model):
    """One line of an import: its raw cells, the parsed values, what it matched and what is wrong with it."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    line_number = models.PositiveIntegerField()
    raw = models.JSONField(default=dict)
    values = models.JSONField(default=dict)
    errors = models.JSONField(default=list)
    restaurant = models.ForeignKey(
        "expenses.Restaurant", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    duplicate_ids = models.JSONField(default=list)
    action = models.CharField(max_length=10, choices=ImportAction.choices, default=ImportAction.APPLY)
    expense = models.ForeignKey(Expense, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["batch", "line_number"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "line_number"], name="reports_importrow_batch_line_unique")
        ]

    def __str__(self):
        return f"Line {self.line_number} of import {self.batch_id}"


class MonthlyReportMail(models.Model):
    """One row per user and month once that month's summary e-mail has gone out (the job is re-runnable)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text="First day of the month the e-mail summarised.")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "month"], name="reports_monthlyreportmail_unique")]

    def __str__(self):
        return f"{self.user_id} {self.month:%Y-%m}"
