"""The design system in a real Chromium, on a 390x844 phone and a 1366x900 desktop, light and dark: every main page
fits the screen, breaks no word, passes axe without a serious or critical finding and logs no error; the phone's
expense list shows at least eight meals in its first screen. Screenshots of each page land in test-artifacts/."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import TEST_PASSWORD
from expenses.choices import ExpenseStatus
from expenses.tests.factories import CategoryFactory, ExpenseFactory, RestaurantFactory, TagFactory
from mealtracker.tests.browser.conftest import watch

pytestmark = pytest.mark.browser

SCREENS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True},
    "desktop": {"viewport": {"width": 1366, "height": 900}},
}
MAIN_PAGES = {
    "dashboard": "/",
    "expenses": "/expenses/",
    "add-expense": "/expenses/new/",
    "reports": "/reports/",
    "approvals": "/team/approvals/",
    "restaurants": "/restaurants/",
    "categories": "/categories/",
    "budgets": "/budgets/",
    "imports": "/imports/",
    "profile": "/accounts/profile/",
}

# Words whose letters the browser laid out on two lines: a word broken inside itself ("Submitte / d").
BROKEN_WORDS = """() => {
  const broken = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest("script, style, [hidden], .visually-hidden, canvas")) continue;
    for (const match of node.textContent.matchAll(/\\S{2,}/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const tops = [...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top));
      if (tops.length > 1 && Math.max(...tops) - Math.min(...tops) > 4) broken.push(match[0]);
    }
  }
  return broken;
}"""
WIDER_THAN_SCREEN = """() => [...document.querySelectorAll("body *")]
  .filter(el => { const r = el.getBoundingClientRect(); return r.width > 0 && (r.right > innerWidth + 1 || r.left < -1)
    && !el.closest(".offcanvas, .dropdown-menu, .table-responsive, .heatmap-scroll, .overflow-auto, .text-truncate")
    && !el.closest(".visually-hidden"); })
  .map(el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + "." + [...el.classList].join("."))
  .slice(0, 5)"""


@pytest.fixture
def demo_manager(manager, member):
    """A manager with a few months of tagged meals (a very long restaurant name, category and tag among them) and a
    teammate's meal to approve."""
    long_name = RestaurantFactory(owner=manager, name="The Extraordinarily Long Named Neighbourhood Bistro")
    deli = RestaurantFactory(owner=manager, name="Desk Lunch Deli")
    client = TagFactory(owner=manager, name="client")
    long_tag = TagFactory(owner=manager, name="quarterly-review-with-the-northeast-sales-team")
    long_category = CategoryFactory(owner=manager, name="Client entertainment and business development dinners")
    for days in range(0, 90, 3):
        expense = ExpenseFactory(
            owner=manager,
            restaurant=long_name if days % 2 else deli,
            occurred_at=timezone.now() - datetime.timedelta(days=days),
            amount=Decimal("20.00") + days,
        )
        if days % 4 == 0:
            expense.tags.add(client)
        if days % 9 == 0:
            expense.tags.add(long_tag)
            expense.category = long_category
            expense.save(update_fields=["category"])
    ExpenseFactory(owner=member, business=True, status=ExpenseStatus.SUBMITTED, business_purpose="Pitch to Acme")
    return manager


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_main_pages_fit_read_whole_words_and_pass_axe(
    browser, problems, live_server, demo_manager, screen, scheme, screenshot, accessibility_problems
):
    context = browser.new_context(**SCREENS[screen], color_scheme=scheme, service_workers="block")
    page = context.new_page()
    watch(page, problems)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill("manager@example.com")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("data-bs-theme", scheme)

    findings = {}
    for name, path in MAIN_PAGES.items():
        assert page.goto(f"{live_server.url}{path}").status == 200, path
        page.wait_for_load_state("networkidle")
        screenshot(page, f"{screen}-{scheme}-{name}", full_page=False)  # the first screen, as a person sees it
        page_findings = {
            "too wide": page.evaluate(WIDER_THAN_SCREEN),
            "broken words": page.evaluate(BROKEN_WORDS),
            "axe": accessibility_problems(page),
        }
        if any(page_findings.values()):
            findings[path] = {key: value for key, value in page_findings.items() if value}
    context.close()

    assert findings == {}
    assert problems == [], f"console errors or CSP violations: {problems}"


def test_the_phone_expense_list_shows_eight_meals_in_its_first_screen(browser, problems, live_server, demo_manager):
    context = browser.new_context(**SCREENS["phone"], service_workers="block")
    page = context.new_page()
    watch(page, problems)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill("manager@example.com")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")

    page.get_by_role("link", name="Expenses", exact=True).click()
    tab_bar_top = page.locator("nav.tabbar").bounding_box()["y"]
    rows = page.locator("#expense-rows [data-expense-row]")
    visible = [
        box
        for box in (rows.nth(i).bounding_box() for i in range(rows.count()))
        if box["y"] + box["height"] <= tab_bar_top
    ]

    assert len(visible) >= 8
    page.get_by_label("Search").fill("deli")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("details.filters")).not_to_have_attribute("open", "")
    assert rows.first.bounding_box()["y"] < 400  # the results start near the top, under the search bar
    page.locator("#expense-rows .tag-link").first.click()
    expect(page.get_by_test_id("totals")).to_contain_text("match")
    assert "tag=client" in page.url
    context.close()
    assert problems == [], f"console errors or CSP violations: {problems}"


def test_the_colour_mode_switch_is_remembered(browser, problems, live_server, demo_manager):
    context = browser.new_context(**SCREENS["desktop"], color_scheme="light", service_workers="block")
    page = context.new_page()
    watch(page, problems)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill("manager@example.com")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")

    page.get_by_role("button", name="Account").click()
    page.get_by_role("button", name="Dark").click()
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    page.goto(f"{live_server.url}/expenses/")
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    expect(page.get_by_test_id("approvals-count")).to_contain_text("1")
    context.close()
    assert problems == [], f"console errors or CSP violations: {problems}"
