"""Log again: a past meal's row on the phone opens the add form filled in with it, at the current time."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.tests.factories import TEST_PASSWORD
from expenses.models import Expense
from expenses.tests.factories import ExpenseFactory, RestaurantFactory

pytestmark = pytest.mark.browser


def test_log_again_from_a_row_saves_a_second_meal_like_the_first(page, live_server, sign_in, member, screenshot):
    noodles = RestaurantFactory(owner=member, name="Harbour Noodles", city="Boston")
    ExpenseFactory(owner=member, restaurant=noodles, amount=Decimal("14.40"), notes="Usual noodles")
    sign_in(page, "member@example.com", TEST_PASSWORD)

    page.goto(f"{live_server.url}{reverse('expense_list')}")
    again = page.get_by_role("link", name="Log again: Harbour Noodles")
    box = again.bounding_box()
    assert box["width"] >= 20 and box["height"] >= 20  # noqa: PT018 - one target size
    screenshot(page, "phone-log-again-row")
    again.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Log again")
    expect(page.get_by_label("Total paid")).to_have_value("14.40")
    expect(page.get_by_label("Notes")).to_have_value("Usual noodles")
    page.get_by_role("button", name="Save meal").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Harbour Noodles")
    assert Expense.objects.filter(owner=member, restaurant=noodles, amount=Decimal("14.40")).count() == 2
