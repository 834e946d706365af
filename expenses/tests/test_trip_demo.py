"""The demo data shows a trip with per-diem days and a recurring coffee to confirm, and stays the same when re-run."""

import pytest

from accounts.models import User
from expenses.demo import seed_demo
from expenses.models import MealTemplate, PendingMeal, PerDiemRate, Trip
from expenses.per_diem_selectors import trip_per_diem

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_trip_with_per_diem_days_and_a_coffee_to_confirm():
    seed_demo(expenses_per_member=40)
    alice = User.objects.get(email="alice@demo.mealtracker.test")
    trip = Trip.objects.get(owner=alice)
    per_diem = trip_per_diem(trip, viewer=alice)
    assert per_diem.location_key == "IL/Chicago"
    assert len(per_diem.days) == 3
    assert all(day.allowance is not None for day in per_diem.days)
    assert per_diem.days[1].provided == ("lunch",)
    assert per_diem.spent > 0
    assert MealTemplate.objects.filter(owner=alice, repeat="weekdays").exists()

    counts = (PerDiemRate.objects.count(), Trip.objects.count(), MealTemplate.objects.count(),
              PendingMeal.objects.count())  # fmt: skip
    seed_demo(expenses_per_member=40)
    assert (PerDiemRate.objects.count(), Trip.objects.count(), MealTemplate.objects.count(),
            PendingMeal.objects.count()) == counts  # fmt: skip
