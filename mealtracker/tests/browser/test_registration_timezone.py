"""Registration takes the timezone from the browser; the calendar then marks that timezone's today."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import User
from mealtracker.tests.browser.conftest import PHONE, watch

pytestmark = pytest.mark.browser


def test_a_new_account_gets_the_browsers_timezone(browser, live_server, problems, transactional_db):
    context = browser.new_context(viewport=PHONE, timezone_id="Asia/Tokyo", service_workers="block")
    page = context.new_page()
    watch(page, problems)

    page.goto(f"{live_server.url}{reverse('register')}")
    expect(page.get_by_label("Timezone")).to_have_value("Asia/Tokyo")
    page.get_by_label("Email").fill("new.person@example.com")
    page.locator("input[name=password]").fill("A-long-enough-passphrase-7")
    page.get_by_label("Password again").fill("A-long-enough-passphrase-7")
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert User.objects.get(email="new.person@example.com").timezone == "Asia/Tokyo"
    context.close()
    assert problems == []
