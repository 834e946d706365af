"""Receipts through the API: multipart upload bound to an expense, sniffed type, permission-checked download,
thumbnails on request, duplicates reported."""

import datetime
import hashlib
import io
from http import HTTPStatus
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from expenses.models import Receipt
from expenses.tests.factories import ExpenseFactory
from expenses.tests.test_receipts_storage import photo, s3  # noqa: F401 - the moto S3 fixture

LIST = reverse("expenses_api:receipt-list")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
PDF = b"%PDF-1.7\n" + b"x" * 100


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def upload(client, expense, content, name="lunch.png"):
    return client.post(LIST, {"expense": expense.pk, "file": SimpleUploadedFile(name, content)}, format="multipart")


def test_upload_stores_the_sniffed_type_size_and_sha256_under_a_random_key(member, api_client_for):
    expense = ExpenseFactory(owner=member)

    response = upload(api_client_for(member), expense, PDF, name="../../etc/passwd.png")

    assert response.status_code == HTTPStatus.CREATED
    body = response.json()
    assert (body["content_type"], body["size"], body["sha256"]) == (
        "application/pdf",
        len(PDF),
        hashlib.sha256(PDF).hexdigest(),
    )
    key = Receipt.objects.get().file.name
    assert key.startswith("receipts/")
    assert key.endswith(".pdf")
    assert "passwd" not in key


def test_a_file_that_is_not_an_image_or_pdf_is_refused(member, api_client_for):
    response = upload(api_client_for(member), ExpenseFactory(owner=member), b"MZ\x90\x00 not a receipt", "x.png")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()["errors"]) == ["file"]
    assert not Receipt.objects.exists()


def test_a_file_over_the_size_limit_is_refused(member, api_client_for, settings):
    settings.RECEIPT_MAX_BYTES = 50

    response = upload(api_client_for(member), ExpenseFactory(owner=member), PNG)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["code"] == "file_too_large"


def test_manager_downloads_a_team_members_receipt(member, manager, api_client_for):
    receipt_id = upload(api_client_for(member), ExpenseFactory(owner=member), PNG).json()["id"]

    response = api_client_for(manager).get(reverse("expenses_api:receipt-download", kwargs={"pk": receipt_id}))

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG


def test_deleting_a_receipt_deletes_the_stored_file(member, api_client_for, django_capture_on_commit_callbacks):
    client = api_client_for(member)
    receipt_id = upload(client, ExpenseFactory(owner=member), PNG).json()["id"]
    key = Receipt.objects.get().file.name

    with django_capture_on_commit_callbacks(execute=True):
        response = client.delete(reverse("expenses_api:receipt-detail", kwargs={"pk": receipt_id}))

    assert response.status_code == HTTPStatus.NO_CONTENT
    assert not default_storage.exists(key)


def test_receipts_of_other_peoples_expenses_are_not_listed(member, outsider, api_client_for):
    upload(api_client_for(outsider), ExpenseFactory(owner=outsider), PNG)

    assert api_client_for(member).get(LIST).json()["results"] == []


# --- Thumbnails ------------------------------------------------------------------------------------------------------
def download(client, receipt_id, query=""):
    return client.get(reverse("expenses_api:receipt-download", kwargs={"pk": receipt_id}) + query)


def test_thumbnail_1_downloads_the_small_jpeg_thumbnail_not_the_full_image(member, api_client_for):
    client = api_client_for(member)
    body = upload(client, ExpenseFactory(owner=member), photo(size=(1200, 1800)), name="lunch.jpg").json()
    full = b"".join(download(client, body["id"]).streaming_content)

    response = download(client, body["id"], "?thumbnail=1")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == f'attachment; filename="receipt-{body["id"]}-thumbnail.jpg"'
    thumbnail = b"".join(response.streaming_content)
    assert len(thumbnail) < len(full) / 4
    assert max(Image.open(io.BytesIO(thumbnail)).size) == 320
    assert body["thumbnail_url"] == body["download_url"] + "?thumbnail=1"


