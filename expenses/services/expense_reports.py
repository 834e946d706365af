"""Expense reports: a member groups business meals, submits them together; approvers decide on the report or on
single lines. Every line goes through the expense approval services, so each rule applies to each meal."""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from expenses.choices import ExpenseStatus
from expenses.models import Expense, ExpenseReport, ReportBasis, ReportStatus, Trip
from expenses.permissions import can_review_expense
from expenses.services.approvals import expense_approve, expense_reject, expense_submit
from expenses.services.events import publish
from expenses.services.history import expenses_update_recorded
from expenses.trip_selectors import in_trip
from mealtracker.errors import Conflict, DomainError, NotAllowed

# Lines a member may still add, remove or (re)submit.
OPEN_LINE_STATUSES = (ExpenseStatus.DRAFT, ExpenseStatus.REJECTED)
DECIDED = (ExpenseStatus.APPROVED, ExpenseStatus.REIMBURSED)


def report_candidates(owner: User):
    """The owner's business meals not yet in a report and not yet sent."""
    return Expense.objects.filter(owner=owner, is_business=True, report__isnull=True, status__in=OPEN_LINE_STATUSES)


def _lines_for(
    *,
    owner: User,
    basis: str,
    period_start: datetime.date | None,
    period_end: datetime.date | None,
    trip: Trip | None,
    expense_ids: Iterable[int],
):
    if basis == ReportBasis.PERIOD:
        if period_start is None or period_end is None:
            raise DomainError("Give the first and last day of the period.", field="period_start")
        if period_end < period_start:
            raise DomainError("The period ends before it starts.", field="period_end")
        zone = owner.tzinfo
        start = datetime.datetime.combine(period_start, datetime.time.min, zone)
        end = datetime.datetime.combine(period_end + datetime.timedelta(days=1), datetime.time.min, zone)
        return report_candidates(owner).filter(occurred_at__gte=start, occurred_at__lt=end)
    if basis == ReportBasis.TRIP:
        if trip is None or trip.owner_id != owner.pk:
            raise DomainError("Choose one of your trips.", field="trip")
        return report_candidates(owner).filter(in_trip(trip))
    ids = list(expense_ids)
    found = report_candidates(owner).filter(pk__in=ids)
    if len(ids) != found.count():
        raise DomainError(
            "Choose your own business meals that are drafts or rejected and not in another report.", field="expenses"
        )
    return found


@transaction.atomic
def report_create(
    *,
    owner: User,
    title: str,
    purpose: str = "",
    basis: str = ReportBasis.SELECTION,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
    trip: Trip | None = None,
    expense_ids: Iterable[int] = (),
) -> ExpenseReport:
    """A new open report of the owner's business meals of a period, a trip or a selection."""
    if not title.strip():
        raise DomainError("Give the report a title.", field="title")
    if basis not in ReportBasis.values:
        raise DomainError("Choose a period, a trip or a selection.", field="basis")
    lines = _lines_for(
        owner=owner, basis=basis, period_start=period_start, period_end=period_end, trip=trip, expense_ids=expense_ids
    )
    report = ExpenseReport.objects.create(
        owner=owner,
        title=title.strip(),
        purpose=purpose.strip(),
        basis=basis,
        period_start=period_start if basis == ReportBasis.PERIOD else None,
        period_end=period_end if basis == ReportBasis.PERIOD else None,
        trip=trip if basis == ReportBasis.TRIP else None,
    )
    expenses_update_recorded(lines, actor=owner, report=report)
    publish("report.created", actor=owner, report=report)
    return report


def _locked(report: ExpenseReport) -> ExpenseReport:
    return ExpenseReport.objects.select_for_update().select_related("owner").get(pk=report.pk)


@transaction.atomic
def report_lines_add(*, report: ExpenseReport, actor: User, expense_ids: Iterable[int]) -> ExpenseReport:
    """Add business meals of the owner's to an open report."""
    report = _locked(report)
    _require_owner_editing(report, actor)
    lines = _lines_for(
        owner=actor, basis=ReportBasis.SELECTION, period_start=None, period_end=None, trip=None, expense_ids=expense_ids
    )
    expenses_update_recorded(lines, actor=actor, report=report)
    return _bump(report)


@transaction.atomic
def report_lines_remove(*, report: ExpenseReport, actor: User, expense_ids: Iterable[int]) -> ExpenseReport:
    """Take meals not yet sent (drafts, rejected) out of an open report."""
    report = _locked(report)
    _require_owner_editing(report, actor)
    ids = list(expense_ids)
    removable = report.lines.filter(pk__in=ids, status__in=OPEN_LINE_STATUSES)
    if removable.count() != len(ids):
        raise DomainError("Only meals not yet sent can leave the report.", field="expenses")
    expenses_update_recorded(removable, actor=actor, report=None)
    return _bump(report)


@transaction.atomic
def report_describe(
    *, report: ExpenseReport, actor: User, title: str | None = None, purpose: str | None = None
) -> ExpenseReport:
    """Change the title or purpose of an open report."""
    report = _locked(report)
    _require_owner_editing(report, actor)
    if title is not None:
        if not title.strip():
            raise DomainError("Give the report a title.", field="title")
        report.title = title.strip()
    if purpose is not None:
        report.purpose = purpose.strip()
    report.save(update_fields=["title", "purpose", "updated_at"])
    return _bump(report)


