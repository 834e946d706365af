"""A fixed data set whose report figures are computed by hand in the tests (docs/reports.md lists them)."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest

from expenses import services
from expenses.tests.factories import CategoryFactory, ExchangeRateFactory, RestaurantFactory, TagFactory

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def local(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=NEW_YORK)


@pytest.fixture
def march(member, teammate):
    """Member in New York: four meals in March 2026 (USD, EUR and JPY) and one on the last evening of February.

    March, by hand: 30.00 + 50 EUR x 1.10 (55.00) + 12.00 + 1000 JPY x 0.0067 (6.70) = 103.70 over 4 visits
    and 5 people; February 28th: 20.00.
    """
    member.timezone = "America/New_York"
    member.save(update_fields=["timezone"])
    ExchangeRateFactory(currency="EUR", date=datetime.date(2026, 3, 2), rate=Decimal("1.10"))
    ExchangeRateFactory(currency="JPY", date=datetime.date(2026, 3, 31), rate=Decimal("0.0067"))
    bistro = RestaurantFactory(owner=member, name="Bistro A", cuisine="French")
    trattoria = RestaurantFactory(owner=member, name="Trattoria B", cuisine="Italian")
    restaurants_category = CategoryFactory(owner=member, name="Dining")
    TagFactory(owner=member, name="client")
    create = services.expense_create
    data = {
        "lunch": create(
            owner=member, occurred_at=local(2026, 3, 2, 12, 0), amount=Decimal("30.00"), tax=Decimal("2.00"),
            tip=Decimal("4.00"), currency="USD", party_size=2, meal_type="lunch", restaurant=bistro,
            category=restaurants_category, tags=["client"],
        ),
        "late_dinner": create(
            owner=member, occurred_at=local(2026, 3, 2, 23, 30), amount=Decimal("50.00"), tip=Decimal("5.00"),
            currency="EUR", meal_type="dinner", restaurant=trattoria,
        ),
        "breakfast": create(
            owner=member, occurred_at=local(2026, 3, 15, 8, 0), amount=Decimal("12.00"), tax=Decimal("1.00"),
            currency="USD", meal_type="breakfast", order_type="takeout", restaurant=bistro,
            category=restaurants_category,
        ),
        "drinks": create(
            owner=member, occurred_at=local(2026, 3, 31, 23, 30), amount=Decimal("1000"), tax=Decimal(0),
            tip=Decimal(0), currency="JPY",
            meal_type="drinks", order_type="delivery",
        ),
        "february": create(
            owner=member, occurred_at=local(2026, 2, 28, 23, 30), amount=Decimal("20.00"), currency="USD",
            meal_type="dinner", restaurant=trattoria,
        ),
        "teammate": create(
            owner=teammate, occurred_at=local(2026, 3, 10, 13, 0), amount=Decimal("40.00"), currency="USD",
            meal_type="lunch",
        ),
    }  # fmt: skip
    return data


MARCH = {"date_from": "2026-03-01", "date_to": "2026-03-31"}


@pytest.fixture
def assert_max_app_queries():
    """Like django_assert_max_num_queries, but ignores the cache and the rate counters (not the report's to count)."""
    from contextlib import contextmanager

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    @contextmanager
    def check(limit: int):
        with CaptureQueriesContext(connection) as context:
            yield context
        ours = [
            q["sql"]
            for q in context.captured_queries
            if not any(table in q["sql"] for table in ("django_cache", "mealtracker_ratecounter"))
            and "SAVEPOINT" not in q["sql"].upper()
        ]
        assert len(ours) <= limit, f"{len(ours)} queries (limit {limit}):\n" + "\n".join(ours)

    return check


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The cast's passwords are hashed for every test; the production hasher makes that the slowest step here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
