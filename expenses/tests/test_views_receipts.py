"""Receipt pages: permission-checked download (presigned on S3), pre-fill on the add-meal form, mismatches."""

import datetime
from decimal import Decimal
from http import HTTPStatus
from zoneinfo import ZoneInfo

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from expenses import ocr
from expenses.models import Expense, Receipt
from expenses.ocr import Extracted, ReceiptFields
from expenses.services import ocr as ocr_services
from expenses.services.receipts import receipt_attach
from expenses.tests.factories import ExpenseFactory, RestaurantFactory
from expenses.tests.test_receipts_storage import BUCKET, photo, s3  # noqa: F401 - the moto S3 fixture

pytestmark = pytest.mark.django_db

GOLDEN_SPOON = {
    "total": Decimal("45.78"), "tax": Decimal("2.28"), "tip": Decimal("7.00"), "date": datetime.date(2026, 3, 7),
    "time": datetime.time(19, 42), "merchant_name": "THE GOLDEN SPOON",
}  # fmt: skip


class FakeBackend:
    name = "fake"

    def __init__(self, values: dict, confidence: float = 0.9):
        self.fields = ReceiptFields(raw_text="", **{k: Extracted(v, confidence) for k, v in values.items()})
        self.calls = 0

    def read(self, data: bytes, content_type: str) -> ReceiptFields:
        self.calls += 1
        return self.fields


@pytest.fixture
def fake_ocr(settings, monkeypatch):
    settings.OCR_BACKEND = "tesseract"  # "on"; the engine itself is replaced below
    backend = FakeBackend(GOLDEN_SPOON)
    monkeypatch.setattr(ocr, "get_backend", lambda name=None: backend)
    monkeypatch.setattr(ocr_services, "get_backend", lambda name=None: backend)
    return backend


def attached(owner, **expense_fields):
    expense = ExpenseFactory(owner=owner, **expense_fields)
    return receipt_attach(expense=expense, file=SimpleUploadedFile("lunch.jpg", photo()), actor=owner)


def test_the_owner_gets_the_receipt_streamed_from_local_storage(member, web_client_for):
    receipt = attached(member)

    response = web_client_for(member).get(reverse("receipt_file", args=[receipt.expense_id, receipt.pk]))

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, max-age=3600"


def test_the_thumbnail_is_served_on_request(member, web_client_for):
    receipt = attached(member)
    url = reverse("receipt_file", args=[receipt.expense_id, receipt.pk]) + "?thumbnail=1"

    response = web_client_for(member).get(url)

    with receipt.thumbnail.open("rb") as handle:
        assert b"".join(response.streaming_content) == handle.read()


