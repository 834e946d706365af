"""Restaurant merge, loyalty and a card-charged foreign meal on a 360 px phone, light and dark: the pages fit,
break no word, pass axe and log no error; two duplicates are merged by ticking them on the phone."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import TEST_PASSWORD
from expenses.models import Restaurant
from expenses.services import expense_create
from expenses.services.loyalty import merchant_rewards_link_set, rewards_membership_create, rewards_program_create
from expenses.tests.factories import ExchangeRateFactory, ExpenseFactory, MerchantFactory, RestaurantFactory
from mealtracker.tests.browser.conftest import watch
from mealtracker.tests.browser.test_design_system import BROKEN_WORDS, WIDER_THAN_SCREEN

pytestmark = pytest.mark.browser
SMALL_PHONE = {"viewport": {"width": 360, "height": 740}, "has_touch": True, "is_mobile": True}


@pytest.fixture
def regular(member):
    """Two saves of one café, a loyalty programme with an account, and a meal abroad paid by card."""
    cafe = RestaurantFactory(owner=member, name="Blue Door Café and Extraordinarily Long Named Bakery", city="Boston")
    again = RestaurantFactory(owner=member, name="BLUE DOOR CAFE BOSTON", city="Boston", address_line_1="12 High St")
    ExpenseFactory(owner=member, restaurant=cafe)
    ExpenseFactory(owner=member, restaurant=again)
    program = rewards_program_create(owner=member, name="Blue Door Loyalty Club International")
    rewards_membership_create(owner=member, program=program, account_number="4444333322221111", tier="Gold")
    merchant_rewards_link_set(owner=member, merchant=MerchantFactory(name="Blue Door"), program=program)
    yesterday = timezone.now() - datetime.timedelta(days=1)
    ExchangeRateFactory(currency="EUR", date=yesterday.date() - datetime.timedelta(days=1), rate=Decimal("1.08"))
    abroad = expense_create(owner=member, amount=Decimal("40.00"), currency="EUR", occurred_at=yesterday,
                            charged_amount=Decimal("44.20"), restaurant=cafe)  # fmt: skip
    return cafe, again, abroad


def signed_in(browser, problems, live_server, scheme):
    context = browser.new_context(**SMALL_PHONE, color_scheme=scheme, service_workers="block")
    page = context.new_page()
    watch(page, problems)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill("member@example.com")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    return context, page


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_merge_loyalty_and_card_pages_fit_a_small_phone(browser, problems, live_server, regular, scheme, screenshot,
                                                        accessibility_problems):  # fmt: skip
    context, page = signed_in(browser, problems, live_server, scheme)
    pages = {
        "merge": reverse("restaurant_merge"), "loyalty": reverse("loyalty_list"),
        "loyalty-form": reverse("loyalty_create"), "loyalty-import": reverse("loyalty_import"),
        "card-meal": reverse("expense_detail", args=[regular[2].pk]), "add-meal": reverse("expense_create"),
    }  # fmt: skip
    findings = {}
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


def test_two_duplicates_are_merged_on_a_phone(browser, problems, live_server, regular, member):
    cafe, again, _ = regular
    context, page = signed_in(browser, problems, live_server, "light")
    page.goto(f"{live_server.url}{reverse('restaurant_list')}")
    page.get_by_role("link", name="Merge duplicates").click()

    page.locator(f"#merge-{cafe.pk}").check()
    page.locator(f"#merge-{again.pk}").check()
    page.locator(f"#keep-{cafe.pk}").check()
    page.get_by_role("button", name="Merge into the one kept").click()

    page.wait_for_url(f"{live_server.url}{reverse('restaurant_detail', args=[cafe.pk])}")
    expect(page.get_by_test_id("aliases")).to_contain_text("BLUE DOOR CAFE BOSTON")
    context.close()
    assert list(Restaurant.objects.filter(owner=member)) == [cafe]
    assert problems == []
