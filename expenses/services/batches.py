"""Reimbursement batches: finance pays approved meals together; paying the batch reimburses each meal."""

import datetime
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from expenses.choices import ExpenseStatus
from expenses.models import BatchStatus, Expense, ReimbursementBatch
from expenses.services.approvals import expense_reimburse
from expenses.services.events import publish
from expenses.services.expense_reports import report_status_refresh
from expenses.services.history import expenses_update_recorded
from mealtracker.errors import Conflict, DomainError, NotAllowed


def can_manage_batches(user: User) -> bool:
    return user.is_finance or user.is_admin


@transaction.atomic
def batch_create(
    *,
    actor: User,
    reference: str,
    payout_date: datetime.date,
    expense_ids: Iterable[int] = (),
    report_ids: Iterable[int] = (),
) -> ReimbursementBatch:
    """A batch of approved meals (given one by one or by their reports), none in another batch."""
    if not can_manage_batches(actor):
        raise NotAllowed("Only finance creates reimbursement batches.")
    if not reference.strip():
        raise DomainError("Give the payout's reference.", field="reference")
    expense_ids, report_ids = list(expense_ids), list(report_ids)
    chosen = Expense.objects.filter(pk__in=expense_ids) | Expense.objects.filter(report__in=report_ids)
    chosen = chosen.select_for_update()
    if not expense_ids and not report_ids:
        raise DomainError("Choose approved meals or reports to pay.", field="expenses")
    if chosen.filter(pk__in=expense_ids).count() != len(set(expense_ids)):
        raise DomainError("Some of those meals do not exist.", field="expenses")
    refused = chosen.exclude(status=ExpenseStatus.APPROVED, batch__isnull=True)
    if expense_ids and refused.filter(pk__in=expense_ids).exists():
        raise DomainError("Only approved meals not in another batch can be paid.", field="expenses")
    payable = chosen.filter(status=ExpenseStatus.APPROVED, batch__isnull=True).exclude(owner=actor)
    ids = list(payable.values_list("pk", flat=True))
    if not ids:
        raise DomainError("None of those meals is approved and waiting to be paid.", field="expenses")
    try:
        with transaction.atomic():
            batch = ReimbursementBatch.objects.create(
                created_by=actor, reference=reference.strip(), payout_date=payout_date
            )
    except IntegrityError as exc:
        raise Conflict("A batch with this reference exists.", field="reference", code="duplicate") from exc
    expenses_update_recorded(Expense.objects.filter(pk__in=ids), actor=actor, batch=batch)
    return batch


@transaction.atomic
def batch_remove_expense(*, batch: ReimbursementBatch, actor: User, expense_id: int) -> ReimbursementBatch:
    """Take a meal out of an open batch."""
    batch = _locked_open(batch, actor)
    if not expenses_update_recorded(batch.expenses.filter(pk=expense_id), actor=actor, batch=None):
        raise DomainError("That meal is not in this batch.", field="expense")
    return batch


def _locked_open(batch: ReimbursementBatch, actor: User) -> ReimbursementBatch:
    if not can_manage_batches(actor):
        raise NotAllowed("Only finance changes reimbursement batches.")
    batch = ReimbursementBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != BatchStatus.OPEN:
        raise Conflict("This batch is paid.", field="status", code="batch_paid")
    return batch


@transaction.atomic
def batch_mark_paid(*, batch: ReimbursementBatch, actor: User) -> ReimbursementBatch:
    """The payout went out: each meal becomes reimbursed (an ApprovalEvent each), then the batch is paid."""
    batch = _locked_open(batch, actor)
    expenses = list(batch.expenses.select_related("owner__team", "report").order_by("id"))
    if not expenses:
        raise DomainError("The batch has no meals.", field="expenses")
    reports = set()
    for expense in expenses:
        expense_reimburse(expense=expense, actor=actor, comment=f"Paid in batch {batch.reference}")
        if expense.report_id:
            reports.add(expense.report)
    for report in reports:
        report_status_refresh(report, actor=actor)
    batch.status = BatchStatus.PAID
    batch.paid_at = timezone.now()
    batch.paid_by = actor
    batch.save(update_fields=["status", "paid_at", "paid_by"])
    publish("batch.paid", actor=actor, batch=batch)
    return batch
