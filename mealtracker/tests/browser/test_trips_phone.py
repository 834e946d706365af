"""Trips, per diem and favourites on a 360 px phone, light and dark: the pages fit, break no word, pass axe and log
no error; a provided lunch lowers the day's allowance; a favourite is logged with one tap."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import TEST_PASSWORD
from expenses.models import Expense, PendingMeal
from expenses.per_diem_file import read_rate_rows
from expenses.services.per_diem import per_diem_rates_load
from expenses.services.trips import trip_create
from expenses.tests.factories import ExpenseFactory, RestaurantFactory
from expenses.tests.trip_factories import SAMPLE_RATES, MealTemplateFactory
from mealtracker.tests.browser.conftest import watch
from mealtracker.tests.browser.test_design_system import BROKEN_WORDS, WIDER_THAN_SCREEN

pytestmark = pytest.mark.browser
SMALL_PHONE = {"viewport": {"width": 360, "height": 740}, "has_touch": True, "is_mobile": True}


@pytest.fixture
def traveller(member):
    """On day two of a three-day trip to Chicago, with meals, a favourite and a coffee to confirm."""
    per_diem_rates_load(rows=read_rate_rows(SAMPLE_RATES.read_text())[0])
    today = timezone.now().astimezone(member.tzinfo).date()
    trip = trip_create(owner=member, name="Chicago customer visits", start_date=today - datetime.timedelta(days=1),
                       end_date=today + datetime.timedelta(days=1), city="Chicago", region="IL",
                       purpose="Quarterly reviews with the Midwest customers")  # fmt: skip
    deli = RestaurantFactory(owner=member, name="Portillo's Hot Dogs and the Extraordinarily Long Named Deli")
    ExpenseFactory(owner=member, restaurant=deli, occurred_at=trip.starts_at + datetime.timedelta(hours=13),
                   amount=Decimal("31.40"), reporting_amount=Decimal("31.40"))  # fmt: skip
    coffee = MealTemplateFactory(owner=member, name="Morning coffee", restaurant=deli, repeat="weekdays",
                                 time_of_day=datetime.time(8, 30), starts_on=today)  # fmt: skip
    moment = timezone.now() - datetime.timedelta(hours=1)
    PendingMeal.objects.create(template=coffee, owner=member, occurs_on=today, occurred_at=moment)
    return trip


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_trip_and_favourite_pages_fit_a_small_phone(browser, problems, live_server, traveller, scheme, screenshot,
                                                    accessibility_problems):  # fmt: skip
    context = browser.new_context(**SMALL_PHONE, color_scheme=scheme, service_workers="block")
    page = context.new_page()
    watch(page, problems)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill("member@example.com")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")

    findings = {}
    pages = {
        "trips": reverse("trip_list"), "trip": reverse("trip_detail", args=[traveller.pk]),
        "trip-form": reverse("trip_edit", args=[traveller.pk]), "favourites": reverse("favourite_list"),
        "favourite-form": reverse("favourite_create"), "add-meal": reverse("expense_create"),
    }  # fmt: skip
    for name, path in pages.items():
        assert page.goto(f"{live_server.url}{path}").status == 200, path
        page.wait_for_load_state("networkidle")
        screenshot(page, f"phone360-{scheme}-{name}", full_page=False)
        found = {"too wide": page.evaluate(WIDER_THAN_SCREEN), "broken words": page.evaluate(BROKEN_WORDS),
                 "axe": accessibility_problems(page)}  # fmt: skip
        if any(found.values()):
            findings[path] = {key: value for key, value in found.items() if value}
    context.close()
    assert findings == {}
    assert problems == [], f"console errors or CSP violations: {problems}"


def test_a_provided_lunch_lowers_the_day_and_a_favourite_logs_with_one_tap(page, sign_in, live_server, traveller,
                                                                          member):  # fmt: skip
    sign_in(page, "member@example.com", TEST_PASSWORD)
    page.goto(f"{live_server.url}{reverse('trip_detail', args=[traveller.pk])}")
    today = page.get_by_test_id("per-diem-day").nth(1)
    expect(today.get_by_test_id("day-allowance")).to_have_text("$92.00")
    today.get_by_label("Lunch").check()
    today.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("per-diem-day").nth(1).get_by_test_id("day-allowance")).to_have_text("$66.00")

    page.goto(f"{live_server.url}{reverse('expense_create')}")
    expect(page.get_by_test_id("per-diem-today")).to_contain_text("$66.00")

    page.goto(f"{live_server.url}{reverse('favourite_list')}")
    page.get_by_role("button", name="Log now: Morning coffee").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Portillo's")
    assert Expense.objects.filter(owner=member, amount=Decimal("4.50")).count() == 1
    page.goto(f"{live_server.url}{reverse('favourite_list')}")
    page.get_by_role("button", name="Confirm Morning coffee").click()
    expect(page.get_by_test_id("to-confirm")).to_have_count(0)
    assert Expense.objects.filter(owner=member, amount=Decimal("4.50")).count() == 2
