"""Live updates in a browser for money between colleagues and for imports: the open page changes without a reload."""

from decimal import Decimal

from django.urls import reverse
from playwright.sync_api import expect

from expenses.services.splits import expense_split
from expenses.tests.split_factories import dinner_with
from mealtracker.tests.browser import test_live_updates
from mealtracker.tests.browser.test_live_updates import signed_in
from reports.services.imports import import_batch_create
from reports.tests.test_import_apply_bulk import HEADER, line

asgi_server = test_live_updates.asgi_server  # the ASGI app served by uvicorn in a thread


def test_a_settlement_recorded_by_one_colleague_updates_the_others_open_balances_page(
    browser,
    problems,
    asgi_server,
    member,
    teammate,
):
    dinner = dinner_with(member, teammate, amount="90.00", tax="0", tip="0")
    expense_split(expense=dinner, actor=member, method="even")
    debtor = signed_in(browser, problems, asgi_server, teammate.email)
    debtor.goto(f"{asgi_server}{reverse('balances')}")
    expect(debtor.get_by_test_id("balances")).to_contain_text("you owe")
    expect(debtor.locator("html")).to_have_attribute("data-live", "open")
    debtor.evaluate("window.__samePage = true")

    payee = signed_in(browser, problems, asgi_server, member.email)
    payee.goto(f"{asgi_server}{reverse('balance_with', args=[teammate.pk])}")
    payee.get_by_label("They paid me").check()
    payee.get_by_label("Amount").fill(str(Decimal("45.00")))
    payee.get_by_role("button", name="Record settlement").click()
    expect(payee.get_by_test_id("settlements")).to_contain_text("paid you")

    expect(debtor.get_by_test_id("balances")).to_contain_text("settled up", timeout=5000)
    assert debtor.evaluate("window.__samePage") is True, "the balance changed without a reload"
    assert problems == [], f"console errors or CSP violations: {problems}"


def test_applying_an_import_updates_its_review_page_open_in_another_tab(
    browser,
    problems,
    asgi_server,
    member,
):
    payload = "\n".join([HEADER, line(0), line(1)]).encode()
    batch = import_batch_create(owner=member, filename="meals.csv", payload=payload)
    review = reverse("import_review", args=[batch.pk])
    watching = signed_in(browser, problems, asgi_server, member.email)
    watching.goto(f"{asgi_server}{review}")
    expect(watching.locator("html")).to_have_attribute("data-live", "open")
    expect(watching.get_by_test_id("import-summary")).to_contain_text("Import 2 rows")
    watching.evaluate("window.__samePage = true")

    applying = watching.context.new_page()
    applying.goto(f"{asgi_server}{review}")
    applying.get_by_role("button", name="Import 2 rows").click()
    expect(applying.get_by_text("Imported 2 expenses")).to_be_visible()

    expect(watching.get_by_test_id("import-summary")).to_contain_text("Applied", timeout=5000)
    expect(watching.get_by_test_id("import-progress")).to_be_hidden()
    assert watching.evaluate("window.__samePage") is True, "the import's page changed without a reload"
    assert problems == [], f"console errors or CSP violations: {problems}"