def _require_owner_editing(report: ExpenseReport, actor: User) -> None:
    if report.owner_id != actor.pk:
        raise NotAllowed("Only the report's owner changes it.")
    if report.status not in (ReportStatus.OPEN, ReportStatus.PARTLY_APPROVED, ReportStatus.REJECTED):
        raise Conflict("A report waiting for a decision cannot change.", field="status", code="report_locked")


def _bump(report: ExpenseReport) -> ExpenseReport:
    report.version += 1
    report.save(update_fields=["version", "updated_at"])
    return report


@transaction.atomic
def report_submit(*, report: ExpenseReport, actor: User, comment: str = "") -> ExpenseReport:
    """Submit every draft or rejected line (each through expense_submit); all or none."""
    report = _locked(report)
    _require_owner_editing(report, actor)
    lines = list(report.lines.filter(status__in=OPEN_LINE_STATUSES).order_by("occurred_at", "id"))
    if not lines:
        raise DomainError("Add business meals to the report before submitting it.", field="expenses")
    for line in lines:
        try:
            expense_submit(expense=line, actor=actor, comment=comment)
        except DomainError as exc:
            when = timezone.localtime(line.occurred_at, actor.tzinfo).date()
            exc.message = f"Meal of {when:%d %b %Y} ({line.amount} {line.currency}): {exc.message}"
            raise
    report.submitted_at = timezone.now()
    report.save(update_fields=["submitted_at", "updated_at"])
    report = report_status_refresh(report)
    publish("report.submitted", actor=actor, report=report)
    return report


@transaction.atomic
def report_approve(
    *, report: ExpenseReport, actor: User, expense_ids: Iterable[int] | None = None, comment: str = ""
) -> ExpenseReport:
    """Approve the report's lines waiting for this approver (or only those listed), each via expense_approve."""
    report = _locked(report)
    waiting = report.lines.filter(status__in=[ExpenseStatus.SUBMITTED, ExpenseStatus.SECOND_REVIEW])
    if expense_ids is not None:
        ids = list(expense_ids)
        waiting = waiting.filter(pk__in=ids)
        if waiting.count() != len(ids):
            raise DomainError("Choose lines of this report that are waiting for a decision.", field="expenses")
    lines = list(waiting.select_related("owner__team", "category").order_by("occurred_at", "id"))
    mine = [line for line in lines if can_review_expense(actor, line)]
    if not mine or (expense_ids is not None and len(mine) != len(lines)):
        if report.owner_id == actor.pk:
            raise NotAllowed("Nobody approves their own report.", code="own_expense")
        raise NotAllowed("No line of this report is waiting for your decision.")
    decided = [expense_approve(expense=line, actor=actor, comment=comment) for line in mine]
    for_finance = sum(1 for line in decided if line.status == ExpenseStatus.SECOND_REVIEW)
    if for_finance:
        publish("report.awaiting_finance", actor=actor, report=report, lines=for_finance)
    return report_status_refresh(report, actor=actor)


@transaction.atomic
def report_reject_line(*, report: ExpenseReport, actor: User, expense_id: int, comment: str) -> ExpenseReport:
    """Reject one line of the report, with the reason the owner will read."""
    report = _locked(report)
    line = report.lines.filter(pk=expense_id).first()
    if line is None:
        raise DomainError("That meal is not a line of this report.", field="expense")
    expense_reject(expense=line, actor=actor, comment=comment)
    return report_status_refresh(report, actor=actor)


def report_status_refresh(report: ExpenseReport, *, actor: User | None = None) -> ExpenseReport:
    """The report's status from its lines' (one query), with an event when it reaches a decision."""
    statuses = set(report.lines.values_list("status", flat=True))
    if not statuses or ExpenseStatus.DRAFT in statuses:
        status = ReportStatus.OPEN
    elif statuses & {ExpenseStatus.SUBMITTED, ExpenseStatus.SECOND_REVIEW}:
        status = ReportStatus.SUBMITTED
    elif statuses == {ExpenseStatus.REIMBURSED}:
        status = ReportStatus.REIMBURSED
    elif statuses <= set(DECIDED):
        status = ReportStatus.APPROVED
    elif statuses == {ExpenseStatus.REJECTED}:
        status = ReportStatus.REJECTED
    else:
        status = ReportStatus.PARTLY_APPROVED
    if status != report.status:
        report.status = status
        report.version += 1
        report.save(update_fields=["status", "version", "updated_at"])
        event = {
            ReportStatus.APPROVED: "report.approved",
            ReportStatus.PARTLY_APPROVED: "report.partly_approved",
            ReportStatus.REJECTED: "report.rejected",
            ReportStatus.REIMBURSED: "report.reimbursed",
        }.get(status)
        if event:
            publish(event, actor=actor, report=report)
    return report


@transaction.atomic
def report_delete(*, report: ExpenseReport, actor: User) -> None:
    """An open report with no line sent may be deleted; its meals stay, out of any report."""
    report = _locked(report)
    if report.owner_id != actor.pk:
        raise NotAllowed("Only the report's owner deletes it.")
    if report.lines.exclude(status=ExpenseStatus.DRAFT).exists():
        raise Conflict("A report with meals already sent stays for the record.", field="status", code="report_sent")
    expenses_update_recorded(report.lines.all(), actor=actor, report=None)
    report.delete()
