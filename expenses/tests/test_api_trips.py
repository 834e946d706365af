"""The API of trips, their per-diem days, favourites and recurring meals to confirm, through HTTP."""

import datetime
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse

from expenses.models import Expense, PendingMeal, PendingStatus, Trip
from expenses.per_diem_file import read_rate_rows
from expenses.services.per_diem import per_diem_rates_load
from expenses.tests.factories import CategoryFactory, ExpenseFactory
from expenses.tests.trip_factories import SAMPLE_RATES, MealTemplateFactory, TripFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(db):
    per_diem_rates_load(rows=read_rate_rows(SAMPLE_RATES.read_text())[0])


@pytest.fixture
def api(member, api_client_for):
    return api_client_for(member)


BOSTON = {"name": "Boston", "start_date": "2026-03-10", "end_date": "2026-03-12", "city": "Boston", "region": "ma"}


def test_create_a_trip_and_read_its_per_diem_days(api, rates, member):
    created = api.post(reverse("expenses_api:trip-list"), BOSTON, format="json")
    assert created.status_code == HTTPStatus.CREATED, created.json()
    trip = created.json()
    assert (trip["region"], trip["country"], trip["days"], trip["timezone"]) == ("MA", "US", 3, "UTC")
    ExpenseFactory(owner=member, occurred_at=datetime.datetime(2026, 3, 11, 13, tzinfo=datetime.UTC),
                   amount=Decimal("70.00"), reporting_amount=Decimal("70.00"))  # fmt: skip

    provided = api.post(reverse("expenses_api:trip-meals-provided", args=[trip["id"]]),
                        {"date": "2026-03-11", "lunch": True}, format="json")  # fmt: skip
    assert provided.status_code == HTTPStatus.OK

    per_diem = api.get(reverse("expenses_api:trip-per-diem", args=[trip["id"]])).json()
    assert per_diem["location"] == "MA/Boston / Cambridge"
    assert [(d["date"], d["allowance"], d["spent"], d["remaining"]) for d in per_diem["days"]] == [
        ("2026-03-10", "69.00", "0.00", "69.00"),
        ("2026-03-11", "66.00", "70.00", "-4.00"),
        ("2026-03-12", "69.00", "0.00", "69.00"),
    ]
    assert per_diem["days"][1]["provided"] == ["lunch"]
    assert (per_diem["allowance"], per_diem["spent"], per_diem["remaining"]) == ("204.00", "70.00", "134.00")


