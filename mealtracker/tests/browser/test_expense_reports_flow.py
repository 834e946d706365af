"""The expense report flow in a browser: the member builds and submits a report, the manager approves some lines
and rejects one with a reason, finance approves the line above the team's limit and pays it in a batch, and the
bundle downloads. The report pages fit a 360 px phone in light and dark mode and pass axe."""

import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.tests.factories import TEST_PASSWORD, FinanceFactory
from expenses.choices import ExpenseStatus
from expenses.models import Expense, ExpenseReport, ReimbursementBatch
from expenses.tests.factories import ExpenseFactory, RestaurantFactory
from mealtracker.tests.browser.conftest import watch
from mealtracker.tests.browser.test_design_system import BROKEN_WORDS, WIDER_THAN_SCREEN

pytestmark = pytest.mark.browser
SMALL_PHONE = {"viewport": {"width": 360, "height": 740}, "has_touch": True, "is_mobile": True}


@pytest.fixture
def meals(member, team_a):
    team_a.second_approval_above = Decimal("100.00")
    team_a.save()
    shapes = [("Le Bernardin", "180.00"), ("Joe's Pizza", "24.00"), ("Blue Bottle Coffee", "9.50")]
    return [
        ExpenseFactory(owner=member, business=True, amount=Decimal(amount), tax=0, tip=0,
                       restaurant=RestaurantFactory(owner=member, name=name))
        for name, amount in shapes
    ]  # fmt: skip


def test_report_from_building_to_payment(page, sign_in, live_server, member, manager, meals):
    finance = FinanceFactory(email="finance@example.com")
    dinner, pizza, coffee = meals

    sign_in(page, member.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}{reverse('report_create')}")
    page.get_by_label("Title").fill("March client meals")
    for meal in meals:
        page.locator(f"input[name=expenses][value='{meal.pk}']").check()
    page.get_by_role("button", name="Create report").click()
    page.get_by_test_id("report-submit").click()
    expect(page.get_by_test_id("report-status")).to_have_text("Submitted")
    report = ExpenseReport.objects.get()

    page.context.clear_cookies()
    sign_in(page, manager.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}{reverse('report_detail', args=[report.pk])}")
    refused = page.locator(f"[data-expense='{coffee.pk}']")
    refused.get_by_test_id("line-reason").fill("Coffee alone is not a client meal")
    refused.get_by_test_id("line-reject").click()
    page.get_by_test_id("report-approve-all").click()
    expect(page.locator(f"[data-expense='{dinner.pk}']").get_by_test_id("line-status")).to_have_text("Awaiting finance")

    page.context.clear_cookies()
    sign_in(page, finance.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}{reverse('report_detail', args=[report.pk])}")
    page.get_by_test_id("report-approve-all").click()
    expect(page.get_by_test_id("report-status")).to_have_text("Partly approved")
    page.goto(f"{live_server.url}{reverse('batch_create')}")
    page.get_by_label("Reference").fill("PAY-2026-03")
    page.get_by_label("Payout date").fill("2026-03-31")
    page.locator(f"input[name=expenses][value='{dinner.pk}']").check()
    page.locator(f"input[name=expenses][value='{pizza.pk}']").check()
    page.get_by_role("button", name="Create batch").click()
    page.get_by_test_id("batch-pay").click()
    expect(page.get_by_test_id("batch-status")).to_have_text("Paid")

    page.goto(f"{live_server.url}{reverse('report_detail', args=[report.pk])}")
    page.get_by_test_id("report-bundle").click()
    with page.expect_download() as download:
        page.get_by_test_id("bundle-zip").click()
    names = zipfile.ZipFile(download.value.path()).namelist()

    assert names[:2] == ["report.pdf", "lines.csv"]
    assert ReimbursementBatch.objects.get().status == "paid"
    statuses = dict(Expense.objects.filter(report=report).values_list("pk", "status"))
    assert statuses == {dinner.pk: ExpenseStatus.REIMBURSED, pizza.pk: ExpenseStatus.REIMBURSED,
                        coffee.pk: ExpenseStatus.REJECTED}  # fmt: skip


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_report_pages_fit_a_small_phone(browser, problems, live_server, member, meals, scheme, screenshot,
                                        accessibility_problems):  # fmt: skip
    report = ExpenseReport.objects.create(owner=member, title="A long report title for the Chicago customer week")
    Expense.objects.filter(pk__in=[m.pk for m in meals]).update(report=report)
    context = browser.new_context(**SMALL_PHONE, color_scheme=scheme, service_workers="block")
    page = context.new_page()
    watch(page, problems)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(member.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")

    findings = {}
    pages = {"reports": reverse("report_list"), "report": reverse("report_detail", args=[report.pk]),
             "report-form": reverse("report_create")}  # fmt: skip
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
