"""Reminders for decisions waiting too long: each approver hears once per run of the meals waiting for them."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from accounts.models import ApprovalDelegation, Role, Team, User
from expenses.choices import ExpenseStatus
from expenses.models import ApprovalEvent, Expense
from expenses.services.events import publish

WAITING = (ExpenseStatus.SUBMITTED, ExpenseStatus.SECOND_REVIEW)


@dataclass
class Reminder:
    approver: User
    expenses: list = field(default_factory=list)


def expenses_waiting_longer_than(days: int):
    """Meals whose last step (submit, or the manager's approval) is more than `days` days old."""
    last_step = (
        ApprovalEvent.objects.filter(expense=OuterRef("pk")).order_by().values("expense").annotate(at=Max("created_at"))
    )
    cutoff = timezone.now() - datetime.timedelta(days=days)
    return (
        Expense.objects.filter(status__in=WAITING)
        .annotate(waiting_since=Subquery(last_step.values("at")))
        .filter(waiting_since__lt=cutoff)
        .select_related("owner__team")
        .order_by("waiting_since", "id")
    )


def approval_reminders_send(*, days: int, dry_run: bool = False) -> list[Reminder]:
    """Who decides each waiting meal: the team's managers (or, while away, their delegates) for submitted ones,
    finance for those awaiting the second approval; never the owner. Publishes one reminder per approver."""
    waiting = list(expenses_waiting_longer_than(days))
    today = timezone.localdate()
    managers = {}
    team_ids = {expense.owner.team_id for expense in waiting if expense.owner.team_id}
    for team in Team.objects.filter(pk__in=team_ids).prefetch_related("managers"):
        managers[team.pk] = [m for m in team.managers.all() if m.is_active]
    stand_ins = {}
    for delegation in ApprovalDelegation.objects.filter(starts_on__lte=today, ends_on__gte=today).select_related(
        "delegate"
    ):
        stand_ins.setdefault(delegation.manager_id, delegation.delegate)
    finance = list(User.objects.filter(role=Role.FINANCE, is_active=True))
    reminders: dict[int, Reminder] = {}
    for expense in waiting:
        if expense.status == ExpenseStatus.SECOND_REVIEW:
            approvers = finance
        else:
            approvers = [stand_ins.get(m.pk, m) for m in managers.get(expense.owner.team_id, [])]
        for approver in approvers:
            if approver.pk != expense.owner_id:
                reminders.setdefault(approver.pk, Reminder(approver)).expenses.append(expense)
    result = list(reminders.values())
    if not dry_run:
        for reminder in result:
            publish("approval.reminder", recipient=reminder.approver, expenses=reminder.expenses, days=days)
    return result