def test_bad_input_is_a_400_naming_the_field(api):
    response = api.post(reverse("expenses_api:trip-list"), {**BOSTON, "end_date": "2026-03-01"}, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "end_date" in response.json()["errors"]
    missing = api.post(reverse("expenses_api:trip-list"), {"name": "No dates"}, format="json")
    assert {"start_date", "end_date", "city"} <= set(missing.json()["errors"])


def test_an_overlapping_trip_is_refused_on_start_date(api, member):
    TripFactory(owner=member)
    response = api.post(reverse("expenses_api:trip-list"), BOSTON, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "start_date" in response.json()["errors"]


def test_a_stale_if_match_is_a_412(api, member):
    trip = TripFactory(owner=member)
    url = reverse("expenses_api:trip-detail", args=[trip.pk])
    etag = api.get(url)["ETag"]
    assert api.patch(url, {"purpose": "Renewals"}, format="json", HTTP_IF_MATCH=etag).status_code == HTTPStatus.OK
    stale = api.patch(url, {"purpose": "Older"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == HTTPStatus.PRECONDITION_FAILED


def test_the_list_holds_only_my_trips_in_a_fixed_number_of_queries(
    api, member, teammate, django_assert_max_num_queries
):
    for month in range(1, 6):
        TripFactory(owner=member, start_date=datetime.date(2026, month, 1), end_date=datetime.date(2026, month, 3))
    TripFactory(owner=teammate)
    with django_assert_max_num_queries(6):
        results = api.get(reverse("expenses_api:trip-list")).json()["results"]
    assert len(results) == 5
    assert {Trip.objects.get(pk=row["id"]).owner_id for row in results} == {member.pk}


def test_a_manager_reads_a_claimed_trip_but_cannot_change_it(member, manager, api_client_for):
    trip = TripFactory(owner=member)
    ExpenseFactory(owner=member, business=True, status="submitted", occurred_at=trip.starts_at)
    client = api_client_for(manager)
    url = reverse("expenses_api:trip-detail", args=[trip.pk])
    assert client.get(url).status_code == HTTPStatus.OK
    assert client.patch(url, {"purpose": "x"}, format="json").status_code == HTTPStatus.FORBIDDEN
    assert client.get(reverse("expenses_api:trip-list")).json()["results"] == []


# --- favourites and recurring meals ------------------------------------------------------------------------------


def test_save_a_favourite_and_log_it_with_one_tap(api, member):
    created = api.post(reverse("expenses_api:favourite-list"),
                       {"name": "Coffee", "amount": "4.50", "meal_type": "drinks", "tags": "coffee, morning"},
                       format="json")  # fmt: skip
    assert created.status_code == HTTPStatus.CREATED, created.json()
    assert created.json()["currency"] == "USD"
    logged = api.post(reverse("expenses_api:favourite-log", args=[created.json()["id"]]))
    assert logged.status_code == HTTPStatus.CREATED, logged.json()
    expense = Expense.objects.get(pk=logged.json()["id"])
    assert (expense.amount, expense.meal_type, sorted(t.name for t in expense.tags.all())) == (
        Decimal("4.50"), "drinks", ["coffee", "morning"])  # fmt: skip


def test_a_weekly_schedule_takes_its_days_as_a_list(api):
    response = api.post(reverse("expenses_api:favourite-list"),
                        {"name": "Team lunch", "amount": "12.00", "repeat": "weekly", "weekdays": [5, 2],
                         "time_of_day": "12:30", "starts_on": "2026-06-01"}, format="json")  # fmt: skip
    assert response.status_code == HTTPStatus.CREATED, response.json()
    assert response.json()["weekdays"] == [2, 5]


def test_someone_elses_category_on_a_favourite_is_a_400_on_that_field(api, teammate):
    response = api.post(reverse("expenses_api:favourite-list"),
                        {"name": "Coffee", "amount": "4.50", "category": CategoryFactory(owner=teammate).pk},
                        format="json")  # fmt: skip
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "category" in response.json()["errors"]


def _pending(member):
    template = MealTemplateFactory(owner=member, repeat="daily", time_of_day=datetime.time(8),
                                   starts_on=datetime.date(2026, 6, 1))  # fmt: skip
    moment = datetime.datetime(2026, 6, 1, 8, tzinfo=datetime.UTC)
    return PendingMeal.objects.create(template=template, owner=member, occurs_on=moment.date(), occurred_at=moment)


def test_confirm_a_recurring_meal_with_another_amount(api, member):
    pending = _pending(member)
    listed = api.get(reverse("expenses_api:pending-meal-list")).json()["results"]
    assert [(row["id"], row["name"], row["amount"]) for row in listed] == [(pending.pk, "Morning coffee", "4.50")]
    response = api.post(reverse("expenses_api:pending-meal-confirm", args=[pending.pk]), {"amount": "5.10"},
                        format="json")  # fmt: skip
    assert response.status_code == HTTPStatus.CREATED, response.json()
    assert response.json()["amount"] == "5.10"
    again = api.post(reverse("expenses_api:pending-meal-confirm", args=[pending.pk]), {}, format="json")
    assert again.status_code == HTTPStatus.NOT_FOUND  # no longer waiting
    assert api.get(reverse("expenses_api:pending-meal-list")).json()["results"] == []


def test_discard_a_recurring_meal(api, member):
    pending = _pending(member)
    assert api.post(reverse("expenses_api:pending-meal-discard", args=[pending.pk])).status_code == 204
    pending.refresh_from_db()
    assert pending.status == PendingStatus.DISCARDED


def test_logging_a_favourite_again_with_the_same_key_logs_it_once(api, member):
    favourite = MealTemplateFactory(owner=member)
    url = reverse("expenses_api:favourite-log", args=[favourite.pk])
    first = api.post(url, HTTP_IDEMPOTENCY_KEY="coffee-1")
    again = api.post(url, HTTP_IDEMPOTENCY_KEY="coffee-1")
    assert (first.status_code, again.status_code) == (HTTPStatus.CREATED, HTTPStatus.CREATED)
    assert first.json()["id"] == again.json()["id"]
    assert Expense.objects.filter(owner=member).count() == 1
