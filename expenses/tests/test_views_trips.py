"""Web pages of trips, favourites and recurring meals to confirm, through the test client."""

import datetime
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from expenses.models import Expense, MealTemplate, PendingMeal, PendingStatus, Trip
from expenses.per_diem_file import read_rate_rows
from expenses.services.per_diem import per_diem_rates_load
from expenses.tests.factories import ExpenseFactory, RestaurantFactory
from expenses.tests.trip_factories import SAMPLE_RATES, MealTemplateFactory, TripFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(db):
    per_diem_rates_load(rows=read_rate_rows(SAMPLE_RATES.read_text())[0])


@pytest.fixture
def web(member, web_client_for):
    return web_client_for(member)


# --- trips -----------------------------------------------------------------------------------------------------


def test_add_a_trip_and_see_its_days(web, member, rates):
    response = web.post(reverse("trip_create"), {"name": "Chicago fair", "start_date": "2026-05-04",
                                                 "end_date": "2026-05-06", "city": "Chicago", "region": "IL",
                                                 "country": "US", "purpose": "Trade fair"})  # fmt: skip
    trip = Trip.objects.get(owner=member)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("trip_detail", args=[trip.pk])
    page = web.get(response["Location"])
    assert page.status_code == HTTPStatus.OK
    days = page.context["per_diem"].days
    assert [day.allowance for day in days] == [Decimal("69.00"), Decimal("92.00"), Decimal("69.00")]
    assert page.content.decode().count('data-testid="per-diem-day"') == 3
    assert "IL/Chicago" in page.content.decode()


def test_an_overlapping_trip_shows_the_error_on_the_first_day(web, member):
    TripFactory(owner=member)
    response = web.post(reverse("trip_create"), {"name": "Again", "start_date": "2026-03-11", "end_date": "2026-03-13",
                                                 "city": "Boston", "country": "US"})  # fmt: skip
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "overlaps your trip" in response.context["form"].errors["start_date"][0]


def test_tick_a_provided_lunch_on_a_day(web, member, rates):
    trip = TripFactory(owner=member)
    url = reverse("trip_day_meals_provided", args=[trip.pk, "2026-03-11"])
    response = web.post(url, {"lunch": "on"})
    assert response.status_code == HTTPStatus.FOUND
    page = web.get(reverse("trip_detail", args=[trip.pk]))
    assert page.context["per_diem"].days[1].allowance == Decimal("66.00")
    assert "less lunch provided" in page.content.decode()


def test_edit_and_delete_a_trip_keeping_its_meals(web, member):
    trip = TripFactory(owner=member)
    meal = ExpenseFactory(owner=member, occurred_at=trip.starts_at + datetime.timedelta(hours=9))
    response = web.post(reverse("trip_edit", args=[trip.pk]), {"name": "Boston, renamed", "start_date": "2026-03-10",
                                                               "end_date": "2026-03-11", "city": "Boston",
                                                               "country": "US"})  # fmt: skip
    assert response.status_code == HTTPStatus.FOUND
    trip.refresh_from_db()
    assert (trip.name, trip.end_date) == ("Boston, renamed", datetime.date(2026, 3, 11))
    assert web.post(reverse("trip_delete", args=[trip.pk])).status_code == HTTPStatus.FOUND
    assert not Trip.objects.exists()
    assert Expense.objects.filter(pk=meal.pk).exists()


def test_someone_elses_trip_is_not_found_and_a_manager_cannot_edit_a_claimed_one(member, manager, teammate,
                                                                                 web_client_for):  # fmt: skip
    trip = TripFactory(owner=member)
    assert web_client_for(teammate).get(reverse("trip_detail", args=[trip.pk])).status_code == HTTPStatus.NOT_FOUND
    ExpenseFactory(owner=member, business=True, status="submitted", occurred_at=trip.starts_at)
    boss = web_client_for(manager)
    assert boss.get(reverse("trip_detail", args=[trip.pk])).status_code == HTTPStatus.OK
    assert boss.get(reverse("trip_edit", args=[trip.pk])).status_code == HTTPStatus.FORBIDDEN


def test_the_trip_list_costs_the_same_queries_for_many_trips(web, member, django_assert_max_num_queries):
    for month in range(1, 11):
        TripFactory(owner=member, start_date=datetime.date(2026, month, 1), end_date=datetime.date(2026, month, 2))
    with django_assert_max_num_queries(8):
        page = web.get(reverse("trip_list"))
    assert page.content.decode().count('class="list-group-item meal-row"') == 10


def test_a_trips_page_costs_the_same_queries_however_long_the_trip(web, member, rates, django_assert_max_num_queries):
    trip = TripFactory(owner=member, start_date=datetime.date(2026, 6, 1), end_date=datetime.date(2026, 6, 30))
    for day in range(1, 31):
        ExpenseFactory(owner=member, occurred_at=datetime.datetime(2026, 6, day, 12, tzinfo=datetime.UTC))
    with django_assert_max_num_queries(12):
        assert web.get(reverse("trip_detail", args=[trip.pk])).status_code == HTTPStatus.OK


def test_the_meal_form_shows_todays_remaining_allowance_during_a_trip(web, member, rates, monkeypatch):
    now = datetime.datetime(2026, 3, 11, 15, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: now)
    TripFactory(owner=member)
    ExpenseFactory(owner=member, occurred_at=now - datetime.timedelta(hours=3), amount=Decimal("20.00"),
                   reporting_amount=Decimal("20.00"))  # fmt: skip
    page = web.get(reverse("expense_create"))
    text = page.content.decode()
    assert 'data-testid="per-diem-today"' in text
    assert "$72.00" in text
    assert "$92.00" in text


