"""Backup → restore of trips (with their provided meals), favourites and recurring meals (with their occurrences)
and each meal's bill items: they come back equal in a fresh account, older backups without them still restore,
and a restored schedule offers no past meals to confirm."""

import datetime
import json
import zoneinfo
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import User
from expenses.models import Expense, LineItem, MealTemplate, PendingMeal, PendingStatus, Trip
from expenses.services.meal_templates import pending_meal_confirm, pending_meal_discard, recurring_meals_create_due
from expenses.services.trips import trip_meals_provided_set
from expenses.tests.factories import CategoryFactory, ExpenseFactory, RestaurantFactory
from expenses.tests.split_factories import LineItemFactory
from expenses.tests.trip_factories import MealTemplateFactory, TripFactory
from reports.services.backups import user_data_export, user_data_import

pytestmark = pytest.mark.django_db
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def restored_copy(backup: dict, email: str = "copy@example.com") -> User:
    backup["user"]["email"] = email
    return user_data_import(backup)


def own_values(instance, skip=()) -> dict:
    """The row's own column values: no primary key, no owner or other relation."""
    return {
        f.name: getattr(instance, f.name)
        for f in instance._meta.concrete_fields
        if not f.primary_key and not f.is_relation and f.name not in skip
    }


def trips_of(user: User) -> list:
    return [
        (own_values(trip), [own_values(day) for day in trip.meals_provided.order_by("date")])
        for trip in Trip.objects.filter(owner=user).order_by("start_date")
    ]


def templates_of(user: User) -> list:
    return [
        (
            own_values(template),
            template.restaurant.name if template.restaurant else None,
            template.category.name if template.category else None,
            [
                (own_values(pending), pending.expense.occurred_at if pending.expense else None)
                for pending in template.occurrences.order_by("occurs_on")
            ],
        )
        for template in MealTemplate.objects.filter(owner=user).order_by("name")
    ]


def bills_of(user: User) -> list:
    return [
        (expense.occurred_at, [own_values(line) for line in expense.line_items.all()])
        for expense in Expense.objects.filter(owner=user).order_by("occurred_at")
    ]


@pytest.fixture
def planner(member):
    """Member in New York: a Boston trip with a provided lunch, a favourite, a weekly team lunch whose schedule
    ran (one occurrence confirmed, one discarded, one to confirm) and a dinner with three bill items."""
    member.timezone = "America/New_York"
    member.save(update_fields=["timezone"])
    cafe = RestaurantFactory(owner=member, name="Blue Door")
    canteen = RestaurantFactory(owner=member, name="Canteen")
    coffee = CategoryFactory(owner=member, name="Coffee")
    trip = TripFactory(owner=member, purpose="Customer reviews", region="MA")
    trip_meals_provided_set(trip=trip, actor=member, date=datetime.date(2026, 3, 11), breakfast=False, lunch=True,
                            dinner=False)  # fmt: skip
    MealTemplateFactory(owner=member, name="Morning coffee", restaurant=cafe, category=coffee, tags="coffee, daily",
                        notes="Oat milk", payment_method="card")  # fmt: skip
    team_lunch = MealTemplateFactory(
        owner=member, name="Team lunch", amount=Decimal("15.00"), meal_type="lunch", order_type="dine_in",
        restaurant=canteen, party_size=4, repeat="weekly", weekdays="1,3", time_of_day=datetime.time(12, 30),
        starts_on=datetime.date(2026, 3, 2), ends_on=datetime.date(2026, 3, 31),
    )  # fmt: skip
    recurring_meals_create_due(now=datetime.datetime(2026, 3, 11, 13, 0, tzinfo=NEW_YORK))
    first, second, _third = team_lunch.occurrences.order_by("occurs_on")
    pending_meal_confirm(pending=first, actor=member)
    pending_meal_discard(pending=second, actor=member)
    dinner = ExpenseFactory(owner=member, restaurant=canteen, amount=Decimal("48.00"), tax=Decimal("4.00"),
                            tip=Decimal("6.00"))  # fmt: skip
    LineItemFactory(expense=dinner, position=0, description="Steak", quantity=Decimal(1), amount=Decimal("24.00"))
    LineItemFactory(expense=dinner, position=1, description="Fries", quantity=Decimal(2), amount=Decimal("9.00"))
    LineItemFactory(expense=dinner, position=2, description="Espresso", quantity=Decimal("1.5"), amount=Decimal(5))
    return member


