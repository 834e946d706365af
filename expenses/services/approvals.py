"""The approval workflow of business meals: submit, approve, reject, reimburse."""

from django.db import transaction

from accounts.models import User
from expenses.choices import TRANSITIONS, ExpenseStatus
from expenses.models import ApprovalEvent, Expense
from expenses.permissions import can_review_expense
from expenses.services.policies import policy_flags_refresh
from expenses.substantiation import substantiation_check
from mealtracker.errors import Conflict, DomainError, NotAllowed


def _transition(expense: Expense, *, actor: User, to_status: str, comment: str = "") -> Expense:
    current = Expense.objects.select_for_update().select_related("owner").get(pk=expense.pk)
    if to_status not in TRANSITIONS.get(current.status, set()):
        raise Conflict(
            f"A {current.get_status_display().lower()} expense cannot become {ExpenseStatus(to_status).label.lower()}.",
            field="status",
            code="illegal_transition",
        )
    ApprovalEvent.objects.create(
        expense=current, actor=actor, from_status=current.status, to_status=to_status, comment=comment.strip()
    )
    current.status = to_status
    current.version += 1
    current.save(update_fields=["status", "version", "updated_at"])
    return current


@transaction.atomic
def expense_submit(*, expense: Expense, actor: User, comment: str = "") -> Expense:
    """The owner sends a business meal (draft or rejected) to their manager."""
    if expense.owner_id != actor.pk:
        raise NotAllowed("Only the person who paid can submit this expense.")
    if not expense.is_business:
        raise Conflict("Personal meals are not submitted for approval.", field="is_business", code="not_business")
    if not expense.business_purpose.strip():
        raise DomainError("Say what the business purpose was before submitting.", field="business_purpose")
    substantiation_check(Expense.objects.select_related("owner__team").get(pk=expense.pk))
    submitted = _transition(expense, actor=actor, to_status=ExpenseStatus.SUBMITTED, comment=comment)
    # The approver sees the verdict on the figures being submitted, under today's policy.
    policy_flags_refresh([submitted])
    return submitted


@transaction.atomic
def expense_approve(*, expense: Expense, actor: User, comment: str = "") -> Expense:
    """A manager of the owner's team, or an admin, approves; nobody approves their own meal."""
    if not can_review_expense(actor, expense):
        raise NotAllowed("You cannot approve this expense.")
    return _transition(expense, actor=actor, to_status=ExpenseStatus.APPROVED, comment=comment)


@transaction.atomic
def expense_reject(*, expense: Expense, actor: User, comment: str) -> Expense:
    """Rejecting needs a reason the owner can act on."""
    if not can_review_expense(actor, expense):
        raise NotAllowed("You cannot reject this expense.")
    if not (comment or "").strip():
        raise DomainError("Say why the expense is rejected.", field="comment")
    return _transition(expense, actor=actor, to_status=ExpenseStatus.REJECTED, comment=comment)


@transaction.atomic
def expense_reimburse(*, expense: Expense, actor: User, comment: str = "") -> Expense:
    """Record that an approved expense has been paid back."""
    if not can_review_expense(actor, expense):
        raise NotAllowed("You cannot mark this expense reimbursed.")
    return _transition(expense, actor=actor, to_status=ExpenseStatus.REIMBURSED, comment=comment)
