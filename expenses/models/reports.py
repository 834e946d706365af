"""Expense reports (the unit finance works with), their bundles and reimbursement batches."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class ReportStatus(models.TextChoices):
    """A report's status follows its lines: open until submitted, then decided line by line."""

    OPEN = "open", "Open"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"  # every line approved (or reimbursed)
    PARTLY_APPROVED = "partly_approved", "Partly approved"  # decided, some lines rejected
    REJECTED = "rejected", "Rejected"  # every line rejected
    REIMBURSED = "reimbursed", "Reimbursed"


class ReportBasis(models.TextChoices):
    PERIOD = "period", "A period"
    TRIP = "trip", "A trip"
    SELECTION = "selection", "A selection"


class ExpenseReport(models.Model):
    """A member's business meals grouped for approval and payment; lines are expenses whose `report` is this."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expense_reports")
    title = models.CharField(max_length=150)
    purpose = models.TextField(blank=True)
    basis = models.CharField(max_length=10, choices=ReportBasis.choices, default=ReportBasis.SELECTION)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    trip = models.ForeignKey("expenses.Trip", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports")
    status = models.CharField(max_length=20, choices=ReportStatus.choices, default=ReportStatus.OPEN)
    submitted_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="expenses_report_owner_created")]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=F("period_start")),
                name="expenses_expensereport_period_order",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="expenses_expensereport_status_valid"
            ),
        ]

    def __str__(self):
        return self.title


class BundleStatus(models.TextChoices):
    PENDING = "pending", "Being built"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class ReportBundle(models.Model):
    """The PDF and ZIP of a report, built by a job and kept privately (storage keys, never public URLs)."""

    report = models.ForeignKey(ExpenseReport, on_delete=models.CASCADE, related_name="bundles")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    status = models.CharField(max_length=10, choices=BundleStatus.choices, default=BundleStatus.PENDING)
    pdf_key = models.CharField(max_length=255, blank=True)
    zip_key = models.CharField(max_length=255, blank=True)
    pdf_size = models.PositiveBigIntegerField(default=0)
    zip_size = models.PositiveBigIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Bundle {self.pk} of report {self.report_id}"


class BatchStatus(models.TextChoices):
    OPEN = "open", "Open"
    PAID = "paid", "Paid"


class ReimbursementBatch(models.Model):
    """Approved meals paid back together; marking it paid makes each one reimbursed."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=100, help_text="The payout's reference at the bank or payroll.")
    payout_date = models.DateField()
    status = models.CharField(max_length=10, choices=BatchStatus.choices, default=BatchStatus.OPEN)
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-payout_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="expenses_reimbursementbatch_reference_unique"),
            models.CheckConstraint(
                condition=Q(status="open", paid_at__isnull=True) | Q(status="paid", paid_at__isnull=False),
                name="expenses_reimbursementbatch_paid_at_matches",
            ),
        ]

    def __str__(self):
        return self.reference
