"""Splitting a dinner on a phone: the payer enters the bill's items and gives each to who had it; the colleague
signs in, finds what they owe in their account and settles up."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.tests.factories import TEST_PASSWORD
from expenses.models import Settlement, Share
from expenses.tests.factories import RestaurantFactory
from expenses.tests.split_factories import dinner_with
from mealtracker.tests.browser.conftest import watch

pytestmark = pytest.mark.browser


def fits_the_phone(page) -> bool:
    """Nothing on the page is wider than the phone's screen (no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_dinner_split_by_items_is_owed_by_the_colleague_who_settles_up(
    page, browser, problems, live_server, sign_in, member, teammate, screenshot
):
    bistro = RestaurantFactory(owner=member, name="Chez Nous", city="Boston")
    dinner = dinner_with(member, teammate, guests=["Ann Lee"], amount="88.00", tax="6.00", tip="12.00",
                         restaurant=bistro)  # fmt: skip
    sign_in(page, "member@example.com", TEST_PASSWORD)

    # The payer types the bill's three lines.
    page.goto(f"{live_server.url}{reverse('expense_detail', args=[dinner.pk])}")
    page.get_by_role("link", name="Add items").click()
    rows = page.locator("[data-item-row]")
    for index, (description, amount) in enumerate([("Steak frites", "32.00"), ("Moules", "24.00"),
                                                   ("Bottle of wine", "14.00")]):  # fmt: skip
        rows.nth(index).get_by_label("Description").fill(description)
        rows.nth(index).get_by_label("Amount").fill(amount)
    page.get_by_role("button", name="Save items").click()
    expect(page.get_by_test_id("bill-adds-up")).to_be_visible()

    # ... and gives each line to who had it: the wine is shared by all three.
    page.get_by_role("link", name="Split the bill").click()
    items = page.locator("[data-split-item]")
    items.nth(0).get_by_label(str(member)).check()
    items.nth(1).get_by_label(str(teammate)).check()
    for person in (str(member), str(teammate), "Ann Lee"):
        items.nth(2).get_by_label(person).check()
    screenshot(page, "phone-split-by-items")
    page.get_by_role("button", name="Split by items").click()

    shares = page.locator("[data-share]")
    expect(shares).to_have_count(3)
    # The colleague: 24.00 moules + 4.67 wine = 28.67, with 2.46 tax and 4.91 tip.
    expect(shares.nth(1)).to_contain_text("$36.04")
    assert sum(share.total for share in Share.objects.filter(expense=dinner)) == Decimal("88.00")
    assert fits_the_phone(page)
    screenshot(page, "phone-split-shares")

    # The colleague signs in on their own phone and sees what they owe.
    # The smallest phones we serve: 360 px wide.
    context = browser.new_context(viewport={"width": 360, "height": 780}, has_touch=True, is_mobile=True,
                                  service_workers="block")  # fmt: skip
    phone = context.new_page()
    watch(phone, problems)
    sign_in(phone, "teammate@example.com", TEST_PASSWORD)
    phone.goto(f"{live_server.url}{reverse('balances')}")
    expect(phone.get_by_test_id("owed-by-me")).to_contain_text(f"{member} paid, you owe")
    expect(phone.get_by_test_id("owed-by-me")).to_contain_text("$36.04")
    expect(phone.get_by_test_id("balances")).to_contain_text("you owe $36.04")
    assert fits_the_phone(phone)
    screenshot(phone, "phone-balances")

    # ... and settles up: the form offers what is owed.
    phone.get_by_role("link", name=str(member)).click()
    expect(phone.get_by_label("Amount")).to_have_value("36.04")
    phone.get_by_label("Note").fill("Bank transfer")
    phone.get_by_role("button", name="Record settlement").click()

    expect(phone.get_by_test_id("balance")).to_contain_text("Settled up")
    expect(phone.get_by_test_id("settlements")).to_contain_text("You paid")
    settlement = Settlement.objects.get()
    assert (settlement.payer, settlement.payee, settlement.amount) == (teammate, member, Decimal("36.04"))
    screenshot(phone, "phone-settled-up")
    context.close()
