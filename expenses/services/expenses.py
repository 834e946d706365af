"""Creating, changing and deleting expenses."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from expenses.choices import ExpenseStatus
from expenses.models import ApprovalEvent, Category, Expense, ExpenseTag, Restaurant, Tag
from expenses.permissions import can_edit_expense
from expenses.services.catalog import tags_resolve
from expenses.services.currency import convert_to_reporting
from expenses.services.validation import full_clean_or_raise
from mealtracker.errors import DomainError, NotAllowed, StaleWrite
from mealtracker.money import has_valid_precision, is_currency_code

# A meal can be logged a little ahead (timezones, clock drift) but not booked into the future.
FUTURE_TOLERANCE = datetime.timedelta(days=1)

EDITABLE_FIELDS = {
    "restaurant", "category", "occurred_at", "cleared_on", "meal_type", "order_type", "party_size", "amount",
    "tax", "tip", "currency", "exchange_rate", "payment_method", "notes", "is_business", "business_purpose",
    "attendees",
}  # fmt: skip
CONVERSION_FIELDS = {"amount", "currency", "occurred_at", "exchange_rate"}


def _check_owned(owner: User, *, restaurant=None, category=None, tags=()) -> None:
    # Someone else's restaurant, category or tag is refused on that field (and never leaks that it exists).
    if isinstance(restaurant, Restaurant) and restaurant.owner_id != owner.pk:
        raise DomainError("Choose one of your own restaurants.", field="restaurant")
    if isinstance(category, Category) and category.owner_id != owner.pk:
        raise DomainError("Choose one of your own categories.", field="category")
    if any(isinstance(tag, Tag) and tag.owner_id != owner.pk for tag in tags):
        raise DomainError("Choose your own tags.", field="tags")


def _check_money_and_time(expense: Expense) -> None:
    if not is_currency_code(expense.currency):
        raise DomainError(f"{expense.currency} is not a supported ISO 4217 currency code.", field="currency")
    for field in ("amount", "tax", "tip"):
        value = getattr(expense, field)
        if value is not None and not has_valid_precision(value, expense.currency):
            raise DomainError(f"{expense.currency} amounts have at most two decimal places.", field=field)
    if expense.occurred_at is None:
        raise DomainError("Say when the meal happened.", field="occurred_at")
    if timezone.is_naive(expense.occurred_at):
        raise DomainError("The date and time need a timezone.", field="occurred_at")
    if expense.occurred_at > timezone.now() + FUTURE_TOLERANCE:
        raise DomainError("The meal cannot be in the future.", field="occurred_at")


def _convert(expense: Expense, rate: Decimal | None) -> None:
    local_date = expense.occurred_at.astimezone(expense.owner.tzinfo).date()
    expense.reporting_amount, expense.exchange_rate = convert_to_reporting(
        amount=expense.amount, currency=expense.currency, on_date=local_date, rate=rate
    )


def _set_tags(expense: Expense, tags: list, actor: User) -> None:
    tag_objects = [t for t in tags if isinstance(t, Tag)]
    names = [t for t in tags if isinstance(t, str)]
    if names:
        tag_objects += tags_resolve(owner=expense.owner, names=names)
    ExpenseTag.objects.filter(expense=expense).exclude(tag__in=tag_objects).delete()
    present = set(ExpenseTag.objects.filter(expense=expense).values_list("tag_id", flat=True))
    ExpenseTag.objects.bulk_create(
        [ExpenseTag(expense=expense, tag=t, added_by=actor) for t in tag_objects if t.pk not in present]
    )


@transaction.atomic
def expense_create(
    *,
    owner: User,
    amount: Decimal,
    occurred_at: datetime.datetime,
    currency: str | None = None,
    tags: list | tuple = (),
    exchange_rate: Decimal | None = None,
    actor: User | None = None,
    **fields,
) -> Expense:
    """Record a meal. Business meals start as drafts; the reporting-currency amount is fixed now."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise DomainError(f"Unknown field {sorted(unknown)[0]}.", field=sorted(unknown)[0])
    _check_owned(owner, restaurant=fields.get("restaurant"), category=fields.get("category"), tags=tags)
    expense = Expense(
        owner=owner,
        amount=amount,
        occurred_at=occurred_at,
        currency=(currency or owner.default_currency).upper(),
        **fields,
    )
    expense.status = ExpenseStatus.DRAFT if expense.is_business else ExpenseStatus.RECORDED
    _check_money_and_time(expense)
    full_clean_or_raise(expense, exclude=["owner", "reporting_amount", "exchange_rate"])
    _convert(expense, exchange_rate)
    expense.save()
    if tags:
        _set_tags(expense, list(tags), actor or owner)
    return expense


def _lock_current(expense: Expense, expected_version: int | None) -> Expense:
    current = Expense.objects.select_for_update().select_related("owner").get(pk=expense.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleWrite("This expense changed since you opened it; reload and try again.", field="version")
    return current


@transaction.atomic
def expense_update(
    *, expense: Expense, actor: User, expected_version: int | None = None, tags: list | None = None, **fields
) -> Expense:
    """Change an expense. `expected_version` guards against overwriting someone else's change."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise DomainError(f"Unknown field {sorted(unknown)[0]}.", field=sorted(unknown)[0])
    current = _lock_current(expense, expected_version)
    if not can_edit_expense(actor, current):
        raise NotAllowed(f"A {current.get_status_display().lower()} expense can no longer be edited.")
    _check_owned(current.owner, restaurant=fields.get("restaurant"), category=fields.get("category"), tags=tags or ())
    changed = sorted(name for name, value in fields.items() if getattr(current, name) != value)
    rate = fields.pop("exchange_rate", None)
    for name, value in fields.items():
        setattr(current, name, value)
    if "currency" in fields:
        current.currency = (current.currency or "").upper()
    if "is_business" in fields:
        _switch_kind(current)
    _check_money_and_time(current)
    full_clean_or_raise(current, exclude=["owner", "reporting_amount", "exchange_rate"])
    if CONVERSION_FIELDS & set(changed) or rate is not None:
        _convert(current, rate)
    if current.owner_id != actor.pk and current.status not in {ExpenseStatus.RECORDED, ExpenseStatus.DRAFT}:
        # Corrections after a decision leave a trace in the approval trail.
        ApprovalEvent.objects.create(
            expense=current,
            actor=actor,
            from_status=current.status,
            to_status=current.status,
            comment=f"Edited by {actor.email}: {', '.join(changed) or 'no field changes'}",
        )
    current.version += 1
    current.save()
    if tags is not None:
        _set_tags(current, list(tags), actor)
    return current


def _switch_kind(expense: Expense) -> None:
    if expense.is_business and expense.status == ExpenseStatus.RECORDED:
        expense.status = ExpenseStatus.DRAFT
    elif not expense.is_business and expense.status != ExpenseStatus.RECORDED:
        if expense.status not in {ExpenseStatus.DRAFT, ExpenseStatus.REJECTED}:
            raise DomainError("A submitted or decided business meal cannot become personal.", field="is_business")
        expense.status = ExpenseStatus.RECORDED


@transaction.atomic
def expense_delete(*, expense: Expense, actor: User, expected_version: int | None = None) -> None:
    """Delete an expense with its receipts; stored files are removed once the deletion is committed."""
    current = _lock_current(expense, expected_version)
    if not can_edit_expense(actor, current):
        raise NotAllowed(f"A {current.get_status_display().lower()} expense cannot be deleted.")
    files = [(receipt.file.storage, receipt.file.name) for receipt in current.receipts.all()]
    current.delete()
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])
