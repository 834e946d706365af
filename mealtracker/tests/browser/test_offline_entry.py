"""Offline entry: with no network the meal (and its photo) waits in the browser's outbox, and is saved exactly once
when the connection returns, even after a double tap or an answer lost on the way back."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from PIL import Image
from playwright.sync_api import expect

from accounts.tests.factories import TEST_PASSWORD
from expenses.models import Expense
from expenses.tests.factories import RestaurantFactory
from mealtracker.models import IdempotencyKey
from mealtracker.tests.browser.conftest import PHONE, watch
from mealtracker.tests.browser.screens import screen_page  # noqa: F401 - the `screen` fixture: phone, desktop

pytestmark = pytest.mark.browser


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "lunch.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (120, 160), "white").save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def enter_meal_offline(page, live_server, restaurant, photo, amount="38.40"):
    page.goto(f"{live_server.url}{reverse('expense_create')}")
    page.context.set_offline(True)
    page.get_by_label("Total paid").fill(amount)
    page.locator("select[name=restaurant]").select_option(str(restaurant.pk))
    page.get_by_label("Receipt photo or PDF").set_input_files(str(photo))
    page.get_by_role("button", name="Save meal").dblclick()  # a double tap


def test_a_meal_entered_offline_waits_in_the_outbox_and_is_saved_once_back_online(
    screen, live_server, sign_in, member, photo, screenshot, accessibility_problems
):
    page = screen
    noodles = RestaurantFactory(owner=member, name="Harbour Noodles", city="Boston")
    sign_in(page, "member@example.com", TEST_PASSWORD)

    enter_meal_offline(page, live_server, noodles, photo)

    outbox = page.locator("[data-outbox]")
    expect(outbox.locator("[data-outbox-entry]")).to_have_count(1)
    expect(outbox.locator("[data-outbox-entry=waiting]")).to_contain_text("Waiting to send")
    expect(outbox).to_contain_text("38.40 USD · Harbour Noodles (Boston)")
    expect(page.get_by_label("Total paid")).to_have_value("")  # ready for the next meal
    screenshot(page, f"{page.name}-offline-outbox")
    assert accessibility_problems(page) == []
    assert not Expense.objects.exists()

    page.context.set_offline(False)

    saved = outbox.locator("[data-outbox-entry=sent]")
    expect(saved).to_contain_text("Saved")
    expense = Expense.objects.get(owner=member)  # exactly one meal
    assert (str(expense.amount), expense.restaurant, expense.receipts.count()) == ("38.40", noodles, 1)
    saved.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Harbour Noodles")


def test_a_meal_whose_answer_was_lost_is_sent_again_and_saved_once(page, live_server, sign_in, member, photo):
    noodles = RestaurantFactory(owner=member, name="Harbour Noodles", city="Boston")
    sign_in(page, "member@example.com", TEST_PASSWORD)
    enter_meal_offline(page, live_server, noodles, photo, amount="12.00")
    outbox = page.locator("[data-outbox]")
    expect(outbox.locator("[data-outbox-entry=waiting]")).to_have_count(1)

    def lose_the_answer(route):
        if route.request.method != "POST":
            route.continue_()
            return
        route.fetch()  # the server saves the meal; its answer never reaches the page
        route.abort()

    page.route(f"{live_server.url}/expenses/new/", lose_the_answer, times=1)
    with page.expect_event("requestfailed", predicate=lambda request: request.method == "POST"):
        page.context.set_offline(False)
    expect(outbox.locator("[data-outbox-entry=waiting]")).to_have_count(1)
    assert Expense.objects.filter(owner=member).count() == 1

    page.evaluate("window.dispatchEvent(new Event('online'))")  # the next attempt (a timer, or the network back)

    expect(outbox.locator("[data-outbox-entry=sent]")).to_have_count(1)
    assert Expense.objects.filter(owner=member).count() == 1
    assert IdempotencyKey.objects.filter(user=member).count() == 1


def test_the_add_meal_page_opens_offline_once_it_was_visited(browser, live_server, sign_in, member, problems):
    noodles = RestaurantFactory(owner=member, name="Harbour Noodles", city="Boston")
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)  # service workers on
    page = context.new_page()
    watch(page, problems)
    sign_in(page, "member@example.com", TEST_PASSWORD)
    page.goto(f"{live_server.url}{reverse('expense_create')}")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now under the worker, which keeps the page

    context.set_offline(True)
    page.reload()

    expect(page.get_by_role("heading", level=1)).to_have_text("Add a meal")
    expect(page.locator("[data-outbox]")).to_contain_text("You are offline")
    page.get_by_label("Total paid").fill("9.50")
    page.locator("select[name=restaurant]").select_option(str(noodles.pk))
    page.get_by_role("button", name="Save meal").click()
    expect(page.locator("[data-outbox-entry=waiting]")).to_have_count(1)
    context.set_offline(False)
    expect(page.locator("[data-outbox-entry=sent]")).to_have_count(1)
    assert Expense.objects.get(owner=member).amount == Decimal("9.50")
    context.close()
    assert problems == [], f"console errors or CSP violations: {problems}"
