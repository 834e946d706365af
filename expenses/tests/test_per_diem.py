"""Per-diem allowances against days computed by hand, from the committed sample of the GSA file."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from expenses.models import ExchangeRate
from expenses.per_diem_file import read_rate_rows
from expenses.per_diem_selectors import per_diem_location, per_diem_today, trip_per_diem
from expenses.services.per_diem import per_diem_rates_load
from expenses.services.trips import trip_create, trip_meals_provided_set
from expenses.tests.factories import ExpenseFactory
from expenses.tests.trip_factories import SAMPLE_RATES, TripFactory

D = Decimal


@pytest.fixture
def sample_rates(db):
    rows, refused = read_rate_rows(SAMPLE_RATES.read_text())
    assert not refused
    per_diem_rates_load(rows=rows, source=SAMPLE_RATES.name)


@pytest.fixture
def boston(member, sample_rates):
    """10 to 12 March 2026 in Boston (M&IE 92: breakfast 23, lunch 26, dinner 38, incidentals 5)."""
    return trip_create(
        owner=member, name="Boston", start_date=datetime.date(2026, 3, 10), end_date=datetime.date(2026, 3, 12),
        city="Boston", region="MA",
    )  # fmt: skip


def _allowances(trip, viewer):
    return [(day.date.day, day.allowance) for day in trip_per_diem(trip, viewer=viewer).days]


def test_first_and_last_day_get_three_quarters_of_the_rate(boston, member):
    # 92 x 0.75 = 69.00 on the first and last day; 92.00 in between.
    assert _allowances(boston, member) == [(10, D("69.00")), (11, D("92.00")), (12, D("69.00"))]


def test_a_provided_lunch_is_deducted_at_the_breakdown_amount(boston, member):
    trip_meals_provided_set(trip=boston, actor=member, date=datetime.date(2026, 3, 11), breakfast=False, lunch=True,
                            dinner=False)  # fmt: skip
    # 92 - 26 (lunch) = 66.00
    assert _allowances(boston, member)[1] == (11, D("66.00"))
    assert trip_per_diem(boston, viewer=member).allowance == D("204.00")  # 69 + 66 + 69


def test_a_provided_lunch_on_the_last_day_comes_off_the_reduced_rate(boston, member):
    trip_meals_provided_set(trip=boston, actor=member, date=datetime.date(2026, 3, 12), breakfast=False, lunch=True,
                            dinner=False)  # fmt: skip
    # 69.00 - 26 = 43.00
    assert _allowances(boston, member)[2] == (12, D("43.00"))


def test_all_meals_provided_leaves_the_incidentals(boston, member):
    trip_meals_provided_set(trip=boston, actor=member, date=datetime.date(2026, 3, 11), breakfast=True, lunch=True,
                            dinner=True)  # fmt: skip
    assert _allowances(boston, member)[1] == (11, D("5.00"))  # 92 - 23 - 26 - 38


def test_a_one_day_trip_is_a_travel_day(member, sample_rates):
    trip = trip_create(owner=member, name="Austin day", start_date=datetime.date(2026, 2, 2),
                       end_date=datetime.date(2026, 2, 2), city="Austin", region="TX")  # fmt: skip
    assert _allowances(trip, member) == [(2, D("60.00"))]  # 80 x 0.75


def test_a_place_without_its_own_rate_gets_the_standard_conus_rate(member, sample_rates):
    trip = trip_create(owner=member, name="Dayton", start_date=datetime.date(2026, 4, 1),
                       end_date=datetime.date(2026, 4, 3), city="Dayton", region="OH")  # fmt: skip
    assert per_diem_location(trip) == "CONUS"
    assert _allowances(trip, member) == [(1, D("51.00")), (2, D("68.00")), (3, D("51.00"))]


def test_a_trip_abroad_has_no_allowance_but_counts_what_was_spent(member, sample_rates):
    trip = trip_create(owner=member, name="Paris", start_date=datetime.date(2026, 4, 1),
                       end_date=datetime.date(2026, 4, 2), city="Paris", country="France")  # fmt: skip
    ExpenseFactory(owner=member, occurred_at=datetime.datetime(2026, 4, 1, 12, tzinfo=datetime.UTC))
    result = trip_per_diem(trip, viewer=member)
    assert [day.allowance for day in result.days] == [None, None]
    assert result.days[0].spent == D("24.50")
    assert result.allowance is None


def test_a_day_of_an_unloaded_fiscal_year_uses_the_latest_loaded_rate(member, sample_rates):
    trip = trip_create(owner=member, name="Boston again", start_date=datetime.date(2026, 11, 2),
                       end_date=datetime.date(2026, 11, 4), city="Cambridge", region="MA")  # fmt: skip
    days = trip_per_diem(trip, viewer=member).days
    assert [day.allowance for day in days] == [D("69.00"), D("92.00"), D("69.00")]
    assert {day.rate_carried_from for day in days} == {2026}


def test_spent_and_remaining_count_the_meals_of_each_local_day(boston, member):
    member.timezone = "America/New_York"
    member.save()
    boston.refresh_from_db()
    # 23:30 in Boston on the 10th is already the 11th in UTC: it counts on the 10th (the owner's local day).
    late = timezone.make_aware(datetime.datetime(2026, 3, 10, 23, 30), member.tzinfo)
    ExpenseFactory(owner=member, occurred_at=late, amount=D("30.00"), reporting_amount=D("30.00"))
    ExpenseFactory(owner=member, occurred_at=late - datetime.timedelta(hours=5), amount=D("45.25"),
                   reporting_amount=D("45.25"))  # fmt: skip
    trip = trip_create(owner=member, name="NYC-time Boston", start_date=datetime.date(2026, 3, 20),
                       end_date=datetime.date(2026, 3, 21), city="Boston", region="MA")  # fmt: skip
    assert trip.timezone == "America/New_York"
    boston_days = trip_per_diem(trip_boston_in(member), viewer=member).days
    assert boston_days[0].spent == D("75.25")
    assert boston_days[0].remaining == D("-6.25")  # 69.00 - 75.25
    assert boston_days[1].spent == D("0.00")


def trip_boston_in(member):
    from expenses.services.trips import trip_update
    from expenses.trip_selectors import trips_owned_by

    trip = trips_owned_by(member).get(name="Boston")
    return trip_update(trip=trip, actor=member, name="Boston")  # re-saved in the owner's current timezone


def test_allowance_in_another_reporting_currency_is_converted_with_the_stored_rate(boston, member, settings):
    settings.REPORTING_CURRENCY = "EUR"
    ExchangeRate.objects.create(date=datetime.date(2026, 3, 9), currency="USD", rate=D("0.9"))
    days = trip_per_diem(boston, viewer=member).days
    assert [day.allowance_reporting for day in days] == [D("62.10"), D("82.80"), D("62.10")]


def test_today_during_a_trip_shows_the_day(member, sample_rates, monkeypatch):
    now = datetime.datetime(2026, 3, 11, 15, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: now)
    trip_create(owner=member, name="Boston", start_date=datetime.date(2026, 3, 10), end_date=datetime.date(2026, 3, 12),
                city="Boston", region="MA")  # fmt: skip
    ExpenseFactory(owner=member, occurred_at=now - datetime.timedelta(hours=2), amount=D("12.00"),
                   reporting_amount=D("12.00"))  # fmt: skip
    today = per_diem_today(member)
    assert (today.date, today.allowance, today.spent, today.remaining) == (
        datetime.date(2026, 3, 11), D("92.00"), D("12.00"), D("80.00"))  # fmt: skip


def test_no_trip_today_shows_nothing(member, sample_rates):
    assert per_diem_today(member) is None


def test_the_days_cost_the_same_queries_however_long_the_trip(member, sample_rates, django_assert_num_queries):
    short = trip_create(owner=member, name="Short", start_date=datetime.date(2026, 5, 1),
                        end_date=datetime.date(2026, 5, 2), city="Boston", region="MA")  # fmt: skip
    long = trip_create(owner=member, name="Long", start_date=datetime.date(2026, 6, 1),
                       end_date=datetime.date(2026, 6, 30), city="Boston", region="MA")  # fmt: skip
    with django_assert_num_queries(4):
        trip_per_diem(short, viewer=member)
    with django_assert_num_queries(4):
        trip_per_diem(long, viewer=member)


def test_trip_factory_builds_a_trip(member):
    assert TripFactory(owner=member).days == 3