def test_no_trip_today_no_allowance_on_the_form(web):
    assert 'data-testid="per-diem-today"' not in web.get(reverse("expense_create")).content.decode()


def test_the_expense_list_and_the_reports_page_offer_the_trip(web, member):
    trip = TripFactory(owner=member)
    assert web.get(reverse("expense_list"), {"trip": trip.pk}).status_code == HTTPStatus.OK
    page = web.get(reverse("reports"))
    assert trip in page.context["form"].fields["trip"].queryset


# --- favourites and recurring meals --------------------------------------------------------------------------------


def test_save_a_meal_as_favourite_and_log_it_with_one_tap(web, member):
    meal = ExpenseFactory(owner=member, restaurant=RestaurantFactory(owner=member, name="Blue Door"),
                          amount=Decimal("4.50"), tax=0, tip=0, meal_type="drinks")  # fmt: skip
    assert web.post(reverse("expense_save_favourite", args=[meal.pk])).status_code == HTTPStatus.FOUND
    favourite = MealTemplate.objects.get(owner=member)
    assert (favourite.name, favourite.amount) == ("Blue Door", Decimal("4.50"))

    response = web.post(reverse("favourite_log", args=[favourite.pk]))

    logged = Expense.objects.exclude(pk=meal.pk).get()
    assert response["Location"] == reverse("expense_detail", args=[logged.pk])
    assert (logged.amount, logged.restaurant_id, logged.meal_type) == (Decimal("4.50"), meal.restaurant_id, "drinks")


def test_adjust_a_favourite_before_logging_it(web, member):
    favourite = MealTemplateFactory(owner=member, notes="Oat milk")
    page = web.get(reverse("expense_create"), {"template": favourite.pk})
    assert page.context["form"].initial["amount"] == Decimal("4.50")
    assert page.context["form"].initial["notes"] == "Oat milk"
    assert 'data-testid="log-favourite"' in page.content.decode()


def test_someone_elses_favourite_is_not_found(web, teammate):
    favourite = MealTemplateFactory(owner=teammate)
    assert web.post(reverse("favourite_log", args=[favourite.pk])).status_code == HTTPStatus.NOT_FOUND
    assert web.get(reverse("expense_create"), {"template": favourite.pk}).status_code == HTTPStatus.NOT_FOUND


def test_schedule_a_weekday_coffee_on_the_favourite_form(web, member):
    response = web.post(reverse("favourite_create"), {
        "name": "Coffee", "amount": "4.50", "currency": "USD", "meal_type": "drinks", "order_type": "takeout",
        "party_size": "1", "repeat": "weekly", "weekdays": ["1", "3"], "time_of_day": "08:15",
        "starts_on": "2026-06-01", "is_active": "on",
    })  # fmt: skip
    assert response.status_code == HTTPStatus.FOUND, response.context["form"].errors
    favourite = MealTemplate.objects.get()
    assert (favourite.weekdays, favourite.time_of_day) == ("1,3", datetime.time(8, 15))


def _pending(member, day=1):
    template = MealTemplateFactory(owner=member, repeat="daily", time_of_day=datetime.time(8),
                                   starts_on=datetime.date(2026, 6, 1))  # fmt: skip
    moment = datetime.datetime(2026, 6, day, 8, tzinfo=datetime.UTC)
    return PendingMeal.objects.create(template=template, owner=member, occurs_on=moment.date(), occurred_at=moment)


def test_confirm_and_discard_from_the_to_confirm_list(web, member):
    first, second = _pending(member), _pending(member, day=2)
    page = web.get(reverse("favourite_list"))
    assert page.content.decode().count("Confirm<span") == 2
    web.post(reverse("pending_meal_confirm", args=[first.pk]))
    web.post(reverse("pending_meal_discard", args=[second.pk]))
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (PendingStatus.CONFIRMED, PendingStatus.DISCARDED)
    assert first.expense.amount == Decimal("4.50")
    assert 'data-testid="to-confirm"' not in web.get(reverse("favourite_list")).content.decode()


def test_edit_a_recurring_meal_before_confirming_it(web, member):
    pending = _pending(member)
    page = web.get(reverse("pending_meal_edit", args=[pending.pk]))
    assert "Confirm Morning coffee" in page.content.decode()
    response = web.post(reverse("pending_meal_edit", args=[pending.pk]), {
        "amount": "5.20", "currency": "USD", "occurred_at": "2026-06-01T08:00", "meal_type": "drinks",
        "order_type": "takeout", "party_size": "1",
    })  # fmt: skip
    assert response.status_code == HTTPStatus.FOUND, response.context["form"].errors
    pending.refresh_from_db()
    assert (pending.status, pending.expense.amount) == (PendingStatus.CONFIRMED, Decimal("5.20"))


def test_the_favourites_page_costs_the_same_queries_for_many(web, member, django_assert_max_num_queries):
    restaurant = RestaurantFactory(owner=member)
    for number in range(8):
        MealTemplateFactory(owner=member, name=f"Favourite {number}", restaurant=restaurant)
        _pending(member, day=number + 1)
    with django_assert_max_num_queries(8):
        assert web.get(reverse("favourite_list")).status_code == HTTPStatus.OK


def test_a_double_tap_on_log_now_logs_one_meal(web, member):
    favourite = MealTemplateFactory(owner=member)
    page = web.get(reverse("favourite_list"))
    key = f"{page.context['idempotency_key']}-{favourite.pk}"
    first = web.post(reverse("favourite_log", args=[favourite.pk]), {"idempotency_key": key})
    second = web.post(reverse("favourite_log", args=[favourite.pk]), {"idempotency_key": key})
    assert first["Location"] == second["Location"]
    assert Expense.objects.filter(owner=member).count() == 1
