"""A receipt photo rendered by the test pre-fills the add-meal form on a phone (real Tesseract, real Chromium)."""

import datetime
import shutil
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.tests.factories import TEST_PASSWORD
from expenses.models import Expense
from expenses.tests.factories import RestaurantFactory
from expenses.tests.receipt_images import TillReceipt, image_bytes, photographed, render_receipt

pytestmark = pytest.mark.browser


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


def test_a_receipt_photo_prefills_amount_date_and_restaurant_on_a_phone(
    page, live_server, sign_in, member, tesseract, receipt_photo, screenshot, accessibility_problems
):
    spoon = RestaurantFactory(owner=member, name="The Golden Spoon", city="Boston")
    RestaurantFactory(owner=member, name="Blue Harbor Cafe", city="Portland")
    sign_in(page, "member@example.com", TEST_PASSWORD)

    page.goto(f"{live_server.url}{reverse('expense_create')}")
    page.get_by_label("Receipt photo or PDF").set_input_files(str(receipt_photo))

    expect(page.locator("[data-receipt-prefill-status]")).to_contain_text("Filled in from the receipt", timeout=60_000)
    expect(page.get_by_label("Total paid")).to_have_value("45.78")
    expect(page.get_by_label("Date and time")).to_have_value("2026-03-07T19:42")
    expect(page.get_by_label("Restaurant", exact=True)).to_have_value(str(spoon.pk))
    screenshot(page, "phone-receipt-prefill")
    assert accessibility_problems(page) == []
    page.get_by_role("button", name="Save meal").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("The Golden Spoon")
    expense = Expense.objects.get(owner=member)
    assert (expense.amount, expense.restaurant) == (Decimal("45.78"), spoon)
    assert expense.local_occurred_at().date() == datetime.date(2026, 3, 7)
    receipt = expense.receipts.get()
    assert receipt.ocr_total == Decimal("45.78")  # the reading made for the form was kept, not redone
    expect(page.locator("[data-mismatch]")).to_have_count(0)
