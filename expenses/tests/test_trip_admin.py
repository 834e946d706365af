"""The back office for trips, per-diem rates, favourites and recurring meals."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse

from expenses.models import Trip
from expenses.tests.factories import ExpenseFactory
from expenses.tests.trip_factories import MealTemplateFactory, PerDiemRateFactory, TripFactory

pytestmark = pytest.mark.django_db
TRIPS = reverse("admin:expenses_trip_changelist")


def test_an_admin_adds_a_trip_for_someone_through_the_service(web_client_for, site_admin, member):
    response = web_client_for(site_admin).post(reverse("admin:expenses_trip_add"), {
        "owner": member.pk, "name": "Denver", "start_date": "2026-04-01", "end_date": "2026-04-02",
        "city": "Denver", "region": "co", "country": "us", "per_diem_location": "", "purpose": "",
        "meals_provided-TOTAL_FORMS": "0", "meals_provided-INITIAL_FORMS": "0",
    })  # fmt: skip
    assert response.status_code == HTTPStatus.FOUND
    trip = Trip.objects.get()
    assert (trip.owner, trip.region, trip.country, trip.timezone) == (member, "CO", "US", member.timezone)
    assert trip.ends_at - trip.starts_at == datetime.timedelta(days=2)


def test_a_manager_sees_only_trips_holding_submitted_team_meals(web_client_for, manager, member, outsider):
    claimed, private = TripFactory(owner=member), TripFactory(owner=member, start_date=datetime.date(2026, 5, 1),
                                                             end_date=datetime.date(2026, 5, 2))  # fmt: skip
    ExpenseFactory(owner=member, business=True, status="submitted", occurred_at=claimed.starts_at)
    TripFactory(owner=outsider)
    client = web_client_for(manager)
    shown = {trip.pk for trip in client.get(TRIPS).context["cl"].result_list}
    assert shown == {claimed.pk}
    assert private.pk not in shown
    page = client.get(reverse("admin:expenses_trip_change", args=[claimed.pk]))
    assert page.status_code == HTTPStatus.OK
    assert not page.context["has_change_permission"]


def test_rates_favourites_and_occurrences_are_read_only(web_client_for, site_admin, member):
    rate, favourite = PerDiemRateFactory(), MealTemplateFactory(owner=member)
    client = web_client_for(site_admin)
    for name, pk in (("perdiemrate", rate.pk), ("mealtemplate", favourite.pk)):
        assert client.get(reverse(f"admin:expenses_{name}_changelist")).status_code == HTTPStatus.OK
        page = client.get(reverse(f"admin:expenses_{name}_change", args=[pk]))
        assert not page.context["has_change_permission"]
    assert client.get(reverse("admin:expenses_pendingmeal_changelist")).status_code == HTTPStatus.OK
    assert client.get(reverse("admin:expenses_perdiemrate_add")).status_code == HTTPStatus.FORBIDDEN
