"""Budgets: who may set them, how much of the current period they have used, and the 80 % / 100 % alerts."""

import datetime
import zoneinfo
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.db.models.query import EmptyQuerySet
from django.utils import timezone

from accounts.models import Team, User
from accounts.selectors import teams_managed_by, teams_readable_by
from expenses.models import Category, Expense
from expenses.services import validation_error_to_domain
from expenses.services.events import publish
from mealtracker.errors import DomainError, NotAllowed
from mealtracker.local_dates import local_day_bounds
from mealtracker.money import as_money, format_money, has_valid_precision, precision_error, quantize
from reports.models import Budget, BudgetAlert, BudgetPeriod, Notice

THRESHOLDS = (80, 100)
TENTH = Decimal("0.1")
CHUNK = 200  # budgets aggregated per query


def budgets_visible_to(user: User) -> QuerySet[Budget]:
    """Own budgets, the budgets of the user's team, and those of teams the user manages (all for admins)."""
    if user.is_admin:
        return Budget.objects.filter(Q(user=user) | Q(team__isnull=False)).select_related("team", "category", "user")
    visible = Q(user=user)
    teams = teams_readable_by(user)  # managed, stood in for or audited teams
    if not isinstance(teams, EmptyQuerySet):  # a member's: the same SQL without building a subquery that matches none
        visible |= Q(team__in=teams)
    if user.team_id:
        visible |= Q(team_id=user.team_id)
    return Budget.objects.filter(visible).select_related("team", "category", "user")


def can_edit_budget(user: User, budget: Budget) -> bool:
    if budget.user_id is not None:
        return budget.user_id == user.pk
    return teams_managed_by(user).filter(pk=budget.team_id).exists()


def _validate(budget: Budget, actor: User) -> None:
    if budget.team_id is not None and not teams_managed_by(actor).filter(pk=budget.team_id).exists():
        raise DomainError("Choose a team you manage.", field="team")
    if budget.category_id is not None and budget.category.owner_id != actor.pk:
        raise DomainError("Choose one of your own categories.", field="category")
    if budget.currency != settings.REPORTING_CURRENCY:
        raise DomainError(
            f"Budgets are set in the reporting currency, {settings.REPORTING_CURRENCY}.", field="currency"
        )
    if budget.amount is None or budget.amount <= 0:
        raise DomainError("A budget must be more than zero.", field="amount")
    if not has_valid_precision(budget.amount, budget.currency):
        raise DomainError(precision_error(budget.currency), field="amount")
    try:
        budget.full_clean(exclude=["user", "team", "category", "created_by"])
    except ValidationError as exc:
        raise validation_error_to_domain(exc) from exc


@transaction.atomic
def budget_create(
    *,
    actor: User,
    amount: Decimal,
    period: str = BudgetPeriod.MONTH,
    team: Team | None = None,
    category: Category | None = None,
    name: str = "",
    currency: str | None = None,
) -> Budget:
    """A budget for the actor, or for a team the actor manages (when `team` is given)."""
    budget = Budget(
        user=None if team else actor,
        team=team,
        category=category,
        name=(name or "").strip(),
        period=period,
        amount=amount,
        currency=(currency or settings.REPORTING_CURRENCY).upper(),
        created_by=actor,
    )
    _validate(budget, actor)
    budget.save()
    return budget


@transaction.atomic
def budget_update(*, budget: Budget, actor: User, **fields) -> Budget:
    if not can_edit_budget(actor, budget):
        raise NotAllowed("Only the budget's owner or the team's manager can change it.")
    for name, value in fields.items():
        if name not in {"name", "period", "amount", "category", "currency"}:
            raise DomainError(f"Unknown field {name}.", field=name)
        setattr(budget, name, value)
    _validate(budget, actor)
    budget.save()
    return budget


def budget_delete(*, budget: Budget, actor: User) -> None:
    if not can_edit_budget(actor, budget):
        raise NotAllowed("Only the budget's owner or the team's manager can delete it.")
    budget.delete()


def budget_timezone(budget: Budget) -> zoneinfo.ZoneInfo:
    """A personal budget runs on its owner's calendar; a team budget on the site's (TIME_ZONE)."""
    return budget.user.tzinfo if budget.user_id else zoneinfo.ZoneInfo(settings.TIME_ZONE)


