"""The approval workflow of business meals: submit, approve, reject, reimburse."""

from django.db import transaction

from accounts.models import User
from accounts.selectors import delegated_manager_for, is_manager_of
from expenses.approval_chain import second_approval_reasons
from expenses.choices import TRANSITIONS, ExpenseStatus
from expenses.models import ApprovalEvent, Expense
from expenses.permissions import can_review_expense
from expenses.services.events import publish
from expenses.services.history import expense_history_record, expense_state
from expenses.services.policies import policy_flags_refresh
from expenses.substantiation import substantiation_check
from mealtracker import metrics
from mealtracker.errors import Conflict, DomainError, NotAllowed
from mealtracker.write_stamps import data_changed

# Business metrics of the workflow (mealtracker/metrics.py).
TRANSITION_EVENTS = {ExpenseStatus.SUBMITTED: "meal_submitted", ExpenseStatus.APPROVED: "meal_approved"}


def _transition(
    expense: Expense, *, actor: User, to_status: str, comment: str = "", on_behalf_of: User | None = None
) -> Expense:
    current = Expense.objects.select_for_update().select_related("owner").get(pk=expense.pk)
    if to_status not in TRANSITIONS.get(current.status, set()):
        raise Conflict(
            f"A {current.get_status_display().lower()} expense cannot become {ExpenseStatus(to_status).label.lower()}.",
            field="status",
            code="illegal_transition",
        )
    ApprovalEvent.objects.create(
        expense=current,
        actor=actor,
        on_behalf_of=on_behalf_of,
        from_status=current.status,
        to_status=to_status,
        comment=comment.strip(),
    )
    before = expense_state(current, related=False)
    current.status = to_status
    current.version += 1
    current.save(update_fields=["status", "version", "updated_at"])
    expense_history_record(expense=current, before=before, actor=actor)
    # The owner's figures (and their team's) change with the status, whoever made the decision.
    data_changed(user_ids=[current.owner_id], team_ids=[current.owner.team_id])
    if to_status in TRANSITION_EVENTS:
        metrics.business_event_on_commit(TRANSITION_EVENTS[to_status])
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
    publish("expense.submitted", actor=actor, expense=submitted)
    return submitted


def _standing_in_for(actor: User, expense: Expense) -> User | None:
    """The away manager a delegate decides for (None when the actor decides in their own right)."""
    if actor.is_admin or expense.status != ExpenseStatus.SUBMITTED or is_manager_of(actor, expense.owner):
        return None
    return delegated_manager_for(actor, expense.owner)


def _first_approver(expense: Expense) -> int | None:
    event = expense.approval_events.filter(to_status=ExpenseStatus.SECOND_REVIEW).order_by("-created_at", "-id")
    return event.values_list("actor_id", flat=True).first()


@transaction.atomic
def expense_approve(*, expense: Expense, actor: User, comment: str = "") -> Expense:
    """A manager of the owner's team (or their delegate), or an admin, approves; where the team asks for it
    (amount, over policy, category) finance approves second. Nobody approves their own meal, nor both steps."""
    expense = Expense.objects.select_related("owner__team", "category").get(pk=expense.pk)
    if expense.owner_id == actor.pk:
        raise NotAllowed("Nobody approves their own expense.", code="own_expense")
    if not can_review_expense(actor, expense):
        raise NotAllowed("You cannot approve this expense.")
    if expense.status == ExpenseStatus.SECOND_REVIEW:
        if _first_approver(expense) == actor.pk:
            raise NotAllowed("The second approval must come from someone else.", code="same_approver")
        approved = _transition(expense, actor=actor, to_status=ExpenseStatus.APPROVED, comment=comment)
    else:
        reasons = second_approval_reasons(expense) if expense.status == ExpenseStatus.SUBMITTED else []
        to_status = ExpenseStatus.SECOND_REVIEW if reasons else ExpenseStatus.APPROVED
        approved = _transition(
            expense,
            actor=actor,
            to_status=to_status,
            comment=comment,
            on_behalf_of=_standing_in_for(actor, expense),
        )
    if approved.status == ExpenseStatus.APPROVED:
        publish("expense.approved", actor=actor, expense=approved)
    elif approved.status == ExpenseStatus.SECOND_REVIEW and not approved.report_id:
        # A report's lines are announced once for the report (report_approve).
        publish("expense.awaiting_finance", actor=actor, expense=approved)
    return approved


@transaction.atomic
def expense_reject(*, expense: Expense, actor: User, comment: str) -> Expense:
    """Rejecting needs a reason the owner can act on."""
    expense = Expense.objects.select_related("owner__team").get(pk=expense.pk)
    if not can_review_expense(actor, expense):
        raise NotAllowed("You cannot reject this expense.")
    if not (comment or "").strip():
        raise DomainError("Say why the expense is rejected.", field="comment")
    rejected = _transition(
        expense,
        actor=actor,
        to_status=ExpenseStatus.REJECTED,
        comment=comment,
        on_behalf_of=_standing_in_for(actor, expense),
    )
    publish("expense.rejected", actor=actor, expense=rejected, reason=comment.strip())
    return rejected


@transaction.atomic
def expense_reimburse(*, expense: Expense, actor: User, comment: str = "") -> Expense:
    """Record that an approved expense has been paid back."""
    expense = Expense.objects.select_related("owner__team").get(pk=expense.pk)
    if not can_review_expense(actor, expense):
        raise NotAllowed("You cannot mark this expense reimbursed.")
    reimbursed = _transition(expense, actor=actor, to_status=ExpenseStatus.REIMBURSED, comment=comment)
    publish("expense.reimbursed", actor=actor, expense=reimbursed)
    return reimbursed
