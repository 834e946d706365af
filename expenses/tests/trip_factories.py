"""Factories for trips, per-diem rates and meal templates."""

import datetime
from decimal import Decimal
from pathlib import Path

import factory

from accounts.tests.factories import UserFactory
from expenses.models import MealTemplate, PerDiemRate, Trip
from mealtracker.local_dates import local_day_bounds

SAMPLE_RATES = Path(__file__).resolve().parents[1] / "data" / "per_diem_sample_fy2026.csv"


class TripFactory(factory.django.DjangoModelFactory):
    """A three-day trip to Boston in March 2026 (FY2026, M&IE 92), its days in the owner's timezone."""

    class Meta:
        model = Trip

    owner = factory.SubFactory(UserFactory)
    name = "Boston customer visits"
    purpose = "Quarterly reviews with customers"
    start_date = datetime.date(2026, 3, 10)
    end_date = datetime.date(2026, 3, 12)
    city = "Boston"
    region = "MA"
    country = "US"
    timezone = factory.SelfAttribute("owner.timezone")
    starts_at = factory.LazyAttribute(lambda o: local_day_bounds(o.start_date, o.end_date, tz=o.owner.tzinfo)[0])
    ends_at = factory.LazyAttribute(lambda o: local_day_bounds(o.start_date, o.end_date, tz=o.owner.tzinfo)[1])


class PerDiemRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PerDiemRate

    location_key = "MA/Boston / Cambridge"
    state = "MA"
    destination = "Boston / Cambridge"
    fiscal_year = 2026
    valid_from = datetime.date(2025, 10, 1)
    valid_to = datetime.date(2026, 9, 30)
    meals_and_incidentals = Decimal(92)
    breakfast = Decimal(23)
    lunch = Decimal(26)
    dinner = Decimal(38)
    incidentals = Decimal(5)


class MealTemplateFactory(factory.django.DjangoModelFactory):
    """A favourite: coffee, 4.50 USD; give `repeat` and `time_of_day`/`starts_on` for a recurring meal."""

    class Meta:
        model = MealTemplate

    owner = factory.SubFactory(UserFactory)
    name = "Morning coffee"
    amount = Decimal("4.50")
    currency = "USD"
    meal_type = "drinks"
    order_type = "takeout"
