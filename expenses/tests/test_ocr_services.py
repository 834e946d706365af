import datetime
import shutil
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory
import pytest

from expenses.models import ReceiptReading
from expenses.ocr import Extracted, OcrUnavailable, ReceiptFields
from expenses.services.ocr import receipt_mismatches, receipt_prefill, receipt_read
from expenses.tests.factories import ExpenseFactory, MerchantFactory, ReceiptFactory, RestaurantFactory
from expenses.tests.receipt_images import TillReceipt, image_bytes, render_receipt

pytestmark = pytest.mark.django_db


class FakeBackend:
    name = "fake"

    def __init__(self, fields: ReceiptFields):
        self.fields = fields
        self.calls = []

    def read(self, data: bytes, content_type: str) -> ReceiptFields:
        self.calls.append((data[:8], content_type))
        return self.fields


def reading(**values) -> ReceiptFields:
    confident = {name: Extracted(value, 0.9) for name, value in values.items()}
    return ReceiptFields(raw_text="THE GOLDEN SPOON\nTOTAL 45.78", **confident)


GOLDEN_SPOON = {
    "total": Decimal("45.78"), "subtotal": Decimal("36.50"), "tax": Decimal("2.28"), "tip": Decimal("7.00"),
    "date": datetime.date(2026, 3, 7), "time": datetime.time(19, 42), "merchant_name": "THE GOLDEN SPOON",
    "address": "123 Main Street, Boston, MA 02110", "phone": "(617) 555-0123",
}  # fmt: skip


@pytest.fixture
def receipt(member):
    restaurant = RestaurantFactory(owner=member, name="The Golden Spoon", city="Boston")
    expense = ExpenseFactory(
        owner=member, restaurant=restaurant, amount=Decimal("45.78"), tax=Decimal("2.28"), tip=Decimal("7.00"),
        occurred_at=datetime.datetime(2026, 3, 7, 19, 42, tzinfo=ZoneInfo("UTC")),
    )  # fmt: skip
    photo = image_bytes(render_receipt(TillReceipt()))
    return ReceiptFactory(expense=expense, file=factory.django.FileField(data=photo))


def test_reading_a_receipt_stores_money_date_merchant_and_confidences_on_it(receipt):
    receipt_read(receipt, backend=FakeBackend(reading(**GOLDEN_SPOON)))

    receipt.refresh_from_db()
    assert (receipt.ocr_total, receipt.ocr_tax, receipt.ocr_tip) == (Decimal("45.78"), Decimal("2.28"), Decimal("7.00"))
    assert receipt.ocr_date == datetime.date(2026, 3, 7)
    assert receipt.ocr_merchant_name == "THE GOLDEN SPOON"
    assert receipt.ocr_confidence["total"] == 0.9
    assert receipt.ocr_raw_text.startswith("THE GOLDEN SPOON")


def test_reading_a_receipt_keeps_subtotal_time_address_and_phone_in_its_reading(receipt):
    receipt_read(receipt, backend=FakeBackend(reading(**GOLDEN_SPOON)))

    stored = ReceiptReading.objects.get(receipt=receipt)
    assert stored.backend == "fake"
    assert (stored.subtotal, stored.time) == (Decimal("36.50"), datetime.time(19, 42))
    assert (stored.merchant_address, stored.merchant_phone) == ("123 Main Street, Boston, MA 02110", "(617) 555-0123")
    assert stored.fields["phone"] == {"value": "(617) 555-0123", "confidence": 0.9}


def test_the_backend_gets_the_stored_file_and_its_sniffed_type(receipt):
    backend = FakeBackend(reading(total=Decimal("1.00")))

    receipt_read(receipt, backend=backend)

    assert backend.calls == [(b"\x89PNG\r\n\x1a\n", "image/png")]


def test_reading_again_replaces_the_previous_reading(receipt):
    receipt_read(receipt, backend=FakeBackend(reading(**GOLDEN_SPOON)))
    receipt_read(receipt, backend=FakeBackend(reading(total=Decimal("9.99"))))

    receipt.refresh_from_db()
    assert receipt.ocr_total == Decimal("9.99")
    assert receipt.ocr_tax is None
    assert ReceiptReading.objects.filter(receipt=receipt).count() == 1


def test_with_ocr_turned_off_reading_is_unavailable(receipt, settings):
    settings.OCR_BACKEND = "none"

    with pytest.raises(OcrUnavailable):
        receipt_read(receipt)


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="run scripts/setup-ocr.sh")
def test_the_configured_tesseract_backend_reads_a_stored_receipt(receipt, settings):
    settings.OCR_BACKEND = "tesseract"

    receipt_read(receipt)

    receipt.refresh_from_db()
    assert receipt.ocr_total == Decimal("45.78")
    assert receipt.reading.backend == "tesseract"