def test_a_pdf_has_no_thumbnail_and_asking_for_one_is_a_404_problem(member, api_client_for):
    client = api_client_for(member)
    body = upload(client, ExpenseFactory(owner=member), PDF, name="bill.pdf").json()

    response = download(client, body["id"], "?thumbnail=1")

    assert body["thumbnail_url"] is None
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "no_thumbnail"
    assert list(response.json()["errors"]) == ["thumbnail"]


def test_thumbnail_0_or_absent_downloads_the_file(member, api_client_for):
    client = api_client_for(member)
    receipt_id = upload(client, ExpenseFactory(owner=member), PDF, name="bill.pdf").json()["id"]

    assert b"".join(download(client, receipt_id, "?thumbnail=0").streaming_content) == PDF


def test_a_thumbnail_value_other_than_0_or_1_is_a_400_naming_the_parameter(member, api_client_for):
    client = api_client_for(member)
    receipt_id = upload(client, ExpenseFactory(owner=member), PDF, name="bill.pdf").json()["id"]

    response = download(client, receipt_id, "?thumbnail=small")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()["errors"]) == ["thumbnail"]


def test_on_s3_thumbnail_1_redirects_to_the_thumbnail_object(member, api_client_for, s3):  # noqa: F811
    client = api_client_for(member)
    receipt_id = upload(client, ExpenseFactory(owner=member), photo(), name="lunch.jpg").json()["id"]
    receipt = Receipt.objects.get(pk=receipt_id)

    response = download(client, receipt_id, "?thumbnail=1")

    assert response.status_code == HTTPStatus.FOUND
    location = urlparse(response["Location"])
    assert location.path.endswith(receipt.thumbnail.name)
    assert parse_qs(location.query)["response-content-type"] == ["image/jpeg"]


# --- Duplicates ------------------------------------------------------------------------------------------------------
def test_the_same_file_again_on_the_same_expense_is_reported_as_a_duplicate(member, api_client_for):
    client = api_client_for(member)
    expense = ExpenseFactory(owner=member)
    first = upload(client, expense, PDF, name="bill.pdf").json()

    again = upload(client, expense, PDF, name="bill-again.pdf")

    assert again.status_code == HTTPStatus.CREATED
    assert first["duplicate_of"] is None
    assert again.json()["duplicate_of"] == {
        "receipt": first["id"],
        "expense": expense.pk,
        "message": "This receipt is already attached to this meal; it is attached again.",
    }


def test_the_same_file_on_another_of_my_expenses_names_that_meal_as_the_web_page_does(member, api_client_for):
    client = api_client_for(member)
    earlier = ExpenseFactory(owner=member, occurred_at=datetime.datetime(2026, 3, 7, 12, 30, tzinfo=datetime.UTC))
    first = upload(client, earlier, PDF, name="bill.pdf").json()

    again = upload(client, ExpenseFactory(owner=member), PDF, name="bill.pdf").json()

    assert again["duplicate_of"] == {
        "receipt": first["id"],
        "expense": earlier.pk,
        "message": f"This receipt was already attached to your meal of 07 Mar 2026 (expense {earlier.pk}); "
        "it is attached again.",
    }


def test_the_same_file_from_someone_else_is_not_a_duplicate(member, outsider, api_client_for):
    upload(api_client_for(outsider), ExpenseFactory(owner=outsider), PDF, name="bill.pdf")

    mine = upload(api_client_for(member), ExpenseFactory(owner=member), PDF, name="bill.pdf").json()

    assert mine["duplicate_of"] is None


def test_reading_a_receipt_back_has_no_duplicate_field(member, api_client_for):
    client = api_client_for(member)
    receipt_id = upload(client, ExpenseFactory(owner=member), PDF, name="bill.pdf").json()["id"]

    body = client.get(reverse("expenses_api:receipt-detail", kwargs={"pk": receipt_id})).json()

    assert "duplicate_of" not in body
