"""The bill, split, balances and settle-up pages in a real Chromium on a 360 px phone and a desktop, light and dark:
each fits the screen, breaks no word, passes axe without a serious or critical finding and logs no error."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.tests.factories import TEST_PASSWORD
from expenses.services.splits import expense_split, line_items_replace, settlement_record
from expenses.tests.factories import RestaurantFactory
from expenses.tests.split_factories import dinner_with, key_of
from mealtracker.tests.browser.conftest import watch
from mealtracker.tests.browser.test_design_system import BROKEN_WORDS, WIDER_THAN_SCREEN

pytestmark = pytest.mark.browser

SCREENS = {
    "phone": {"viewport": {"width": 360, "height": 780}, "has_touch": True, "is_mobile": True},
    "desktop": {"viewport": {"width": 1366, "height": 900}},
}


@pytest.fixture
def split_dinner(member, teammate):
    bistro = RestaurantFactory(owner=member, name="The Extraordinarily Long Named Neighbourhood Bistro")
    dinner = dinner_with(member, teammate, guests=["Alexandra Montgomery"], amount="101.00", tax="7.00",
                         tip="12.00", fees="2.00", restaurant=bistro)  # fmt: skip
    soup, wine = line_items_replace(expense=dinner, actor=member, items=[
        {"description": "Seasonal soup of the day with sourdough", "amount": "40.00"},
        {"description": "Bottle of wine", "amount": "40.00"}])  # fmt: skip
    everyone = ["owner", key_of(dinner, teammate), key_of(dinner, name="Alexandra Montgomery")]
    expense_split(expense=dinner, actor=member, method="items", items={soup.pk: everyone[:2], wine.pk: everyone})
    settlement_record(payer=teammate, payee=member, amount=Decimal("10.00"), currency="USD", recorded_by=teammate,
                      note="Part of the dinner, the rest next week")  # fmt: skip
    return dinner


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_split_pages_fit_read_whole_words_and_pass_axe(
    transactional_db, browser, problems, live_server, member, teammate, split_dinner, screen, scheme, screenshot,
    accessibility_problems,
):  # fmt: skip
    context = browser.new_context(**SCREENS[screen], color_scheme=scheme, service_workers="block")
    page = context.new_page()
    watch(page, problems)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill("member@example.com")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("data-bs-theme", scheme)

    pages = {
        "meal-split": reverse("expense_detail", args=[split_dinner.pk]),
        "items": reverse("line_items_edit", args=[split_dinner.pk]),
        "split": reverse("split_edit", args=[split_dinner.pk]),
        "balances": reverse("balances"),
        "balance-with": reverse("balance_with", args=[teammate.pk]),
    }
    findings = {}
    for name, path in pages.items():
        assert page.goto(f"{live_server.url}{path}").status == 200, path
        page.wait_for_load_state("networkidle")
        screenshot(page, f"{screen}-{scheme}-{name}")
        page_findings = {
            "too wide": page.evaluate(WIDER_THAN_SCREEN),
            "broken words": page.evaluate(BROKEN_WORDS),
            "axe": accessibility_problems(page),
        }
        if any(page_findings.values()):
            findings[name] = {key: value for key, value in page_findings.items() if value}
    context.close()

    assert findings == {}
    assert problems == [], f"console errors or CSP violations: {problems}"