def period_bounds(period: str, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """First and last local day of the week (Monday-Sunday) or month containing `today`."""
    if period == BudgetPeriod.WEEK:
        start = today - datetime.timedelta(days=today.weekday())
        return start, start + datetime.timedelta(days=6)
    start = today.replace(day=1)
    next_month = (start + datetime.timedelta(days=32)).replace(day=1)
    return start, next_month - datetime.timedelta(days=1)


@dataclass(frozen=True)
class BudgetProgress:
    period_start: datetime.date
    period_end: datetime.date
    spent: Decimal
    remaining: Decimal
    percent_used: Decimal
    projected: Decimal
    projected_percent: Decimal
    status: str  # ok | projected_over | warning | over


def _spending_filter(budget: Budget, start: datetime.datetime, end: datetime.datetime) -> Q:
    whose = Q(owner_id=budget.user_id) if budget.user_id else Q(owner__team_id=budget.team_id)
    condition = whose & Q(occurred_at__gte=start, occurred_at__lt=end)
    if budget.category_id:
        # Categories belong to one person, so a team budget matches its category by name across the team.
        condition &= (
            Q(category_id=budget.category_id) if budget.user_id else Q(category__name__iexact=budget.category.name)
        )
    return condition


def budget_progress(budgets: list[Budget], *, now: datetime.datetime | None = None) -> dict[int, BudgetProgress]:
    """Spend so far in each budget's current period and its straight-line projection, one query per 200."""
    now = now or timezone.now()
    windows = {}
    for budget in budgets:
        tz = budget_timezone(budget)
        today = now.astimezone(tz).date()
        start, end = period_bounds(budget.period, today)
        windows[budget.pk] = (budget, today, start, end, tz)
    spent: dict[int, Decimal] = {}
    ids = list(windows)
    for offset in range(0, len(ids), CHUNK):
        sums = {}
        for pk in ids[offset : offset + CHUNK]:
            budget, _today, start, end, tz = windows[pk]
            start_at, end_at = local_day_bounds(start, end, tz=tz)
            sums[f"b{pk}"] = Sum("reporting_amount", filter=_spending_filter(budget, start_at, end_at))
        # Spend is counted over the budget subject's expenses, whoever is asking (the budget is what is visible).
        result = Expense.objects.order_by().aggregate(**sums)
        spent.update({pk: as_money(result[f"b{pk}"], windows[pk][0].currency) for pk in ids[offset : offset + CHUNK]})
    progress = {}
    for pk, (budget, today, start, end, _tz) in windows.items():
        used = spent[pk]
        elapsed = (today - start).days + 1
        length = (end - start).days + 1
        projected = quantize(used * length / elapsed, budget.currency)
        percent = (used * 100 / budget.amount).quantize(TENTH, rounding=ROUND_HALF_UP)
        projected_percent = (projected * 100 / budget.amount).quantize(TENTH, rounding=ROUND_HALF_UP)
        status = "ok"
        if percent >= 100:
            status = "over"
        elif percent >= 80:
            status = "warning"
        elif projected_percent > 100:
            status = "projected_over"
        progress[pk] = BudgetProgress(
            period_start=start, period_end=end, spent=used, remaining=quantize(budget.amount - used, budget.currency),
            percent_used=percent, projected=projected, projected_percent=projected_percent, status=status,
        )  # fmt: skip
    return progress


def _recipients(budget: Budget) -> list[User]:
    if budget.user_id:
        return [budget.user] if budget.user.is_active else []
    return list(budget.team.managers.filter(is_active=True))


def _alert_message(budget: Budget, threshold: int, progress: BudgetProgress) -> str:
    kind = f"{budget.get_period_display().lower()} {budget.category.name + ' ' if budget.category_id else ''}budget"
    what = f'{kind} "{budget.name}"' if budget.name else kind
    owner = f"{budget.team.name}'s" if budget.team_id else "Your"
    amount = format_money(budget.amount, budget.currency)
    spent = format_money(progress.spent, budget.currency)
    verb = "is used up" if threshold >= 100 else f"has reached {threshold} %"
    return f"{owner} {what} {verb}: {spent} of {amount} spent since {progress.period_start:%d %b %Y}."


def budget_alerts_send(*, now: datetime.datetime | None = None) -> list[BudgetAlert]:
    """Record and announce (in-app notice + notification, e-mailed per preferences) each threshold crossed, once per
    budget, period and threshold."""
    budgets = list(Budget.objects.select_related("user", "team", "category").order_by("pk"))
    sent: list[BudgetAlert] = []
    for pk, progress in budget_progress(budgets, now=now).items():
        budget = next(b for b in budgets if b.pk == pk)
        crossed = [t for t in THRESHOLDS if progress.percent_used >= t]
        if not crossed:
            continue
        with transaction.atomic():
            new = []
            for threshold in crossed:
                alert, created = BudgetAlert.objects.get_or_create(
                    budget=budget, period_start=progress.period_start, threshold=threshold,
                    defaults={"spent": progress.spent},
                )  # fmt: skip
                if created:
                    new.append(alert)
            if not new:
                continue
            highest = max(new, key=lambda a: a.threshold)  # one message even when 80 and 100 pass together
            message = _alert_message(budget, highest.threshold, progress)
            recipients = _recipients(budget)
            Notice.objects.bulk_create([Notice(recipient=user, alert=highest, message=message) for user in recipients])
            # Under the bell, and e-mailed by each recipient's preferences (at once after the commit, or in the
            # daily digest) like every other notification.
            publish("budget.alert", recipients=recipients, reason=message)
        sent.extend(new)
    return sent


def notice_mark_read(*, notice: Notice) -> Notice:
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return notice
