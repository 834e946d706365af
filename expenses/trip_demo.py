"""Demo data for trips, per diem and favourites: the sample GSA rates, a trip of Alice's with per-diem days (a
provided lunch on its middle day), and a weekday coffee waiting to be confirmed. Idempotent."""

import datetime
from collections import Counter
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from expenses.models import Expense, MealTemplate
from expenses.per_diem_file import read_rate_rows
from expenses.services.meal_templates import meal_template_create, recurring_meals_create_due
from expenses.services.per_diem import per_diem_rates_load
from expenses.services.trips import trip_create, trip_meals_provided_set
from expenses.trip_selectors import trips_owned_by

SAMPLE_RATES = "per_diem_sample_fy2026.csv"
TRIP_DAYS = 3


def _sample_rates_load() -> None:
    from pathlib import Path

    path = Path(__file__).resolve().parent / "data" / SAMPLE_RATES
    rows, refused = read_rate_rows(path.read_text())
    if not refused:
        per_diem_rates_load(rows=rows, source=SAMPLE_RATES)


def _busiest_days(traveller: User, now: datetime.datetime) -> datetime.date:
    """The first day of the three days with the most meals in the last three months (the latest of equals)."""
    today = now.astimezone(traveller.tzinfo).date()
    since = now - datetime.timedelta(days=90)
    moments = Expense.objects.filter(owner=traveller, occurred_at__gte=since).values_list("occurred_at", flat=True)
    per_day = Counter(moment.astimezone(traveller.tzinfo).date() for moment in moments)
    starts = [today - datetime.timedelta(days=offset) for offset in range(TRIP_DAYS + 1, 88)]
    return max(
        starts,
        key=lambda start: (sum(per_day[start + datetime.timedelta(days=n)] for n in range(TRIP_DAYS)), start),
    )


@transaction.atomic
def seed_trip_demo(traveller: User, *, now: datetime.datetime | None = None) -> None:
    now = now or timezone.now()
    _sample_rates_load()
    if not trips_owned_by(traveller).exists():
        start = _busiest_days(traveller, now)
        trip = trip_create(
            owner=traveller, name="Chicago customer visits", start_date=start,
            end_date=start + datetime.timedelta(days=TRIP_DAYS - 1), city="Chicago", region="IL",
            purpose="Quarterly reviews with the Midwest customers",
        )  # fmt: skip
        middle = start + datetime.timedelta(days=1)
        trip_meals_provided_set(trip=trip, actor=traveller, date=middle, breakfast=False, lunch=True, dinner=False)
    if not MealTemplate.objects.filter(owner=traveller).exists():
        coffee_place = traveller.restaurants.filter(name="Blue Bottle Coffee").first()
        meal_template_create(
            owner=traveller, name="Morning coffee", amount=Decimal("4.75"), currency="USD", restaurant=coffee_place,
            meal_type="drinks", order_type="takeout", tags="coffee", repeat="weekdays",
            time_of_day=datetime.time(8, 30),
            starts_on=now.astimezone(traveller.tzinfo).date() - datetime.timedelta(days=3),
        )  # fmt: skip
        recurring_meals_create_due(now=now)
