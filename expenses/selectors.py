"""Read queries for expenses and the objects around them. Every list a user sees starts here."""

from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.selectors import teams_managed_by
from expenses.choices import ExpenseStatus
from expenses.models import Category, Expense, Restaurant, Tag
from mealtracker.errors import NotFound


def expenses_visible_to(user: User) -> QuerySet[Expense]:
    """Own expenses; plus the team's for a manager; everything for an admin."""
    expenses = Expense.objects.select_related("owner", "restaurant", "restaurant__merchant", "category")
    if user.is_admin:
        return expenses
    if user.is_manager:
        return expenses.filter(Q(owner=user) | Q(owner__team__in=teams_managed_by(user)))
    return expenses.filter(owner=user)


def expenses_awaiting_review_by(user: User) -> QuerySet[Expense]:
    """Submitted expenses this user may decide on (never their own)."""
    if not (user.is_admin or user.is_manager):
        return Expense.objects.none()
    return (
        expenses_visible_to(user)
        .filter(status=ExpenseStatus.SUBMITTED)
        .exclude(owner=user)
        .order_by("occurred_at", "id")
    )


def expense_get(*, user: User, pk) -> Expense:
    """One expense the user may see; anything else is 'not found' so existence never leaks."""
    try:
        return expenses_visible_to(user).get(pk=pk)
    except (Expense.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound("Expense not found.") from exc


def restaurants_owned_by(user: User) -> QuerySet[Restaurant]:
    return Restaurant.objects.filter(owner=user).select_related("merchant")


def categories_owned_by(user: User) -> QuerySet[Category]:
    return Category.objects.filter(owner=user)


def tags_owned_by(user: User) -> QuerySet[Tag]:
    return Tag.objects.filter(owner=user)


def recent_expenses(user: User, limit: int = 10) -> QuerySet[Expense]:
    return expenses_visible_to(user).filter(owner=user)[:limit]
