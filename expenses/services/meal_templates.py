"""Favourite meals and recurring meals: saving them, logging from them, and the occurrences awaiting confirmation.

An occurrence of a recurring meal is not an expense until its owner confirms it: a personal meal has no draft
state (expenses are `recorded` at once), so the occurrence waits as a PendingMeal and becomes an expense through
expense_create, with every rule of a meal typed by hand (docs/trips.md).
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from expenses.models import Expense, MealTemplate, PendingMeal, PendingStatus, Repeat
from expenses.schedules import occurrences_between
from expenses.services.expenses import expense_create
from expenses.services.validation import full_clean_or_raise
from mealtracker.errors import Conflict, DomainError, NotAllowed
from mealtracker.money import has_valid_precision, is_currency_code, precision_error

TEMPLATE_FIELDS = {
    "name", "amount", "currency", "restaurant", "category", "meal_type", "order_type", "party_size",
    "payment_method", "tags", "notes", "repeat", "weekdays", "day_of_month", "time_of_day", "starts_on", "ends_on",
    "is_active",
}  # fmt: skip
# What a template gives expense_create (tags travel on their own).
EXPENSE_FIELDS = ("restaurant", "category", "meal_type", "order_type", "party_size", "payment_method", "notes")
# A schedule that was not run for a while creates the occurrences of at most this many past days.
CATCH_UP_DAYS = 7


def _check(template: MealTemplate) -> None:
    template.currency = (template.currency or "").upper()
    if not is_currency_code(template.currency):
        raise DomainError(f"{template.currency} is not a supported ISO 4217 currency code.", field="currency")
    if template.amount is not None and not has_valid_precision(template.amount, template.currency):
        raise DomainError(precision_error(template.currency), field="amount")
    # Someone else's restaurant or category is refused on that field, as on a meal.
    if template.restaurant is not None and template.restaurant.owner_id != template.owner_id:
        raise DomainError("Choose one of your own restaurants.", field="restaurant")
    if template.category is not None and template.category.owner_id != template.owner_id:
        raise DomainError("Choose one of your own categories.", field="category")
    template.tags = ", ".join(name.strip() for name in template.tags.split(",") if name.strip())
    if template.repeat:
        if template.time_of_day is None:
            raise DomainError("Say at what time the meal happens.", field="time_of_day")
        template.starts_on = template.starts_on or timezone.now().astimezone(template.owner.tzinfo).date()
        if template.ends_on and template.ends_on < template.starts_on:
            raise DomainError("The schedule cannot end before it starts.", field="ends_on")
        if template.repeat == Repeat.WEEKLY:
            days = sorted({int(day) for day in str(template.weekdays).split(",") if day.strip().isdigit()})
            if not days or any(not 1 <= day <= 7 for day in days):
                raise DomainError("Pick the days of the week (1 Monday … 7 Sunday).", field="weekdays")
            template.weekdays = ",".join(str(day) for day in days)
        else:
            template.weekdays = ""
        if template.repeat == Repeat.MONTHLY:
            template.day_of_month = template.day_of_month or template.starts_on.day
        else:
            template.day_of_month = None
    full_clean_or_raise(template, exclude=["owner"])


@transaction.atomic
def meal_template_create(*, owner: User, name: str, amount, currency: str | None = None, **fields) -> MealTemplate:
    """Save a favourite meal; with `repeat` (and a time) it is also a recurring meal."""
    unknown = set(fields) - TEMPLATE_FIELDS
    if unknown:
        raise DomainError(f"Unknown field {sorted(unknown)[0]}.", field=sorted(unknown)[0])
    template = MealTemplate(
        owner=owner, name=name.strip(), amount=amount, currency=currency or owner.default_currency, **fields
    )
    _check(template)
    template.save()
    return template


@transaction.atomic
def meal_template_update(*, template: MealTemplate, actor: User, **fields) -> MealTemplate:
    unknown = set(fields) - TEMPLATE_FIELDS
    if unknown:
        raise DomainError(f"Unknown field {sorted(unknown)[0]}.", field=sorted(unknown)[0])
    current = MealTemplate.objects.select_for_update().select_related("owner").get(pk=template.pk)
    if current.owner_id != actor.pk:
        raise NotAllowed("Only its owner changes a favourite.")
    for name, value in fields.items():
        setattr(current, name, value)
    _check(current)
    current.save()
    return current


@transaction.atomic
def meal_template_delete(*, template: MealTemplate, actor: User) -> None:
    """Delete a favourite (and its schedule). Meals logged from it stay; occurrences still to confirm go."""
    if template.owner_id != actor.pk:
        raise NotAllowed("Only its owner deletes a favourite.")
    template.delete()


@transaction.atomic
def meal_template_from_expense(*, expense: Expense, actor: User, name: str = "") -> MealTemplate:
    """Save one of your meals as a favourite: what it was, where, how much (not when)."""
    if expense.owner_id != actor.pk:
        raise NotAllowed("Save your own meals as favourites.")
    default_name = expense.restaurant.display_name if expense.restaurant else expense.get_meal_type_display()
    return meal_template_create(
        owner=actor, name=(name or default_name)[:100], amount=expense.amount, currency=expense.currency,
        tags=", ".join(tag.name for tag in expense.tags.all()),
        **{field: getattr(expense, field) for field in EXPENSE_FIELDS},
    )  # fmt: skip


def _expense_arguments(template: MealTemplate) -> dict:
    fields = {field: getattr(template, field) for field in EXPENSE_FIELDS}
    tags = [name.strip() for name in template.tags.split(",") if name.strip()]
    return {"amount": template.amount, "currency": template.currency, "tags": tags, **fields}


@transaction.atomic
def meal_template_log(*, template: MealTemplate, actor: User, occurred_at: datetime.datetime | None = None) -> Expense:
    """Log a meal from a favourite, now (one tap), through expense_create and all its rules."""
    if template.owner_id != actor.pk:
        raise NotAllowed("Log from your own favourites.")
    when = occurred_at or timezone.now().replace(second=0, microsecond=0)
    return expense_create(owner=actor, actor=actor, occurred_at=when, **_expense_arguments(template))


def occurrence_instant(template: MealTemplate, day: datetime.date) -> datetime.datetime:
    """The aware instant of an occurrence: the template's time on that local date in the owner's timezone. A time
    that a DST change skips (02:30 on a spring-forward night) is read with the offset before the change."""
    return datetime.datetime.combine(day, template.time_of_day, tzinfo=template.owner.tzinfo)


def _occurrences_due(template: MealTemplate, now: datetime.datetime) -> list[PendingMeal]:
    """The occurrences of a schedule whose local time has come and that were never created, from at most
    CATCH_UP_DAYS back (unsaved)."""
    today = now.astimezone(template.owner.tzinfo).date()
    first = max(template.starts_on, today - datetime.timedelta(days=CATCH_UP_DAYS))
    known = set(template.occurrences.filter(occurs_on__gte=first).values_list("occurs_on", flat=True))
    return [
        PendingMeal(template=template, owner=template.owner, occurs_on=day, occurred_at=instant)
        for day in occurrences_between(template, first, today)
        if day not in known and (instant := occurrence_instant(template, day)) <= now
    ]


def recurring_meal_skip_past(*, template: MealTemplate, now: datetime.datetime | None = None) -> int:
    """Record the occurrences already due as skipped, so a schedule put back by a restore offers no past meals to
    confirm and carries on from now."""
    if not template.is_active or not template.repeat:
        return 0
    now = now or timezone.now()
    skipped = _occurrences_due(template, now)
    for pending in skipped:
        pending.status, pending.decided_at = PendingStatus.DISCARDED, now
    PendingMeal.objects.bulk_create(skipped, ignore_conflicts=True)
    return len(skipped)


def recurring_meals_create_due(*, now: datetime.datetime | None = None) -> int:
    """Create the occurrences of every active schedule that are due (their local time has come), from at most
    CATCH_UP_DAYS back; each (schedule, local date) at most once, however often or concurrently this runs."""
    now = now or timezone.now()
    created = 0
    templates = MealTemplate.objects.filter(is_active=True).exclude(repeat="").select_related("owner")
    for template in templates.iterator(chunk_size=500):
        due = _occurrences_due(template, now)
        if due:
            # ignore_conflicts: a concurrent run that created the same occurrence first wins (the unique key).
            PendingMeal.objects.bulk_create(due, ignore_conflicts=True)
            created += len(due)
    return created


def _lock_pending(pending: PendingMeal, actor: User) -> PendingMeal:
    current = PendingMeal.objects.select_for_update().select_related("template", "owner").get(pk=pending.pk)
    if current.owner_id != actor.pk:
        raise NotAllowed("Only its owner confirms a recurring meal.")
    if current.status != PendingStatus.PENDING:
        raise Conflict(f"This meal was already {current.get_status_display().lower()}.", field="status")
    return current


@transaction.atomic
def pending_meal_confirm(*, pending: PendingMeal, actor: User, **changes) -> Expense:
    """Turn an occurrence into an expense (through expense_create), as scheduled or with the changes given."""
    current = _lock_pending(pending, actor)
    arguments = {"occurred_at": current.occurred_at, **_expense_arguments(current.template), **changes}
    expense = expense_create(owner=actor, actor=actor, **arguments)
    current.status, current.expense, current.decided_at = PendingStatus.CONFIRMED, expense, timezone.now()
    try:
        current.save(update_fields=["status", "expense", "decided_at"])
    except IntegrityError as exc:  # pragma: no cover - the lock above makes this unreachable
        raise Conflict("This meal was already confirmed.") from exc
    return expense


@transaction.atomic
def pending_meal_discard(*, pending: PendingMeal, actor: User) -> None:
    """Skip an occurrence (no coffee today); it is kept so the schedule never offers it again."""
    current = _lock_pending(pending, actor)
    current.status, current.decided_at = PendingStatus.DISCARDED, timezone.now()
    current.save(update_fields=["status", "decided_at"])
