"""The approval chain of a business meal: who decides at each step, and why finance approves too."""

from dataclasses import dataclass

from expenses.choices import ExpenseStatus
from expenses.models import ApprovalEvent, Expense


def second_approval_reasons(expense: Expense) -> list[str]:
    """Why the owner's team wants finance to approve this meal as well (empty: one approval is enough)."""
    team = expense.owner.team
    if team is None:
        return []
    reasons = []
    if team.second_approval_above is not None and expense.reporting_amount > team.second_approval_above:
        reasons.append(f"above {team.second_approval_above}")
    if team.second_approval_over_policy and _is_over_policy(expense):
        reasons.append("over the meal policy")
    names = {name.strip().casefold() for name in team.second_approval_categories.split(",") if name.strip()}
    if names and expense.category is not None and expense.category.name.casefold() in names:
        reasons.append(f"category {expense.category.name}")
    return reasons


def _is_over_policy(expense: Expense) -> bool:
    from expenses.models import PolicyFlag

    return PolicyFlag.objects.filter(expense_id=expense.pk).exists()


@dataclass(frozen=True)
class ChainStep:
    label: str  # "Manager" or "Finance"
    state: str  # "waiting", "approved", "rejected", "not needed"
    actor: object | None = None  # the user who decided
    on_behalf_of: object | None = None
    decided_at: object | None = None
    comment: str = ""


def approval_chain(expense: Expense, events: list[ApprovalEvent] | None = None) -> list[ChainStep]:
    """The steps of the meal's current approval round, from its events (pass them when already loaded)."""
    if events is None:
        events = list(expense.approval_events.select_related("actor", "on_behalf_of"))
    # The current round starts at the last submit.
    start = max((i for i, e in enumerate(events) if e.to_status == ExpenseStatus.SUBMITTED), default=None)
    if start is None:
        return []
    round_events = events[start + 1 :]
    first = next((e for e in round_events if e.from_status == ExpenseStatus.SUBMITTED), None)
    second = next((e for e in round_events if e.from_status == ExpenseStatus.SECOND_REVIEW), None)
    steps = [_step("Manager", first)]
    needs_second = (first is not None and first.to_status == ExpenseStatus.SECOND_REVIEW) or (
        first is None and bool(second_approval_reasons(expense))
    )
    if needs_second:
        steps.append(_step("Finance", second))
    return steps


def _step(label: str, event: ApprovalEvent | None) -> ChainStep:
    if event is None:
        return ChainStep(label, "waiting")
    state = "rejected" if event.to_status == ExpenseStatus.REJECTED else "approved"
    return ChainStep(label, state, event.actor, event.on_behalf_of, event.created_at, event.comment)
