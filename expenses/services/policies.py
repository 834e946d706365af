"""Meal policies and their verdicts.

A flag is derived: it always says what the team's policy makes of the expense as it stands now. Every service
that changes an expense (create, bulk create, update, submit) or a policy (set, delete) ends by calling
`policy_flags_refresh`; nothing else writes PolicyFlag rows."""

from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from accounts.models import Team, User
from accounts.selectors import teams_managed_by
from expenses.models import Expense, MealPolicy, PolicyBasis, PolicyFlag
from mealtracker.errors import DomainError, NotAllowed
from mealtracker.money import has_valid_precision, per_person, precision_error, quantize
from mealtracker.write_stamps import data_changed

# Expenses of a team re-judged per round trip when a policy changes, and the fields a verdict reads.
REFRESH_CHUNK = 2000
VERDICT_FIELDS = ("pk", "amount", "tax", "tip", "exchange_rate", "reporting_amount", "party_size", "meal_type",
                  "is_business")  # fmt: skip


def policy_basis_amount(expense: Expense, basis: str) -> Decimal:
    """The part of the bill a policy limits, in the reporting currency: before tax and tip, or all of it."""
    if basis == PolicyBasis.TOTAL:
        return expense.reporting_amount
    subtotal = expense.amount - expense.tax - expense.tip
    return quantize(subtotal * expense.exchange_rate, settings.REPORTING_CURRENCY)


def policy_verdict(expense: Expense, policy: MealPolicy | None) -> dict | None:
    """The flag's figures when a business meal's cost per attendee is over the policy; None when it is within."""
    if policy is None or not expense.is_business:
        return None
    cost = per_person(policy_basis_amount(expense, policy.basis), expense.party_size, policy.currency)
    if cost <= policy.max_per_person:
        return None
    return {"policy": policy, "basis": policy.basis, "limit_per_person": policy.max_per_person,
            "per_person": cost, "over_by": cost - policy.max_per_person}  # fmt: skip


def policy_flags_refresh(expenses: Iterable[Expense], *, team_id_of=None, created: bool = False) -> None:
    """Rewrite the flags of these saved expenses from their current state and their team's current policies.

    Queries do not grow with the expenses: one for the policies, one for the existing flags, then at most one
    delete, one bulk update and one bulk insert. `team_id_of(expense)` defaults to the owner's team. `created`: the
    expenses were just written, so they have no flags yet and none is looked for (10,000 ids in the query)."""
    expenses = list(expenses)
    if not expenses:
        return
    team_id_of = team_id_of or (lambda expense: expense.owner.team_id)
    teams = {expense.pk: team_id_of(expense) for expense in expenses}
    team_ids = set(teams.values()) - {None}
    policies = (
        {(p.team_id, p.meal_type): p for p in MealPolicy.objects.filter(team_id__in=team_ids)} if team_ids else {}
    )
    existing = {} if created else {flag.expense_id: flag for flag in PolicyFlag.objects.filter(expense__in=list(teams))}
    stale, changed, new = [], [], []
    for expense in expenses:
        verdict = policy_verdict(expense, policies.get((teams[expense.pk], expense.meal_type)))
        flag = existing.get(expense.pk)
        if verdict is None:
            if flag is not None:
                stale.append(flag.pk)
        elif flag is None:
            new.append(PolicyFlag(expense=expense, **verdict))
        elif any(getattr(flag, name) != value for name, value in verdict.items()):
            for name, value in verdict.items():
                setattr(flag, name, value)
            changed.append(flag)
    if stale:
        PolicyFlag.objects.filter(pk__in=stale).delete()
    if changed:
        PolicyFlag.objects.bulk_update(changed, ["policy", "basis", "limit_per_person", "per_person", "over_by"])
    if new:
        PolicyFlag.objects.bulk_create(new, batch_size=1000)
    # Every expense write passes here: cached report and dashboard figures of these owners and teams go stale.
    data_changed(user_ids={expense.owner_id for expense in expenses}, team_ids=team_ids)


def policy_flags_refresh_team(*, team: Team, meal_type: str) -> None:
    """Re-judge a team's business meals of one meal type after its policy changed."""
    expenses = (
        Expense.objects.filter(owner__team=team, meal_type=meal_type, is_business=True)
        .only(*VERDICT_FIELDS)
        .order_by("pk")
    )
    chunk = []
    for expense in expenses.iterator(chunk_size=REFRESH_CHUNK):
        chunk.append(expense)
        if len(chunk) == REFRESH_CHUNK:
            policy_flags_refresh(chunk, team_id_of=lambda _: team.pk)
            chunk = []
    policy_flags_refresh(chunk, team_id_of=lambda _: team.pk)


def _check_manages(actor: User, team: Team) -> None:
    if not teams_managed_by(actor).filter(pk=team.pk).exists():
        raise NotAllowed("Only the team's managers set its meal policies.")


@transaction.atomic
def meal_policy_set(
    *,
    actor: User,
    team: Team,
    meal_type: str,
    max_per_person: Decimal,
    currency: str | None = None,
    basis: str = PolicyBasis.SUBTOTAL,
) -> MealPolicy:
    """Create or change the team's limit per attendee for one meal type (in the reporting currency), then
    re-judge the team's meals of that type."""
    _check_manages(actor, team)
    currency = (currency or settings.REPORTING_CURRENCY).upper()
    if currency != settings.REPORTING_CURRENCY:
        raise DomainError(
            f"Policies are set in the reporting currency, {settings.REPORTING_CURRENCY}.", field="currency"
        )
    if max_per_person <= 0:
        raise DomainError("The limit must be more than zero.", field="max_per_person")
    if not has_valid_precision(max_per_person, currency):
        raise DomainError(precision_error(currency), field="max_per_person")
    if basis not in PolicyBasis.values:
        raise DomainError(f"The basis is one of {', '.join(PolicyBasis.values)}.", field="basis")
    policy, _ = MealPolicy.objects.update_or_create(
        team=team,
        meal_type=meal_type,
        defaults={"max_per_person": max_per_person, "currency": currency, "basis": basis},
    )
    policy_flags_refresh_team(team=team, meal_type=meal_type)
    return policy


@transaction.atomic
def meal_policy_delete(*, actor: User, policy: MealPolicy) -> None:
    """Remove a limit; the meals it flagged are no longer over any policy."""
    _check_manages(actor, policy.team)
    team, meal_type = policy.team, policy.meal_type
    policy.delete()
    policy_flags_refresh_team(team=team, meal_type=meal_type)
