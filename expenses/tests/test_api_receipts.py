"""Receipts through the API: multipart upload bound to an expense, sniffed type, permission-checked download."""

import hashlib
from http import HTTPStatus

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from expenses.models import Receipt
from expenses.tests.factories import ExpenseFactory

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
