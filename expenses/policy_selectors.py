"""Reads of meal policies and their verdicts, scoped to who may see them."""

from django.db.models import QuerySet

from accounts.models import User
from accounts.selectors import teams_readable_by
from expenses.models import MealPolicy, PolicyFlag
from expenses.selectors import expenses_visible_to


def meal_policies_visible_to(user: User) -> QuerySet[MealPolicy]:
    """Policies of the teams the user reads (manages, stands in for, audits; all for admins and finance) and of the
    user's own team."""
    teams = teams_readable_by(user)
    policies = MealPolicy.objects.select_related("team")
    if user.team_id:
        return policies.filter(team__in=teams) | policies.filter(team_id=user.team_id)
    return policies.filter(team__in=teams)


def policy_flags_visible_to(user: User) -> QuerySet[PolicyFlag]:
    """Flags on expenses the user may see (a manager: the team's; an admin: all)."""
    return PolicyFlag.objects.filter(expense__in=expenses_visible_to(user).values("pk")).select_related(
        "expense__owner", "policy"
    )