def test_someone_else_gets_a_404_for_the_receipt(member, outsider, web_client_for):
    receipt = attached(member)

    response = web_client_for(outsider).get(reverse("receipt_file", args=[receipt.expense_id, receipt.pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND


@pytest.mark.django_db(transaction=True)
def test_on_s3_the_owner_is_redirected_to_a_presigned_url(member, web_client_for, s3):  # noqa: F811
    receipt = attached(member)

    response = web_client_for(member).get(reverse("receipt_file", args=[receipt.expense_id, receipt.pk]))

    assert response.status_code == HTTPStatus.FOUND
    assert BUCKET in response["Location"]
    assert "X-Amz-Signature=" in response["Location"]
    assert "X-Amz-Expires=120" in response["Location"]


@pytest.mark.django_db(transaction=True)
def test_on_s3_someone_else_gets_a_404_not_a_url(member, outsider, web_client_for, s3):  # noqa: F811
    receipt = attached(member)

    response = web_client_for(outsider).get(reverse("receipt_file", args=[receipt.expense_id, receipt.pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Location" not in response


def test_a_receipt_photo_prefills_amount_date_time_and_the_matching_restaurant(member, web_client_for, fake_ocr):
    spoon = RestaurantFactory(owner=member, name="The Golden Spoon", city="Boston")

    response = web_client_for(member).post(
        reverse("receipt_prefill"), {"receipt": SimpleUploadedFile("r.jpg", photo())}
    )

    body = response.json()
    assert response.status_code == HTTPStatus.OK
    assert (body["amount"], body["tax"], body["tip"]) == ("45.78", "2.28", "7.00")
    assert (body["date"], body["occurred_at"]) == ("2026-03-07", "2026-03-07T19:42")
    assert (body["restaurant"], body["restaurant_label"]) == (spoon.pk, "The Golden Spoon (Boston)")
    assert Receipt.objects.count() == 0  # nothing is stored until the meal is saved


def test_prefill_does_not_offer_another_users_restaurant(member, outsider, web_client_for, fake_ocr):
    RestaurantFactory(owner=outsider, name="The Golden Spoon")

    body = (
        web_client_for(member)
        .post(reverse("receipt_prefill"), {"receipt": SimpleUploadedFile("r.jpg", photo())})
        .json()
    )

    assert "restaurant" not in body
    assert body["restaurant_name"] == "THE GOLDEN SPOON"


def test_prefill_refuses_a_file_that_is_not_a_receipt_on_the_receipt_field(member, web_client_for, fake_ocr):
    response = web_client_for(member).post(
        reverse("receipt_prefill"), {"receipt": SimpleUploadedFile("r.txt", b"hello")}
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "receipt" in response.json()["errors"]
    assert fake_ocr.calls == 0


def test_prefill_is_hidden_when_ocr_is_off(member, web_client_for, settings):
    settings.OCR_BACKEND = "none"
    client = web_client_for(member)

    page = client.get(reverse("expense_create"))
    response = client.post(reverse("receipt_prefill"), {"receipt": SimpleUploadedFile("r.jpg", photo())})

    assert b"data-receipt-prefill-url" not in page.content
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_the_add_meal_form_offers_prefill_with_its_script_when_ocr_is_on(member, web_client_for, fake_ocr):
    page = web_client_for(member).get(reverse("expense_create"))

    assert f'data-receipt-prefill-url="{reverse("receipt_prefill")}"'.encode() in page.content
    assert b"js/meal-capture.js" in page.content


def test_saving_the_meal_keeps_the_reading_made_for_the_form_without_reading_again(member, web_client_for, fake_ocr):
    client = web_client_for(member)
    data = photo()
    client.post(reverse("receipt_prefill"), {"receipt": SimpleUploadedFile("r.jpg", data)})

    response = client.post(
        reverse("expense_create"),
        {"amount": "40.00", "currency": "USD", "occurred_at": "2026-03-07T19:42", "meal_type": "dinner",
         "order_type": "dine_in", "party_size": "1", "receipt": SimpleUploadedFile("r.jpg", data)},
    )  # fmt: skip

    assert response.status_code == HTTPStatus.FOUND, response.content
    receipt = Receipt.objects.get(expense__owner=member)
    assert receipt.ocr_total == Decimal("45.78")
    assert fake_ocr.calls == 1


def _mismatched(member):
    spoon = RestaurantFactory(owner=member, name="The Golden Spoon", city="Boston")
    receipt = attached(
        member, restaurant=spoon, amount=Decimal("40.00"), tax=Decimal("2.28"), tip=Decimal("7.00"),
        occurred_at=datetime.datetime(2026, 3, 7, 19, 42, tzinfo=ZoneInfo("UTC")),
    )  # fmt: skip
    Receipt.objects.filter(pk=receipt.pk).update(
        ocr_total=Decimal("45.78"), ocr_date=datetime.date(2026, 3, 7), ocr_merchant_name="THE GOLDEN SPOON",
        ocr_confidence={"total": 0.9, "date": 0.9, "merchant_name": 0.9},
    )  # fmt: skip
    return receipt


def test_the_expense_page_shows_a_mismatch_with_accept_and_ignore(member, web_client_for, settings):
    settings.TIME_ZONE = "UTC"
    member.timezone = "UTC"
    member.save()
    receipt = _mismatched(member)

    page = web_client_for(member).get(reverse("expense_detail", args=[receipt.expense_id]))

    text = page.content.decode()
    assert "The receipt&#x27;s total is 45.78, the expense says 40.00." in text
    assert 'data-mismatch="amount"' in text
    assert 'data-mismatch="date"' not in text
    assert "Use the receipt's amount" in text
    assert "Ignore" in text


def test_accepting_a_mismatch_updates_the_expense_through_the_service(member, web_client_for):
    receipt = _mismatched(member)
    url = reverse("receipt_mismatch_decide", args=[receipt.expense_id, receipt.pk, "amount", "accept"])

    response = web_client_for(member).post(url)

    expense = Expense.objects.get(pk=receipt.expense_id)
    assert response.status_code == HTTPStatus.FOUND
    assert (expense.amount, expense.version) == (Decimal("45.78"), receipt.expense.version + 1)


def test_ignoring_a_mismatch_hides_it_and_changes_nothing(member, web_client_for):
    receipt = _mismatched(member)
    client = web_client_for(member)
    url = reverse("receipt_mismatch_decide", args=[receipt.expense_id, receipt.pk, "amount", "ignore"])

    client.post(url)
    page = client.get(reverse("expense_detail", args=[receipt.expense_id]))

    assert Expense.objects.get(pk=receipt.expense_id).amount == Decimal("40.00")
    assert 'data-mismatch="amount"' not in page.content.decode()


def test_a_manager_cannot_accept_a_mismatch_on_a_members_expense(member, manager, web_client_for):
    receipt = _mismatched(member)
    url = reverse("receipt_mismatch_decide", args=[receipt.expense_id, receipt.pk, "amount", "accept"])

    response = web_client_for(manager).post(url)

    assert response.status_code in {HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND}
    assert Expense.objects.get(pk=receipt.expense_id).amount == Decimal("40.00")


def test_the_read_receipt_button_runs_ocr_and_stores_the_reading(member, web_client_for, fake_ocr):
    receipt = attached(member)

    response = web_client_for(member).post(reverse("receipt_read", args=[receipt.expense_id, receipt.pk]))

    receipt.refresh_from_db()
    assert response.status_code == HTTPStatus.FOUND
    assert receipt.ocr_total == Decimal("45.78")


def test_attaching_the_same_photo_twice_warns_the_user(member, web_client_for):
    attached(member)
    expense = ExpenseFactory(owner=member)

    response = web_client_for(member).post(
        reverse("receipt_add", args=[expense.pk]), {"receipt": SimpleUploadedFile("again.jpg", photo())}, follow=True
    )

    assert "already attached to your meal" in response.content.decode()
    assert expense.receipts.count() == 1


def test_reading_receipts_for_the_form_is_throttled_per_user(member, web_client_for, fake_ocr, settings):
    settings.OCR_USER_READS_PER_MINUTE = 1
    client = web_client_for(member)

    statuses = [
        client.post(reverse("receipt_prefill"), {"receipt": SimpleUploadedFile("r.jpg", photo())}).status_code
        for _ in range(2)
    ]

    assert statuses == [HTTPStatus.OK, HTTPStatus.TOO_MANY_REQUESTS]
    assert fake_ocr.calls == 1


@pytest.mark.django_db(transaction=True)
def test_removing_a_receipt_on_the_page_deletes_its_stored_files(member, web_client_for):
    receipt = attached(member)
    names = [receipt.file.name, receipt.thumbnail.name]

    response = web_client_for(member).post(reverse("receipt_remove", args=[receipt.expense_id, receipt.pk]))

    assert response.status_code == HTTPStatus.FOUND
    assert not Receipt.objects.filter(pk=receipt.pk).exists()
    assert [default_storage.exists(name) for name in names] == [False, False]


def test_someone_else_cannot_remove_a_receipt(member, outsider, web_client_for):
    receipt = attached(member)

    response = web_client_for(outsider).post(reverse("receipt_remove", args=[receipt.expense_id, receipt.pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert Receipt.objects.filter(pk=receipt.pk).exists()


def test_a_pdf_has_no_thumbnail_and_asking_for_one_is_a_404(member, web_client_for):
    expense = ExpenseFactory(owner=member)
    pdf = receipt_attach(expense=expense, file=SimpleUploadedFile("bill.pdf", b"%PDF-1.7\n" + b"x" * 50), actor=member)

    response = web_client_for(member).get(reverse("receipt_file", args=[expense.pk, pdf.pk]) + "?thumbnail=1")

    assert response.status_code == HTTPStatus.NOT_FOUND
