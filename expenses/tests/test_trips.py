"""Trips: the rules of the trip services, who sees a trip, and the trip filter on every surface."""

import datetime
import json
import zoneinfo
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from expenses.choices import ExpenseStatus
from expenses.models import TripMealsProvided
from expenses.services.trips import trip_create, trip_delete, trip_meals_provided_set, trip_update
from expenses.tests.factories import ExpenseFactory
from expenses.tests.trip_factories import PerDiemRateFactory, TripFactory
from expenses.trip_selectors import trip_get, trips_visible_to
from mealtracker.errors import DomainError, NotAllowed, NotFound, StaleWrite

pytestmark = pytest.mark.django_db
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
D = datetime.date
MARCH_10, MARCH_12 = D(2026, 3, 10), D(2026, 3, 12)


def new_trip(owner, start=MARCH_10, end=MARCH_12, **fields):
    return trip_create(owner=owner, name=fields.pop("name", "Boston"), start_date=start, end_date=end,
                       city=fields.pop("city", "Boston"), region=fields.pop("region", "MA"), **fields)  # fmt: skip


# --- rules --------------------------------------------------------------------------------------------------


def test_a_trip_covers_its_local_days_in_the_owners_timezone(member):
    member.timezone = "America/New_York"
    member.save()
    trip = new_trip(member)
    assert trip.timezone == "America/New_York"
    assert trip.starts_at == datetime.datetime(2026, 3, 10, tzinfo=NEW_YORK)
    assert trip.ends_at == datetime.datetime(2026, 3, 13, tzinfo=NEW_YORK)  # midnight after the last day (EDT)


def test_a_trip_cannot_end_before_it_starts(member):
    with pytest.raises(DomainError) as refused:
        new_trip(member, start=D(2026, 3, 12), end=D(2026, 3, 10))
    assert refused.value.field == "end_date"


def test_trips_of_one_person_cannot_overlap(member, teammate):
    new_trip(member)
    with pytest.raises(DomainError) as refused:
        new_trip(member, start=D(2026, 3, 12), end=D(2026, 3, 14), name="Next")
    assert (refused.value.field, "overlaps your trip “Boston”" in refused.value.message) == ("start_date", True)
    new_trip(teammate)  # someone else's trip on the same days is theirs


def test_the_country_is_read_from_a_name_and_a_wrong_one_is_refused(member):
    assert new_trip(member, city="Paris", region="", country="France").country == "FR"
    with pytest.raises(DomainError) as refused:
        new_trip(member, start=D(2026, 5, 1), end=D(2026, 5, 2), country="Atlantis")
    assert refused.value.field == "country"


def test_a_rate_area_must_be_one_that_is_loaded(member):
    PerDiemRateFactory()
    assert new_trip(member, per_diem_location="MA/Boston / Cambridge").per_diem_location == "MA/Boston / Cambridge"
    with pytest.raises(DomainError) as refused:
        new_trip(member, start=D(2026, 5, 1), end=D(2026, 5, 2), per_diem_location="ZZ/Nowhere")
    assert refused.value.field == "per_diem_location"


def test_shortening_a_trip_drops_the_provided_meals_outside_it(member):
    trip = new_trip(member)
    trip_meals_provided_set(trip=trip, actor=member, date=D(2026, 3, 12), breakfast=True, lunch=False, dinner=False)
    trip = trip_update(trip=trip, actor=member, end_date=D(2026, 3, 11))
    assert trip.version == 2
    assert not TripMealsProvided.objects.filter(trip=trip).exists()


def test_a_stale_version_is_refused(member):
    trip = new_trip(member)
    trip_update(trip=trip, actor=member, purpose="Renewals")
    with pytest.raises(StaleWrite):
        trip_update(trip=trip, actor=member, expected_version=1, purpose="Older")


def test_meals_provided_only_on_the_trips_days_and_none_clears_the_day(member):
    trip = new_trip(member)
    with pytest.raises(DomainError) as refused:
        trip_meals_provided_set(trip=trip, actor=member, date=D(2026, 3, 20), breakfast=True, lunch=False,
                                dinner=False)  # fmt: skip
    assert refused.value.field == "date"
    trip_meals_provided_set(trip=trip, actor=member, date=D(2026, 3, 11), breakfast=True, lunch=False, dinner=False)
    trip_meals_provided_set(trip=trip, actor=member, date=D(2026, 3, 11), breakfast=False, lunch=False, dinner=False)
    assert not trip.meals_provided.exists()


def test_only_the_traveller_or_an_admin_changes_a_trip(member, manager, site_admin):
    trip = new_trip(member)
    with pytest.raises(NotAllowed):
        trip_update(trip=trip, actor=manager, purpose="Mine now")
    with pytest.raises(NotAllowed):
        trip_delete(trip=trip, actor=manager)
    trip_update(trip=trip, actor=site_admin, purpose="Corrected")


