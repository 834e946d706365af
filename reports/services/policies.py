"""Meal policies: a team's maximum per person for a meal type, and the flag on expenses that exceed it."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet

from accounts.models import Team, User
from accounts.selectors import teams_managed_by
from expenses.models import Expense
from expenses.selectors import expenses_visible_to
from mealtracker.errors import Conflict, DomainError, NotAllowed
from reports.models import MealPolicy, PolicyFlag

CENT = Decimal("0.01")


def meal_policies_visible_to(user: User) -> QuerySet[MealPolicy]:
    """Policies of the teams the user manages (all for admins) and of the user's own team."""
    teams = teams_managed_by(user)
    policies = MealPolicy.objects.select_related("team")
    if user.team_id:
        return policies.filter(team__in=teams) | policies.filter(team_id=user.team_id)
    return policies.filter(team__in=teams)


def _check_manages(actor: User, team: Team) -> None:
    if not teams_managed_by(actor).filter(pk=team.pk).exists():
        raise NotAllowed("Only the team's managers set its meal policies.")


@transaction.atomic
def meal_policy_set(
    *, actor: User, team: Team, meal_type: str, max_per_person: Decimal, currency: str | None = None
) -> MealPolicy:
    """Create or change the team's limit for one meal type (in the reporting currency)."""
    _check_manages(actor, team)
    currency = (currency or settings.REPORTING_CURRENCY).upper()
    if currency != settings.REPORTING_CURRENCY:
        raise DomainError(
            f"Policies are set in the reporting currency, {settings.REPORTING_CURRENCY}.", field="currency"
        )
    if max_per_person <= 0:
        raise DomainError("The limit must be more than zero.", field="max_per_person")
    policy, _ = MealPolicy.objects.update_or_create(
        team=team, meal_type=meal_type, defaults={"max_per_person": max_per_person, "currency": currency}
    )
    return policy


def meal_policy_delete(*, actor: User, policy: MealPolicy) -> None:
    _check_manages(actor, policy.team)
    policy.delete()


def _over_policy(expense: Expense, policy: MealPolicy | None) -> dict | None:
    """A flag's figures when the expense's per-person cost (reporting currency) is over the policy, else None."""
    if policy is None:
        return None
    per_person = (expense.reporting_amount / expense.party_size).quantize(CENT, rounding=ROUND_HALF_UP)
    if per_person <= policy.max_per_person:
        return None
    return {"policy": policy, "limit_per_person": policy.max_per_person, "per_person": per_person,
            "over_by": per_person - policy.max_per_person}  # fmt: skip


def policy_check(expense: Expense) -> PolicyFlag | None:
    """Flag the expense when its per-person cost (reporting currency) is over its team's policy."""
    team_id = expense.owner.team_id
    if team_id is None:
        return None
    over = _over_policy(expense, MealPolicy.objects.filter(team_id=team_id, meal_type=expense.meal_type).first())
    if over is None:
        return None
    flag, created = PolicyFlag.objects.get_or_create(expense=expense, defaults=over)
    if not created:
        raise Conflict("This expense is already flagged.")
    return flag


def policy_check_many(expenses: list[Expense]) -> list[PolicyFlag]:
    """policy_check for expenses just recorded in bulk (bulk_create sends no post_save): one query, one insert."""
    team_ids = {expense.owner.team_id for expense in expenses} - {None}
    if not team_ids:
        return []
    policies = {(p.team_id, p.meal_type): p for p in MealPolicy.objects.filter(team_id__in=team_ids)}
    flags = []
    for expense in expenses:
        over = _over_policy(expense, policies.get((expense.owner.team_id, expense.meal_type)))
        if over is not None:
            flags.append(PolicyFlag(expense=expense, **over))
    return PolicyFlag.objects.bulk_create(flags, batch_size=1000)


def policy_flags_visible_to(user: User) -> QuerySet[PolicyFlag]:
    """Flags on expenses the user may see (a manager: the team's; an admin: all)."""
    return PolicyFlag.objects.filter(expense__in=expenses_visible_to(user).values("pk")).select_related(
        "expense__owner", "policy"
    )
