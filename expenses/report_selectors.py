"""Reads of expense reports and reimbursement batches, each starting from the visibility rule of expenses."""

import csv
import io
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponse

from accounts.models import User
from accounts.selectors import teams_readable_by
from expenses.models import (
    ApprovalEvent,
    Attendee,
    Expense,
    ExpenseReport,
    ReimbursementBatch,
    ReportBundle,
    ReportStatus,
)
from mealtracker.errors import NotFound
from mealtracker.money import as_money

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))


def reports_visible_to(user: User) -> QuerySet[ExpenseReport]:
    """Own reports; the teams' for their managers (or delegates) and auditors; sent ones for finance; all for admins."""
    reports = ExpenseReport.objects.select_related("owner", "trip")
    if user.is_admin:
        return reports
    if user.is_finance:
        return reports.filter(Q(owner=user) | ~Q(status=ReportStatus.OPEN))
    if not (user.is_manager or user.is_auditor):
        return reports.filter(owner=user)
    return reports.filter(Q(owner=user) | Q(owner__team__in=teams_readable_by(user)))


def reports_listed_for(user: User, *, scope: str = "mine") -> QuerySet[ExpenseReport]:
    """The report list with each report's line count and total (one query)."""
    reports = reports_visible_to(user)
    if scope != "team":
        reports = reports.filter(owner=user)
    return reports.annotate(line_count=Count("lines"), total=Coalesce(Sum("lines__reporting_amount"), ZERO)).order_by(
        "-created_at", "-id"
    )


def report_get(*, user: User, pk) -> ExpenseReport:
    try:
        return reports_visible_to(user).get(pk=pk)
    except (ExpenseReport.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound("Report not found.") from exc


def report_lines(report: ExpenseReport) -> QuerySet[Expense]:
    """The report's meals with what a line shows: restaurant, category, policy flag, attendees, decisions."""
    events = ApprovalEvent.objects.select_related("actor", "on_behalf_of").order_by("created_at", "id")
    return (
        report.lines.select_related("owner__team", "restaurant", "category", "policy_flag")
        .prefetch_related(
            Prefetch("attendees", queryset=Attendee.objects.order_by("position", "id"), to_attr="listed_attendees"),
            Prefetch("approval_events", queryset=events, to_attr="listed_events"),
        )
        .order_by("occurred_at", "id")
    )


def report_totals(report: ExpenseReport) -> dict:
    """Totals of a report in the reporting currency: overall, per status, per category, per attendee and against
    policy, each a single SQL aggregate (four queries whatever the report's size)."""
    lines = Expense.objects.filter(report=report).order_by()
    overall = lines.aggregate(
        count=Count("id"),
        total=Coalesce(Sum("reporting_amount"), ZERO),
        over_policy_count=Count("id", filter=Q(policy_flag__isnull=False)),
        over_policy_total=Coalesce(Sum("reporting_amount", filter=Q(policy_flag__isnull=False)), ZERO),
        over_policy_by=Coalesce(
            Sum(
                ExpressionWrapper(
                    F("policy_flag__over_by") * F("party_size"),
                    output_field=DecimalField(max_digits=14, decimal_places=2),
                )
            ),
            ZERO,
        ),
    )
    per_status = {
        row["status"]: {"count": row["count"], "total": as_money(row["total"])}
        for row in lines.values("status").annotate(count=Count("id"), total=Sum("reporting_amount"))
    }
    per_category = [
        {"category": row["category__name"] or "Uncategorised", "count": row["count"], "total": as_money(row["total"])}
        for row in lines.values("category__name")
        .annotate(count=Count("id"), total=Sum("reporting_amount"))
        .order_by("-total", "category__name")
    ]
    # Each meal's amount shared equally among the people at the table (the party size); an attendee's total is the
    # sum of their shares.
    share = ExpressionWrapper(
        F("expense__reporting_amount") / F("expense__party_size"),
        output_field=DecimalField(max_digits=14, decimal_places=4),
    )
    per_attendee = [
        {"attendee": row["name"], "company": row["company"], "meals": row["meals"], "total": as_money(row["total"])}
        for row in Attendee.objects.filter(expense__report=report)
        .order_by()
        .values("name", "company")
        .annotate(meals=Count("expense", distinct=True), total=Sum(share))
        .order_by("-total", "name")
    ]
    return {
        "currency": settings.REPORTING_CURRENCY,
        "count": overall["count"],
        "total": as_money(overall["total"]),
        "per_status": per_status,
        "per_category": per_category,
        "per_attendee": per_attendee,
        "policy": {
            "over_count": overall["over_policy_count"],
            "over_total": as_money(overall["over_policy_total"]),
            "over_by": as_money(overall["over_policy_by"]),
        },
    }


def report_bundle_latest(report: ExpenseReport) -> ReportBundle | None:
    return report.bundles.order_by("-created_at", "-id").first()


def batches_visible_to(user: User) -> QuerySet[ReimbursementBatch]:
    """Finance and admins read every batch; auditors the batches paying their teams' meals."""
    batches = ReimbursementBatch.objects.select_related("created_by", "paid_by")
    if user.is_admin or user.is_finance:
        return batches
    if user.is_auditor:
        return batches.filter(expenses__owner__team__in=teams_readable_by(user)).distinct()
    return batches.none()


def batches_listed_for(user: User) -> QuerySet[ReimbursementBatch]:
    return batches_visible_to(user).annotate(
        expense_count=Count("expenses", distinct=True), total=Coalesce(Sum("expenses__reporting_amount"), ZERO)
    )


def batch_get(*, user: User, pk) -> ReimbursementBatch:
    try:
        return batches_visible_to(user).get(pk=pk)
    except (ReimbursementBatch.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound("Batch not found.") from exc


def batch_payouts(batch: ReimbursementBatch) -> list[dict]:
    """One payout per person (and currency) of the batch: what the payout file lists, from one query."""
    rows = (
        batch.expenses.order_by()
        .values("owner_id", "owner__email", "owner__display_name")
        .annotate(count=Count("id"), total=Sum("reporting_amount"))
        .order_by("owner__email")
    )
    return [
        {
            "payee_email": row["owner__email"],
            "payee_name": row["owner__display_name"],
            "expenses": row["count"],
            "amount": as_money(row["total"]),
            "currency": settings.REPORTING_CURRENCY,
            "reference": batch.reference,
            "payout_date": batch.payout_date,
        }
        for row in rows
    ]


def expenses_payable(user: User) -> QuerySet[Expense]:
    """Approved business meals not yet in a batch, for finance to pick from."""
    from expenses.selectors import expenses_visible_to

    return expenses_visible_to(user).filter(status="approved", batch__isnull=True).exclude(owner=user)


PAYOUT_COLUMNS = ["payee_email", "payee_name", "expenses", "amount", "currency", "reference", "payout_date"]


def batch_payout_csv_response(batch: ReimbursementBatch) -> HttpResponse:
    """The payout file of a batch: one line per person paid, for the bank or payroll."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=PAYOUT_COLUMNS)
    writer.writeheader()
    for row in batch_payouts(batch):
        # A spreadsheet would run a name starting with = + - @ as a formula.
        writer.writerow({k: "'" + v if isinstance(v, str) and v[:1] in "=+-@" else v for k, v in row.items()})
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="payout-{batch.pk}.csv"'
    return response