def test_trips_favourites_schedules_and_bill_items_come_back_equal(planner):
    copy = restored_copy(json.loads(user_data_export(planner)))

    assert trips_of(copy) == trips_of(planner)
    assert templates_of(copy) == templates_of(planner)
    assert bills_of(copy) == bills_of(planner)
    [(_trip, [provided])] = trips_of(copy)
    assert (provided["breakfast"], provided["lunch"], provided["dinner"]) == (False, True, False)
    statuses = PendingMeal.objects.filter(owner=copy).order_by("occurs_on").values_list("status", flat=True)
    assert list(statuses) == [PendingStatus.CONFIRMED, PendingStatus.DISCARDED, PendingStatus.PENDING]
    assert LineItem.objects.filter(expense__owner=copy).count() == 3


def test_backup_names_the_restaurant_category_and_tags_of_a_favourite(planner):
    backup = json.loads(user_data_export(planner))

    favourite = next(item for item in backup["meal_templates"] if item["name"] == "Morning coffee")
    restaurant = next(item for item in backup["restaurants"] if item["key"] == favourite["restaurant"])
    assert (restaurant["name"], favourite["category"]) == ("Blue Door", "Coffee")
    assert favourite["tags"] == ["coffee", "daily"]


def test_a_trip_keeps_the_timezone_its_days_were_saved_in(planner):
    planner.timezone = "Europe/Paris"  # moved after the trip was saved
    planner.save(update_fields=["timezone"])

    copy = restored_copy(json.loads(user_data_export(planner)))

    trip = Trip.objects.get(owner=copy)
    assert (copy.timezone, trip.timezone) == ("Europe/Paris", "America/New_York")
    assert trip.starts_at == datetime.datetime(2026, 3, 10, tzinfo=NEW_YORK)


def test_a_schema_3_backup_without_trips_favourites_or_bill_items_still_restores(planner):
    backup = json.loads(user_data_export(planner))
    del backup["trips"], backup["meal_templates"]
    for expense in backup["expenses"]:
        del expense["line_items"]
    backup["schema_version"] = 3

    copy = restored_copy(backup)

    assert Expense.objects.filter(owner=copy).count() == Expense.objects.filter(owner=planner).count()
    assert not Trip.objects.filter(owner=copy).exists()
    assert not MealTemplate.objects.filter(owner=copy).exists()
    assert not LineItem.objects.filter(expense__owner=copy).exists()


def test_a_restored_recurring_meal_offers_no_past_occurrences(member):
    now = timezone.now()
    today = now.astimezone(member.tzinfo).date()
    template = MealTemplateFactory(owner=member, repeat="daily", time_of_day=datetime.time(0, 0),
                                   starts_on=today - datetime.timedelta(days=30))  # fmt: skip
    recurring_meals_create_due(now=now - datetime.timedelta(days=3))  # the schedule last ran three days ago
    recorded = list(template.occurrences.order_by("occurs_on").values_list("occurs_on", "status"))

    copy = restored_copy(json.loads(user_data_export(member)))
    recurring_meals_create_due(now=now)

    restored = PendingMeal.objects.filter(owner=copy).order_by("occurs_on")
    assert list(restored.filter(occurs_on__in=[day for day, _ in recorded]).values_list("occurs_on", "status")) == (
        recorded
    )
    assert not restored.exclude(occurs_on__in=[day for day, _ in recorded]).filter(status=PendingStatus.PENDING)
    assert restored.filter(status=PendingStatus.PENDING).count() == len(recorded)
