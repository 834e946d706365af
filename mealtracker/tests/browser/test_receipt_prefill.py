"""Add meal starts with the receipt: a photo rendered by the test (real Tesseract, real Chromium) fills in the form,
marks what it filled, and the restaurant it names is created inline without losing the form; on a phone and a
desktop."""

import datetime
import re
import shutil
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.tests.factories import TEST_PASSWORD
from expenses.models import Expense, Restaurant
from expenses.tests.factories import RestaurantFactory
from expenses.tests.receipt_images import TillReceipt, image_bytes, photographed, render_receipt
from mealtracker.tests.browser.screens import screen_page  # noqa: F401 - the `screen` fixture: phone, desktop

pytestmark = pytest.mark.browser
READ_TIMEOUT = 60_000  # Tesseract on a busy two-core machine


@pytest.fixture
def tesseract(settings):
    if shutil.which(settings.OCR_TESSERACT_CMD) is None:
        pytest.skip(
            f"RECEIPT PRE-FILL BROWSER TEST SKIPPED: {settings.OCR_TESSERACT_CMD} is missing; run scripts/setup-ocr.sh"
        )
    settings.OCR_BACKEND = "tesseract"


@pytest.fixture
def receipt_photo(tmp_path):
    """A till receipt from The Golden Spoon, slightly tilted and grainy like a phone photo."""
    path = tmp_path / "golden-spoon.jpg"
    path.write_bytes(image_bytes(photographed(render_receipt(TillReceipt()), seed=7, angle=1.5), "JPEG", quality=80))
    return path


def choose_photo(page, photo) -> None:
    """A phone takes it with the camera button (capture="environment"); a desktop chooses the file."""
    if page.name == "phone":
        with page.expect_file_chooser() as chooser:
            page.get_by_role("button", name="Take a photo").click()
        assert chooser.value.element.get_attribute("capture") == "environment"
        chooser.value.set_files(str(photo))
    else:
        expect(page.get_by_role("button", name="Take a photo")).to_be_hidden()
        page.get_by_label("Receipt photo or PDF").set_input_files(str(photo))


def test_a_receipt_photo_fills_the_form_and_its_restaurant_is_added_without_leaving_it(
    screen,
    live_server,
    sign_in,
    member,
    tesseract,
    receipt_photo,
    screenshot,
    accessibility_problems,
):
    page = screen
    RestaurantFactory(owner=member, name="Blue Harbor Cafe", city="Portland")
    sign_in(page, "member@example.com", TEST_PASSWORD)

    page.goto(f"{live_server.url}{reverse('expense_create')}")
    expect(page.get_by_role("heading", name="Start with the receipt")).to_be_in_viewport()
    page.get_by_label("Notes").fill("Dinner with the Acme team")  # typed first: must survive all that follows
    choose_photo(page, receipt_photo)

    status = page.locator("[data-receipt-prefill-status]")
    expect(status).to_contain_text("Filled in from the receipt: total, date", timeout=READ_TIMEOUT)
    amount = page.get_by_label("Total paid")
    expect(amount).to_have_value("45.78")
    expect(amount).to_have_class(re.compile(r"\bbg-info-subtle\b"))  # marked as filled in
    expect(amount).to_be_in_viewport()  # scrolled to what was filled in
    expect(page.get_by_label("Date and time")).to_have_value("2026-03-07T19:42")
    expect(page.get_by_label("Tax")).to_have_value("2.28")
    expect(page.locator("label [data-prefilled-badge]")).to_have_count(4)  # total, date, tax, tip
    offer = page.locator("[data-restaurant-offer]")
    expect(offer).to_contain_text("THE GOLDEN SPOON")
    screenshot(page, f"{page.name}-receipt-prefill")
    assert accessibility_problems(page) == []

    offer.get_by_role("button", name="Add it as a new restaurant").click()
    dialog = page.get_by_role("dialog", name="New restaurant")
    expect(dialog.get_by_label("Name")).to_have_value("The Golden Spoon")
    expect(dialog.get_by_label("City")).to_have_value("Boston")
    expect(dialog.get_by_label("Address", exact=True)).to_have_value("123 Main Street")
    screenshot(page, f"{page.name}-receipt-new-restaurant")
    assert accessibility_problems(page) == []
    dialog.get_by_role("button", name="Add restaurant").click()

    expect(dialog).to_be_hidden()
    spoon = Restaurant.objects.get(owner=member, name="The Golden Spoon")
    expect(page.locator("select[name=restaurant]")).to_have_value(str(spoon.pk))
    expect(status).to_contain_text("The Golden Spoon (Boston) was added")
    expect(offer).to_be_hidden()
    expect(page.get_by_label("Notes")).to_have_value("Dinner with the Acme team")  # the form was kept
    expect(amount).to_have_value("45.78")
    page.get_by_role("button", name="Save meal").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("The Golden Spoon")
    expense = Expense.objects.get(owner=member)
    assert (expense.amount, expense.restaurant, expense.notes) == (Decimal("45.78"), spoon, "Dinner with the Acme team")
    assert expense.local_occurred_at().date() == datetime.date(2026, 3, 7)
    assert expense.receipts.get().ocr_total == Decimal("45.78")  # the reading made for the form was kept
    expect(page.locator("[data-mismatch]")).to_have_count(0)


def test_a_receipt_from_a_known_restaurant_chooses_it(page, live_server, sign_in, member, tesseract, receipt_photo):
    spoon = RestaurantFactory(owner=member, name="The Golden Spoon", city="Boston")
    sign_in(page, "member@example.com", TEST_PASSWORD)

    page.goto(f"{live_server.url}{reverse('expense_create')}")
    page.get_by_label("Receipt photo or PDF").set_input_files(str(receipt_photo))

    expect(page.locator("[data-receipt-prefill-status]")).to_contain_text("restaurant", timeout=READ_TIMEOUT)
    expect(page.locator("select[name=restaurant]")).to_have_value(str(spoon.pk))
    expect(page.locator("[data-restaurant-offer]")).to_be_hidden()
