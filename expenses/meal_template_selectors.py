"""Reads of favourites and of recurring meals waiting for confirmation: always the owner's own."""

from django.db.models import QuerySet

from accounts.models import User
from expenses.models import MealTemplate, PendingMeal, PendingStatus
from mealtracker.errors import NotFound


def meal_templates_of(user: User) -> QuerySet[MealTemplate]:
    """A person's favourites, their restaurant and category at hand."""
    return MealTemplate.objects.filter(owner=user).select_related("restaurant", "category").order_by("name", "id")


def meal_template_get(*, user: User, pk) -> MealTemplate:
    try:
        return meal_templates_of(user).select_related("owner").get(pk=pk)
    except (MealTemplate.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound("Favourite not found.") from exc


def pending_meals_of(user: User) -> QuerySet[PendingMeal]:
    """Recurring meals waiting for the person to confirm or discard them, oldest first."""
    return (
        PendingMeal.objects.filter(owner=user, status=PendingStatus.PENDING)
        .select_related("template", "template__restaurant", "owner")
        .order_by("occurred_at", "id")
    )


def pending_meal_get(*, user: User, pk) -> PendingMeal:
    try:
        return PendingMeal.objects.filter(owner=user).select_related("template", "owner").get(pk=pk)
    except (PendingMeal.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound("Recurring meal not found.") from exc


def meal_template_initial(template: MealTemplate) -> dict:
    """The meal form's fields filled in from a favourite (the time stays the form's own)."""
    return {
        "amount": template.amount,
        "currency": template.currency,
        "restaurant": template.restaurant_id,
        "category": template.category_id,
        "meal_type": template.meal_type,
        "order_type": template.order_type,
        "party_size": template.party_size,
        "payment_method": template.payment_method,
        "tags": template.tags,
        "notes": template.notes,
    }
