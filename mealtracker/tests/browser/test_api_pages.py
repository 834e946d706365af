"""The API's own pages in a real Chromium: the Swagger UI docs and the browsable API render under the site's
Content-Security-Policy with no console error and no CSP violation (the `page` fixture fails on either)."""

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_api_docs_render_the_operations_without_csp_violations(desktop_page, live_server):
    desktop_page.goto(f"{live_server.url}/api/docs/")

    expect(desktop_page.locator(".swagger-ui .info .title")).to_contain_text("Meal Expense Tracker API")
    expect(desktop_page.locator(".opblock").first).to_be_visible()
    desktop_page.locator(".opblock-summary").first.click()  # an operation opens (Swagger UI's own scripts work)
    expect(desktop_page.locator(".opblock-body").first).to_be_visible()


def test_browsable_api_signs_in_lists_filters_and_orders_without_csp_violations(desktop_page, live_server, member):
    page = desktop_page
    page.goto(f"{live_server.url}/api/auth/login/?next=/api/v1/reports/")  # the browsable API's "Log in" link
    page.get_by_label("Email").fill("Member@Example.com")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/api/v1/reports/")
    expect(page.locator(".response-info")).to_contain_text('"reports"')

    page.goto(f"{live_server.url}/api/v1/expenses/?ordering=-amount")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    page.get_by_role("button", name="Filters").click()
    expect(page.locator("#filtersModal .list-group-item.active")).to_be_visible()  # the chosen ordering, checked
