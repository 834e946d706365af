"""Trips (with the meals provided on their days) and favourites (with their schedules and occurrences) in a user
backup: their sections, and their restore through the trip and favourite services (reports/services/backups.py
holds the rest of the backup; docs/reports.md describes the format)."""

from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from accounts.models import User
from accounts.validators import validate_timezone
from expenses.models import Expense, MealTemplate, PendingMeal, Trip, TripMealsProvided
from expenses.services.meal_templates import TEMPLATE_FIELDS, meal_template_create, recurring_meal_skip_past
from expenses.services.trips import TRIP_FIELDS, trip_create, trip_meals_provided_set
from mealtracker.errors import DomainError
from mealtracker.local_dates import local_day_bounds
from mealtracker.serialization import json_value


def _declared(model: type[models.Model], names) -> list[str]:
    """The model's own (non-relation) fields among `names`, in the model's order."""
    return [f.name for f in model._meta.concrete_fields if f.name in names and not f.is_relation]


# What the services take (entered), and the product's record of when and how it was saved (kept as it was).
TRIP_ENTERED = _declared(Trip, TRIP_FIELDS)
TRIP_RECORDED = ["timezone", "version", "created_at", "updated_at"]
MEALS_PROVIDED_FIELDS = _declared(TripMealsProvided, {"date", "breakfast", "lunch", "dinner"})
TEMPLATE_ENTERED = _declared(MealTemplate, TEMPLATE_FIELDS - {"tags"})  # tags: a list of names
TEMPLATE_RECORDED = ["created_at", "updated_at"]
OCCURRENCE_FIELDS = ["occurs_on", "occurred_at", "status", "created_at", "decided_at"]


def _pick(instance, fields) -> dict:
    return {field: json_value(getattr(instance, field)) for field in fields}


def typed(model: type[models.Model], data: dict, fields) -> dict:
    """The backup's JSON values of `fields` as the model's Python values (dates, times, decimals)."""
    return {name: model._meta.get_field(name).to_python(data[name]) for name in fields if name in data}


def trips_backup(user: User) -> list[dict]:
    trips = Trip.objects.filter(owner=user).prefetch_related("meals_provided").order_by("start_date", "id")
    return [
        {
            **_pick(trip, TRIP_ENTERED + TRIP_RECORDED),
            "meals_provided": [_pick(day, MEALS_PROVIDED_FIELDS) for day in trip.meals_provided.all()],
        }
        for trip in trips
    ]


def meal_templates_backup(user: User) -> list[dict]:
    templates = (
        MealTemplate.objects.filter(owner=user)
        .select_related("category")
        .prefetch_related(models.Prefetch("occurrences", PendingMeal.objects.order_by("occurs_on")))
        .order_by("id")
    )
    return [
        {
            **_pick(template, TEMPLATE_ENTERED + TEMPLATE_RECORDED),
            "restaurant": template.restaurant_id,
            "category": template.category.name if template.category_id else None,
            "tags": [name.strip() for name in template.tags.split(",") if name.strip()],
            "occurrences": [
                {**_pick(pending, OCCURRENCE_FIELDS), "expense": pending.expense_id}
                for pending in template.occurrences.all()
            ],
        }
        for template in templates
    ]


def _refused(what: str, exc: DomainError) -> DomainError:
    return DomainError(f"The backup's {what} is refused: {exc.message}", field="file")


def trips_restore(user: User, items: list[dict]) -> None:
    """Each trip through trip_create and its provided meals through trip_meals_provided_set; then its recorded
    timezone (its days' bounds follow it), version and times, as they were."""
    trips = []
    for item in items:
        try:
            trip = trip_create(owner=user, **typed(Trip, item, TRIP_ENTERED))
            for day in item.get("meals_provided", []):
                trip_meals_provided_set(trip=trip, actor=user, **typed(TripMealsProvided, day, MEALS_PROVIDED_FIELDS))
            recorded = typed(Trip, item, TRIP_RECORDED)
            validate_timezone(recorded.setdefault("timezone", trip.timezone))
        except ValidationError as exc:
            raise _refused(f"trip {item.get('name')!r}", DomainError(exc.messages[0])) from exc
        except DomainError as exc:
            raise _refused(f"trip {item.get('name')!r}", exc) from exc
        for name, value in recorded.items():
            setattr(trip, name, value)
        trip.starts_at, trip.ends_at = local_day_bounds(trip.start_date, trip.end_date, tz=ZoneInfo(trip.timezone))
        trips.append(trip)
    Trip.objects.bulk_update(trips, [*TRIP_RECORDED, "starts_at", "ends_at"], batch_size=1000)  # no auto_now


def meal_templates_restore(user: User, items: list[dict], restaurants: dict, categories: dict) -> list:
    """Each favourite through meal_template_create, its restaurant by the backup's key and its category by name;
    then its recorded times. Returns the templates in the backup's order."""
    templates = []
    for item in items:
        fields = typed(MealTemplate, item, TEMPLATE_ENTERED)
        fields["restaurant"] = restaurants.get(item.get("restaurant"))
        fields["category"] = categories.get((item.get("category") or "").lower())
        fields["tags"] = ", ".join(item.get("tags", []))
        try:
            template = meal_template_create(owner=user, **fields)
        except DomainError as exc:
            raise _refused(f"favourite {item.get('name')!r}", exc) from exc
        for name, value in typed(MealTemplate, item, TEMPLATE_RECORDED).items():
            setattr(template, name, value)
        templates.append(template)
    MealTemplate.objects.bulk_update(templates, TEMPLATE_RECORDED, batch_size=1000)  # no auto_now
    return templates


def occurrences_restore(user: User, templates: list, items: list[dict], expenses: dict[int, Expense]) -> None:
    """The schedules' occurrences as recorded (to confirm, confirmed with their restored meal, or discarded): what
    create_recurring_meals reads to know what it already created. Those that fell due since the backup are
    recorded as skipped, so the restore offers no past meals to confirm."""
    rows, times = [], []
    for template, item in zip(templates, items, strict=True):
        for occurrence in item.get("occurrences", []):
            values = typed(PendingMeal, occurrence, OCCURRENCE_FIELDS)
            times.append(values.pop("created_at", None))
            rows.append(
                PendingMeal(template=template, owner=user, expense=expenses.get(occurrence.get("expense")), **values)
            )
    PendingMeal.objects.bulk_create(rows, batch_size=1000)
    for row, moment in zip(rows, times, strict=True):
        row.created_at = moment or row.created_at  # auto_now_add set it on insert; the recorded time goes back
    PendingMeal.objects.bulk_update(rows, ["created_at"], batch_size=1000)
    now = timezone.now()
    for template in templates:
        recurring_meal_skip_past(template=template, now=now)
