"""End-to-end stories in a real Chromium: phone-sized logging with a receipt, approvals, privacy, every page."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files import File
from django.utils import timezone
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from accounts.tests.factories import TEST_PASSWORD, UserFactory
from expenses.choices import ExpenseStatus
from expenses.models import Expense
from expenses.tests.factories import CategoryFactory, ExpenseFactory, ReceiptFactory, RestaurantFactory, TagFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def receipt_png(tmp_path):
    path = tmp_path / "receipt.png"
    image = Image.new("RGB", (240, 360), "white")
    ImageDraw.Draw(image).text(
        (20, 20), "HARBOUR NOODLES\n\nDumplings  24.00\nNoodles   14.40\n\nTOTAL     38.40", fill="black"
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return path


def test_member_logs_a_meal_with_a_receipt_on_a_phone_finds_edits_and_charts_it(
    page, live_server, sign_in, member, receipt_png, screenshot
):
    noodles = RestaurantFactory(owner=member, name="Harbour Noodles", city="Boston")
    RestaurantFactory(owner=member, name="Corner Bakery", city="Boston")
    client_meals = CategoryFactory(owner=member, name="Client meals")
    long_ago = timezone.now() - datetime.timedelta(days=400)  # outside the dashboard's 12 months
    ExpenseFactory(owner=member, restaurant=noodles, category=client_meals, occurred_at=long_ago)
    sign_in(page, "Member@Example.com", TEST_PASSWORD)

    page.get_by_role("link", name="Add meal").click()
    page.wait_for_load_state()  # htmx listens from DOMContentLoaded: a search typed earlier asks for nothing
    page.get_by_label("Total paid").fill("38.40")
    page.get_by_label("Find a restaurant").fill("harbour")
    expect(page.locator("#id_restaurant option")).to_have_count(2)  # "none" plus the one match
    page.get_by_label("Restaurant", exact=True).select_option(label="Harbour Noodles (Boston)")
    expect(page.get_by_label("Category")).to_have_value(str(client_meals.pk))  # the one used there before
    page.get_by_label("Party size").fill("2")
    expect(page.locator("[data-per-person]")).to_have_text("$19.20 per person")
    page.get_by_label("Tags").fill("client, team")
    page.get_by_label("Notes").fill("Dumplings with the Acme team")
    page.get_by_label("Receipt photo or PDF").set_input_files(str(receipt_png))
    expect(page.locator("img[data-receipt-preview]")).to_be_visible()
    screenshot(page, "phone-add-expense")
    page.get_by_role("button", name="Save meal").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Harbour Noodles")
    expect(page.locator("img.receipt-preview").first).to_be_visible()
    expense = Expense.objects.filter(owner=member).latest("created_at")
    assert (expense.amount, expense.category, expense.receipts.count()) == (Decimal("38.40"), client_meals, 1)

    page.get_by_role("link", name="Expenses", exact=True).click()
    page.get_by_label("Search").fill("dumplings")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_test_id("totals")).to_contain_text("1 expense match")
    screenshot(page, "phone-expense-search")
    page.locator("#expense-rows .meal-title a").first.click()

    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Total paid").fill("41.00")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("$41.00")

    page.get_by_role("link", name="Home").click()
    chart_values = page.locator("#spend-chart").evaluate("canvas => canvas.chart.data.datasets[0].data")
    assert chart_values[-1] == 41.0
    expect(page.get_by_test_id("month-total")).to_have_text("$41.00")
    screenshot(page, "phone-dashboard")


def test_manager_approves_a_members_submitted_expense(page, sign_in, manager, member, receipt_png, screenshot):
    expense = ExpenseFactory(
        owner=member, business=True, status=ExpenseStatus.SUBMITTED, business_purpose="Pitch to Acme Corp"
    )
    ReceiptFactory(expense=expense, file=File(receipt_png.open("rb"), name="receipt.png"))
    sign_in(page, "manager@example.com", TEST_PASSWORD)

    page.get_by_role("button", name="More").click()
    page.get_by_role("link", name="Approvals").click()
    card = page.locator("article.approval").filter(has_text="Pitch to Acme Corp")
    expect(card).to_be_visible()
    screenshot(page, "phone-approvals")
    card.get_by_role("button", name="Approve").click()

    expect(page.locator("article.approval")).to_contain_text("Approved.")
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.APPROVED


def test_a_long_approval_queue_loads_more_cards_and_selects_all_shown(page, sign_in, manager, member, screenshot):
    base = timezone.now() - datetime.timedelta(days=30)
    for n in range(30):
        ExpenseFactory(owner=member, business=True, status=ExpenseStatus.SUBMITTED,
                       occurred_at=base + datetime.timedelta(hours=n), business_purpose=f"Meal {n + 1}")  # fmt: skip
    sign_in(page, "manager@example.com", TEST_PASSWORD)

    page.goto(page.url.rstrip("/") + "/team/approvals/")
    expect(page.get_by_test_id("queue-count")).to_have_text("30")
    expect(page.locator("article.approval")).to_have_count(25)
    page.get_by_role("link", name="Load more").click()
    expect(page.locator("article.approval")).to_have_count(30)
    expect(page.get_by_role("link", name="Load more")).to_have_count(0)
    expect(page.locator("article.approval").last).to_contain_text("Meal 30")
    screenshot(page, "phone-approvals-load-more", full_page=False)
    page.get_by_label("Select all shown").check()
    expect(page.locator("[data-selected-count]")).to_have_text("30 selected")
    page.get_by_role("button", name="Approve selected").click()

    expect(page.get_by_text("Approved 30 meals.")).to_be_visible()
    assert Expense.objects.filter(owner=member, status=ExpenseStatus.APPROVED).count() == 30


def test_rejecting_needs_a_comment_and_keeps_the_card(page, sign_in, manager, member):
    expense = ExpenseFactory(owner=member, business=True, status=ExpenseStatus.SUBMITTED)
    sign_in(page, "manager@example.com", TEST_PASSWORD)

    page.get_by_role("button", name="More").click()
    page.get_by_role("link", name="Approvals").click()
    # Until htmx has loaded, Reject posts the whole page, which answers with the message as a status, not an alert.
    page.wait_for_url("**/team/approvals/")  # waits for the page's load event, after its deferred scripts
    page.get_by_role("button", name="Reject").click()

    expect(page.get_by_role("alert")).to_have_text("Say why the expense is rejected.")
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.SUBMITTED


def test_member_cannot_open_another_members_expense(page, live_server, sign_in, member, teammate, problems):
    secret = ExpenseFactory(owner=teammate, notes="Teammate's private dinner")
    sign_in(page, "member@example.com", TEST_PASSWORD)

    response = page.goto(f"{live_server.url}/expenses/{secret.pk}/")
    problems.remove(f"404 {live_server.url}/expenses/{secret.pk}/")  # the refusal this test expects

    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.locator("body")).not_to_contain_text("private dinner")


def test_every_main_page_renders_without_console_errors_csp_or_accessibility_violations(
    desktop_page, live_server, sign_in, screenshot, accessibility_problems
):
    manager = UserFactory(email="boss@example.com", role="manager")
    restaurant = RestaurantFactory(owner=manager, name="Desk Lunch Deli")
    for days in range(0, 120, 9):
        ExpenseFactory(
            owner=manager,
            restaurant=restaurant,
            occurred_at=timezone.now() - datetime.timedelta(days=days),
            amount=Decimal("20.00") + days,
        )
    page = desktop_page
    sign_in(page, "boss@example.com", TEST_PASSWORD)
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    pages = {
        "dashboard": "/",
        "expenses": "/expenses/",
        "calendar": "/expenses/calendar/",
        "add-expense": "/expenses/new/",
        "restaurants": "/restaurants/",
        "restaurant-detail": f"/restaurants/{restaurant.pk}/",
        "categories": "/categories/",
        "profile": "/accounts/profile/",
        "approvals": "/team/approvals/",
        "team-expenses": "/team/expenses/",
        "offline": "/offline/",
    }
    findings = {}
    for name, path in pages.items():
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        screenshot(page, f"desktop-{name}")
        if violations := accessibility_problems(page):
            findings[path] = violations
    assert findings == {}


def test_a_failed_save_keeps_the_input_and_points_at_the_error(
    page, live_server, sign_in, member, screenshot, accessibility_problems, problems
):
    sign_in(page, "member@example.com", TEST_PASSWORD)

    page.get_by_role("link", name="Add meal").click()
    page.get_by_label("Total paid").fill("5.00")
    page.get_by_label("Tip").fill("9.00")
    page.get_by_label("Notes").fill("Keep me")
    page.get_by_role("button", name="Save meal").click()

    amount = page.get_by_label("Total paid")
    expect(amount).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_amount_error")).to_contain_text("cannot be smaller")
    expect(page.get_by_label("Notes")).to_have_value("Keep me")
    screenshot(page, "phone-form-error")
    assert accessibility_problems(page) == []
    problems.remove(f"400 {live_server.url}/expenses/new/")  # the refused save this test makes


def test_main_pages_fit_a_360_pixel_wide_phone_without_sideways_scrolling(page, live_server, sign_in, member):
    restaurant = RestaurantFactory(owner=member, name="A Restaurant With A Rather Long Name Indeed", city="Boston")
    category = CategoryFactory(owner=member, name="Client entertainment and business development dinners abroad")
    tag = TagFactory(owner=member, name="quarterly-business-review-with-the-northeast-team"[:50])
    expense = ExpenseFactory(owner=member, restaurant=restaurant, category=category, notes="x" * 200)
    expense.tags.add(tag)
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, "member@example.com", TEST_PASSWORD)

    too_wide = {}
    for path in [
        "/",
        "/expenses/",
        f"/expenses/?tag={tag.name}",
        "/expenses/calendar/",
        "/expenses/new/",
        f"/expenses/{expense.pk}/",
        "/restaurants/",
        f"/restaurants/{restaurant.pk}/",
        "/categories/",
        "/budgets/",
        "/imports/",
        "/reports/",
        "/accounts/profile/",
    ]:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > 360:
            too_wide[path] = width
    assert too_wide == {}


def test_load_more_appends_the_next_page_in_place(page, live_server, sign_in, member):
    ExpenseFactory.create_batch(30, owner=member)
    sign_in(page, "member@example.com", TEST_PASSWORD)

    page.goto(f"{live_server.url}/expenses/")
    rows = page.locator("#expense-rows [data-expense-row]")
    expect(rows).to_have_count(25)
    page.get_by_role("link", name="Load more").click()

    expect(rows).to_have_count(30)
    expect(page.get_by_role("link", name="Load more")).to_have_count(0)
    assert page.url == f"{live_server.url}/expenses/"