def test_deleting_a_trip_keeps_its_meals(member):
    trip = TripFactory(owner=member)
    meal = ExpenseFactory(owner=member, occurred_at=trip.starts_at + datetime.timedelta(hours=12))
    trip_delete(trip=trip, actor=member)
    meal.refresh_from_db()


# --- who sees a trip ------------------------------------------------------------------------------------------


def test_a_manager_sees_a_members_trip_only_once_it_holds_a_submitted_business_meal(member, manager, other_manager):
    trip = TripFactory(owner=member)
    inside = trip.starts_at + datetime.timedelta(hours=12)
    ExpenseFactory(owner=member, occurred_at=inside)  # personal
    ExpenseFactory(owner=member, occurred_at=inside, business=True)  # a draft
    assert trip not in trips_visible_to(manager)
    with pytest.raises(NotFound):
        trip_get(user=manager, pk=trip.pk)

    ExpenseFactory(owner=member, occurred_at=inside, business=True, status=ExpenseStatus.SUBMITTED)

    assert trip_get(user=manager, pk=trip.pk) == trip
    assert trip not in trips_visible_to(other_manager)


def test_a_teammate_never_sees_a_trip(member, teammate):
    with pytest.raises(NotFound):
        trip_get(user=teammate, pk=TripFactory(owner=member).pk)


# --- the trip filter on every surface --------------------------------------------------------------------------


@pytest.fixture
def trip_meals(member, teammate):
    """A New Yorker's three-day trip a month ago, with meals on its first and last local day, one just before and
    one just after it, and a teammate's meal on the same days."""
    member.timezone = "America/New_York"
    member.save(update_fields=["timezone"])
    start = timezone.now().astimezone(NEW_YORK).date() - datetime.timedelta(days=30)
    trip = new_trip(member, start=start, end=start + datetime.timedelta(days=2))

    def at(days: int, hour: int, minute: int = 0) -> datetime.datetime:
        return datetime.datetime.combine(start + datetime.timedelta(days=days), datetime.time(hour, minute), NEW_YORK)

    meals = {
        "first": ExpenseFactory(owner=member, occurred_at=at(0, 0, 5), amount=Decimal("10.00"),
                                reporting_amount=Decimal("10.00")),
        "last": ExpenseFactory(owner=member, occurred_at=at(2, 23, 30), amount=Decimal("30.00"),
                               reporting_amount=Decimal("30.00")),
        "before": ExpenseFactory(owner=member, occurred_at=at(-1, 23, 59)),
        "after": ExpenseFactory(owner=member, occurred_at=at(3, 0, 1)),
        "teammate": ExpenseFactory(owner=teammate, occurred_at=at(1, 12)),
    }  # fmt: skip
    return trip, meals


def test_the_trip_filter_picks_the_same_meals_on_every_surface(trip_meals, member, web_client_for, api_client_for):
    trip, meals = trip_meals
    expected = {meals["first"].pk, meals["last"].pk}
    query = {"trip": trip.pk}
    api = api_client_for(member)

    web = web_client_for(member).get(reverse("expense_list"), query)
    assert {expense.pk for expense in web.context["expenses"]} == expected
    listed = api.get(reverse("expenses_api:expense-list"), query).json()["results"]
    assert {row["id"] for row in listed} == expected
    export = api.get(reverse("reports_api:export-expenses", args=["json"]), query)
    assert {row["id"] for row in json.loads(b"".join(export.streaming_content))["expenses"]} == expected
    summary = api.get(reverse("reports_api:report", args=["summary"]), query).json()["rows"][0]
    assert (summary["visits"], Decimal(summary["total"])) == (2, Decimal("40.00"))
    page = web_client_for(member).get(reverse("reports"), {"trip": trip.pk})
    assert page.status_code == HTTPStatus.OK


def test_a_trip_the_viewer_cannot_see_is_refused_naming_the_field(trip_meals, teammate, api_client_for):
    trip, _ = trip_meals
    response = api_client_for(teammate).get(reverse("expenses_api:expense-list"), {"trip": trip.pk})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "trip" in response.json()["errors"]


def test_spending_by_trip_is_a_report_dimension(trip_meals, member, api_client_for):
    response = api_client_for(member).get(reverse("reports_api:report", args=["breakdown"]), {"by": "trip"})
    assert response.status_code == HTTPStatus.OK, response.json()
    rows = {row["label"]: Decimal(row["total"]) for row in response.json()["rows"]}
    assert rows["Boston"] == Decimal("40.00")
    assert "No trip" in rows