def test_a_receipt_that_agrees_with_the_expense_has_no_mismatches(receipt):
    receipt_read(receipt, backend=FakeBackend(reading(**GOLDEN_SPOON)))

    assert receipt_mismatches(receipt, receipt.expense) == []


def test_an_amount_within_a_cent_is_not_a_mismatch(receipt):
    receipt_read(receipt, backend=FakeBackend(reading(total=Decimal("45.79"))))

    assert receipt_mismatches(receipt, receipt.expense) == []


def test_an_amount_off_by_more_than_a_cent_is_a_mismatch_suggesting_the_receipts_total(receipt):
    receipt_read(receipt, backend=FakeBackend(reading(total=Decimal("47.78"))))

    [mismatch] = receipt_mismatches(receipt, receipt.expense)
    assert (mismatch.field, mismatch.suggested, mismatch.entered_value) == (
        "amount",
        Decimal("47.78"),
        Decimal("45.78"),
    )


def test_a_different_date_is_a_mismatch_in_the_owners_timezone(receipt, member):
    member.timezone = "America/Los_Angeles"
    member.save()
    receipt.expense.refresh_from_db()  # 19:42 UTC on 7 March is still 7 March in Los Angeles
    receipt_read(receipt, backend=FakeBackend(reading(date=datetime.date(2026, 3, 6))))

    [mismatch] = receipt_mismatches(receipt, receipt.expense)
    assert (mismatch.field, mismatch.entered_value) == ("date", datetime.date(2026, 3, 7))


def test_a_different_restaurant_name_is_a_mismatch(receipt):
    receipt_read(receipt, backend=FakeBackend(reading(merchant_name="TAQUERIA EL SOL")))

    [mismatch] = receipt_mismatches(receipt, receipt.expense)
    assert mismatch.field == "restaurant"


def test_a_restaurant_name_with_small_ocr_slips_is_not_a_mismatch(receipt):
    receipt_read(receipt, backend=FakeBackend(reading(merchant_name="THE G0LDEN SP00N")))

    assert receipt_mismatches(receipt, receipt.expense) == []


def test_the_merchant_brand_name_on_the_receipt_matches_a_branch_restaurant(receipt):
    restaurant = receipt.expense.restaurant
    restaurant.merchant = MerchantFactory(name="Chipotle Mexican Grill", short_name="Chipotle")
    restaurant.save()
    receipt_read(receipt, backend=FakeBackend(reading(merchant_name="CHIPOTLE MEXICAN GRILL #1234")))

    assert receipt_mismatches(receipt, receipt.expense) == []


def test_prefill_suggests_amount_tax_tip_date_and_time_in_the_owners_timezone(receipt, member):
    member.timezone = "Europe/Paris"
    member.save()
    receipt_read(receipt, backend=FakeBackend(reading(**GOLDEN_SPOON)))

    suggested = receipt_prefill(receipt)

    assert (suggested["amount"], suggested["tax"], suggested["tip"]) == (
        Decimal("45.78"),
        Decimal("2.28"),
        Decimal("7.00"),
    )
    assert suggested["occurred_at"] == datetime.datetime(2026, 3, 7, 19, 42, tzinfo=ZoneInfo("Europe/Paris"))


def test_prefill_finds_the_owners_restaurant_by_the_name_on_the_receipt(receipt):
    receipt_read(receipt, backend=FakeBackend(reading(**GOLDEN_SPOON)))

    assert receipt_prefill(receipt)["restaurant"] == receipt.expense.restaurant


def test_prefill_never_suggests_another_users_restaurant(receipt, outsider):
    receipt.expense.restaurant.delete()
    RestaurantFactory(owner=outsider, name="The Golden Spoon")
    receipt_read(receipt, backend=FakeBackend(reading(**GOLDEN_SPOON)))

    suggested = receipt_prefill(receipt)

    assert "restaurant" not in suggested
    assert suggested["restaurant_name"] == "THE GOLDEN SPOON"


def test_prefill_leaves_out_fields_read_with_low_confidence(receipt, settings):
    settings.OCR_PREFILL_MIN_CONFIDENCE = 0.5
    unsure = ReceiptFields(total=Extracted(Decimal("45.78"), 0.3), tax=Extracted(Decimal("2.28"), 0.8))
    receipt_read(receipt, backend=FakeBackend(unsure))

    suggested = receipt_prefill(receipt)

    assert "amount" not in suggested
    assert suggested["tax"] == Decimal("2.28")
    assert suggested["confidence"] == {"total": 0.3, "tax": 0.8}
