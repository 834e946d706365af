"""Attendees and substantiation on a 360 px phone, light and dark: the meal form's colleagues and guest rows, the
meal page, the approver's card and the Reports page fit, break no word, pass axe and log no error; a guest typed
on the phone is saved with the meal."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import TEST_PASSWORD
from expenses import services
from expenses.models import Expense
from expenses.tests.factories import RestaurantFactory
from mealtracker.tests.browser.conftest import watch
from mealtracker.tests.browser.test_design_system import BROKEN_WORDS, WIDER_THAN_SCREEN

pytestmark = pytest.mark.browser
SMALL_PHONE = {"viewport": {"width": 360, "height": 740}, "has_touch": True, "is_mobile": True}
# Words broken across lines in what these pages add: the people, the gaps, the tables of the Reports page.
OURS = "[data-testid=attendees], [data-testid=substantiation], [data-testid=guests], [data-testid=tip-outliers]"
OURS_BROKEN = (
    f"() => [...document.querySelectorAll('{OURS}')]"
    f".flatMap(root => ({BROKEN_WORDS.replace('document.body', 'root')})())"
)


@pytest.fixture
def business_dinner(member, teammate):
    restaurant = RestaurantFactory(owner=member, name="The Extraordinarily Long Named Neighbourhood Bistro")
    dinner = services.expense_create(
        owner=member, amount=Decimal("186.40"), tax=Decimal("13.80"), tip=Decimal("28.60"),
        occurred_at=timezone.now() - datetime.timedelta(days=1), meal_type="dinner", restaurant=restaurant,
        is_business=True, business_purpose="Renewal dinner", party_size=4,
        attendees=[teammate, {"name": "Priya Shah-Ramanathan", "company": "Globex International Holdings",
                              "relationship": "client"}],
    )  # fmt: skip
    return services.expense_submit(expense=Expense.objects.get(pk=dinner.pk), actor=member)


def page_errors(problems: list) -> list:
    # The live test server speaks HTTP only: a page's live-update socket cannot connect there.
    return [problem for problem in problems if not problem.startswith("WebSocket connection to")]


def sign_in(page, live_server, email):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_attendee_pages_fit_a_small_phone(
    browser, problems, live_server, business_dinner, manager, scheme, screenshot, accessibility_problems
):
    findings = {}
    for email, pages in {
        "member@example.com": {"add-meal": reverse("expense_create"),
                               "meal": reverse("expense_detail", args=[business_dinner.pk]),
                               "reports": reverse("reports")},
        manager.email: {"approvals": reverse("approval_queue")},
    }.items():  # fmt: skip
        context = browser.new_context(**SMALL_PHONE, color_scheme=scheme, service_workers="block")
        page = context.new_page()
        watch(page, problems)
        sign_in(page, live_server, email)
        for name, path in pages.items():
            assert page.goto(f"{live_server.url}{path}").status == 200, path
            page.wait_for_load_state("networkidle")
            screenshot(page, f"phone360-{scheme}-attendees-{name}", full_page=False)
            found = {"too wide": page.evaluate(WIDER_THAN_SCREEN), "broken words": page.evaluate(OURS_BROKEN),
                     "axe": accessibility_problems(page)}  # fmt: skip
            if any(found.values()):
                findings[path] = {key: value for key, value in found.items() if value}
        context.close()
    assert findings == {}
    assert page_errors(problems) == [], f"console errors or CSP violations: {problems}"


def test_a_guest_typed_on_a_phone_is_saved_with_the_meal(browser, problems, live_server, member, teammate):
    context = browser.new_context(**SMALL_PHONE, service_workers="block")
    page = context.new_page()
    watch(page, problems)
    sign_in(page, live_server, "member@example.com")
    page.goto(f"{live_server.url}{reverse('expense_create')}")
    page.get_by_label("Total paid").fill("64.00")
    page.get_by_label("Party size").fill("3")
    page.get_by_label(str(teammate)).check()
    page.get_by_label("Guest's name 1").fill("Ann Lee")
    page.get_by_label("Company 1").fill("ACME")
    page.get_by_label("Relationship 1").fill("client")
    page.get_by_role("button", name="Save").first.click()
    page.wait_for_url(f"{live_server.url}/expenses/*/")
    context.close()

    expense = Expense.objects.get(owner=member)
    assert list(expense.attendees.values_list("user_id", "name", "company", "relationship")) == [
        (teammate.pk, str(teammate), "", ""),
        (None, "Ann Lee", "ACME", "client"),
    ]
    assert page_errors(problems) == [], f"console errors or CSP violations: {problems}"
