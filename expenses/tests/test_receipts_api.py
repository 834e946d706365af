"""Receipt reading through the API: suggested fields and mismatches (read on first use); S3 downloads presigned."""

import datetime
from decimal import Decimal
from http import HTTPStatus
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from expenses.models import Receipt
from expenses.services.receipts import receipt_attach
from expenses.tests.factories import ExpenseFactory, RestaurantFactory
from expenses.tests.test_receipts_storage import photo, s3  # noqa: F401 - the moto S3 fixture
from expenses.tests.test_views_receipts import fake_ocr  # noqa: F401 - OCR on, with a fake engine

pytestmark = pytest.mark.django_db


@pytest.fixture
def receipt(member):
    spoon = RestaurantFactory(owner=member, name="The Golden Spoon", city="Boston")
    expense = ExpenseFactory(
        owner=member, restaurant=spoon, amount=Decimal("40.00"), tax=Decimal("2.28"), tip=Decimal("7.00"),
        occurred_at=datetime.datetime(2026, 3, 7, 19, 42, tzinfo=ZoneInfo(member.timezone)),
    )  # fmt: skip
    return receipt_attach(expense=expense, file=SimpleUploadedFile("r.jpg", photo()), actor=member)


def test_the_first_prefill_reads_the_receipt_and_stores_what_ocr_found(
    member,
    api_client_for,
    receipt,
    fake_ocr,  # noqa: F811
):
    client = api_client_for(member)

    first = client.get(reverse("expenses_api:receipt-prefill", args=[receipt.pk]))
    client.get(reverse("expenses_api:receipt-mismatches", args=[receipt.pk]))

    assert first.status_code == HTTPStatus.OK
    assert Receipt.objects.get(pk=receipt.pk).ocr_total == Decimal("45.78")
    assert fake_ocr.calls == 1  # stored, not read again


def test_with_ocr_off_prefill_answers_what_was_stored(member, api_client_for, receipt, settings):
    settings.OCR_BACKEND = "none"

    response = api_client_for(member).get(reverse("expenses_api:receipt-prefill", args=[receipt.pk]))

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"confidence": {}}


def test_a_failing_engine_is_a_problem_response(member, api_client_for, receipt, fake_ocr):  # noqa: F811
    from expenses.ocr import OcrFailed

    def broken(data, content_type):
        raise OcrFailed("The receipt reader did not answer.")

    fake_ocr.read = broken

    response = api_client_for(member).get(reverse("expenses_api:receipt-prefill", args=[receipt.pk]))

    assert response.status_code == HTTPStatus.BAD_GATEWAY
    assert response.json()["code"] == "ocr_failed"


def test_prefill_suggests_amount_date_and_the_matching_restaurant(member, api_client_for, receipt, fake_ocr):  # noqa: F811
    client = api_client_for(member)

    body = client.get(reverse("expenses_api:receipt-prefill", args=[receipt.pk])).json()

    assert (body["amount"], body["date"], body["restaurant"]) == ("45.78", "2026-03-07", receipt.expense.restaurant_id)
    assert body["confidence"]["total"] == 0.9


def test_mismatches_list_the_amount_beyond_a_cent_with_what_accepting_sets(
    member,
    api_client_for,
    receipt,
    fake_ocr,  # noqa: F811
):
    client = api_client_for(member)

    body = client.get(reverse("expenses_api:receipt-mismatches", args=[receipt.pk])).json()

    assert [(m["field"], m["suggested"], m["entered_value"]) for m in body["mismatches"]] == [
        ("amount", "45.78", "40.00")
    ]


def test_someone_else_cannot_have_a_receipt_read(outsider, api_client_for, receipt, fake_ocr):  # noqa: F811
    response = api_client_for(outsider).get(reverse("expenses_api:receipt-prefill", args=[receipt.pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert fake_ocr.calls == 0


@pytest.mark.django_db(transaction=True)
def test_on_s3_the_api_download_redirects_to_a_presigned_attachment_url(member, api_client_for, s3):  # noqa: F811
    receipt = receipt_attach(
        expense=ExpenseFactory(owner=member), file=SimpleUploadedFile("r.jpg", photo()), actor=member
    )

    response = api_client_for(member).get(reverse("expenses_api:receipt-download", args=[receipt.pk]))

    assert response.status_code == HTTPStatus.FOUND
    assert "X-Amz-Signature=" in response["Location"]
    assert "attachment" in response["Location"]


@pytest.mark.django_db(transaction=True)
def test_on_s3_someone_else_gets_a_404_from_the_api_download(member, outsider, api_client_for, s3):  # noqa: F811
    receipt = receipt_attach(
        expense=ExpenseFactory(owner=member), file=SimpleUploadedFile("r.jpg", photo()), actor=member
    )

    response = api_client_for(outsider).get(reverse("expenses_api:receipt-download", args=[receipt.pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND
