"""The pages that bring users over from the original app, in a real Chromium on a 360 px phone, light and dark:
profile (avatar initials, browser timezone), the restaurant list's sorts and brand counts, the restaurant import's
upload and review, the merchant catalogue's files and the expense list's selection export. Each fits the screen,
passes axe without a serious or critical finding and logs no error; screenshots land in test-artifacts/."""

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import TEST_PASSWORD
from expenses.tests.factories import ExpenseFactory, MerchantFactory, RestaurantFactory
from mealtracker.tests.browser.conftest import watch
from mealtracker.tests.browser.test_design_system import WIDER_THAN_SCREEN
from reports.services.restaurant_imports import restaurant_import_batch_create

pytestmark = pytest.mark.browser
PHONE_360 = {"viewport": {"width": 360, "height": 740}, "has_touch": True, "is_mobile": True}
ROWS = (
    b"name,location_name,address_line_1,city,country,latitude,rating,merchant\n"
    b"Joe's Pizza,Carmine St,7 Carmine St,New York,United States,40.73,4.5,Nobody Inc\n"
    b"The Extraordinarily Long Named Neighbourhood Bistro,,1 Long Road,Springfield,US,,3,\n"
    b",,,,,,9,\n"
)


@pytest.fixture
def admin_with_data(site_admin):
    chain = MerchantFactory(name="Chipotle", is_chain=True)
    for number in range(3):
        restaurant = RestaurantFactory(owner=site_admin, name=f"Chipotle {number}", merchant=chain if number else None)
        ExpenseFactory(owner=site_admin, restaurant=restaurant)
    restaurant_import_batch_create(owner=site_admin, filename="flask-restaurants.csv", payload=ROWS)
    return site_admin


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_new_pages_fit_a_360_px_phone_and_pass_axe(
    browser, problems, live_server, admin_with_data, scheme, screenshot, accessibility_problems
):
    context = browser.new_context(**PHONE_360, color_scheme=scheme, service_workers="block", timezone_id="Asia/Tokyo")
    page = context.new_page()
    watch(page, problems)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(admin_with_data.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    batch = admin_with_data.import_batches.get()
    pages = {
        "profile": "/accounts/profile/",
        "restaurants-by-spend": "/restaurants/?sort=total",
        "restaurant-import": "/restaurants/import/",
        "restaurant-import-review": f"/restaurants/import/{batch.pk}/",
        "merchant-files": "/merchants/files/",
        "expenses-selection": "/expenses/",
    }

    findings = {}
    for name, path in pages.items():
        assert page.goto(f"{live_server.url}{path}").status == 200, path
        page.wait_for_load_state("networkidle")
        screenshot(page, f"phone360-{scheme}-{name}", full_page=False)
        found = {"too wide": page.evaluate(WIDER_THAN_SCREEN), "axe": accessibility_problems(page)}
        if any(found.values()):
            findings[path] = {key: value for key, value in found.items() if value}
    context.close()

    assert findings == {}
    assert problems == [], f"console errors or CSP violations: {problems}"


def test_the_profile_offers_the_browsers_timezone_and_the_list_exports_ticked_meals(
    browser, problems, live_server, admin_with_data
):
    context = browser.new_context(**PHONE_360, service_workers="block", timezone_id="Asia/Tokyo")
    page = context.new_page()
    watch(page, problems)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(admin_with_data.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/accounts/profile/")
    expect(page.locator("[data-browser-timezone]")).to_contain_text("Asia/Tokyo")
    page.get_by_role("button", name="Use it").click()
    expect(page.locator("select[name=timezone]")).to_have_value("Asia/Tokyo")
    assert page.locator(".avatar-initials").is_visible()

    page.goto(f"{live_server.url}/expenses/")
    csv_button = page.locator("[data-export-selection] button").first
    expect(csv_button).to_be_hidden()  # the bar appears with the first ticked meal
    page.locator("input[name=ids]").first.check()
    expect(page.locator("[data-selected-count]")).to_have_text("Export 1 selected as:")
    with page.expect_download() as download:
        csv_button.click()
    lines = open(download.value.path(), encoding="utf-8-sig").read().strip().splitlines()  # noqa: SIM115
    context.close()

    assert len(lines) == 2  # the header and the one ticked meal
    assert problems == [], f"console errors or CSP violations: {problems}"
