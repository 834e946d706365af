"""Receipts over Lambda's request size: a presigned POST to S3 (a real multipart POST to a moto server), then the
app checks and stores the object exactly as it stores a multipart upload."""

import base64
import io
import json
from http import HTTPStatus

import boto3
import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from moto.server import ThreadedMotoServer
from PIL import Image

from expenses.models import Receipt
from expenses.tests.factories import ExpenseFactory

pytestmark = pytest.mark.django_db(transaction=True)
BUCKET = "mealtracker-test-receipts"
START = reverse("expenses_api:receipt-upload-start")
COMPLETE = reverse("expenses_api:receipt-upload-complete")


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint, settings, monkeypatch):
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL": s3_endpoint}.items():  # fmt: skip
        monkeypatch.setenv(key, value)
    client = boto3.client("s3")
    client.create_bucket(Bucket=BUCKET)
    key_id = boto3.client("kms").create_key()["KeyMetadata"]["KeyId"]
    settings.RECEIPTS_BUCKET, settings.RECEIPTS_KMS_KEY_ID = BUCKET, key_id
    settings.RECEIPT_MAX_BYTES = 12 * 1024 * 1024
    yield client
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def photo(size=(64, 48), noise_bytes=0) -> bytes:
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (42.0, 21.0, 30.0)}  # a GPS position the stored copy must not keep
    Image.new("RGB", size, (200, 30, 30)).save(out, format="JPEG", exif=exif)
    return out.getvalue() + b"\0" * noise_bytes  # trailing bytes: JPEG readers stop at the end marker


def begin(client, expense, data: bytes, content_type="image/jpeg"):
    return client.post(START, {"expense": expense.pk, "content_type": content_type, "size": len(data)}, format="json")


def post_to_s3(form: dict, data: bytes, content_type="image/jpeg"):
    """What the browser does: a multipart POST of the form's fields, then the file, to S3 itself."""
    return requests.post(form["url"], data=form["fields"], files={"file": ("lunch.jpg", data, content_type)},
                         timeout=30)  # fmt: skip


def test_a_receipt_over_the_lambda_request_limit_goes_to_s3_and_becomes_a_receipt(s3, member, api_client_for):
    expense, client = ExpenseFactory(owner=member), api_client_for(member)
    data = photo(noise_bytes=7 * 1024 * 1024)  # 7 MB: more than a Lambda request can carry

    form = begin(client, expense, data)
    assert form.status_code == HTTPStatus.CREATED, form.content
    assert post_to_s3(form.json(), data).status_code == HTTPStatus.NO_CONTENT
    assert s3.head_object(Bucket=BUCKET, Key=form.json()["key"])["ContentLength"] == len(data)
    done = client.post(COMPLETE, {"expense": expense.pk, "key": form.json()["key"], "original_name": "lunch.jpg"})

    assert done.status_code == HTTPStatus.CREATED, done.content
    receipt = Receipt.objects.get(pk=done.json()["id"])
    assert (receipt.expense, receipt.original_name, receipt.content_type) == (expense, "lunch.jpg", "image/jpeg")
    stored = Image.open(receipt.file.open("rb"))
    assert dict(stored.getexif()) == {}, "the stored copy is re-encoded without EXIF or GPS"
    assert receipt.thumbnail
    assert "Contents" not in s3.list_objects_v2(Bucket=BUCKET, Prefix="uploads/"), "the staging object is deleted"


def test_the_policy_bounds_size_type_key_and_encryption(s3, member, api_client_for, settings):
    form = begin(api_client_for(member), ExpenseFactory(owner=member), photo()).json()

    policy = json.loads(base64.b64decode(form["fields"]["policy"]))
    conditions = policy["conditions"]
    assert ["content-length-range", 1, 12 * 1024 * 1024] in conditions
    assert {"Content-Type": "image/jpeg"} in conditions
    assert {"x-amz-server-side-encryption": "aws:kms"} in conditions
    assert {"x-amz-server-side-encryption-aws-kms-key-id": settings.RECEIPTS_KMS_KEY_ID} in conditions
    assert {"key": form["key"]} in conditions
    assert form["max_bytes"] == 12 * 1024 * 1024


def test_a_file_over_the_receipt_limit_gets_no_form_and_the_answer_names_the_limit(s3, member, api_client_for):
    expense = ExpenseFactory(owner=member)
    response = api_client_for(member).post(
        START, {"expense": expense.pk, "content_type": "image/jpeg", "size": 13 * 1024 * 1024}, format="json"
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "at most 12 MB" in json.dumps(response.json()["errors"]["size"])


def test_a_type_that_is_no_receipt_gets_no_form(s3, member, api_client_for):
    response = begin(api_client_for(member), ExpenseFactory(owner=member), b"x", content_type="text/html")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "content_type" in response.json()["errors"]


def test_bytes_that_are_not_what_they_claim_are_refused_and_removed(s3, member, api_client_for):
    expense, client = ExpenseFactory(owner=member), api_client_for(member)
    form = begin(client, expense, b"<html>not a photo</html>").json()
    post_to_s3(form, b"<html>not a photo</html>")

    done = client.post(COMPLETE, {"expense": expense.pk, "key": form["key"]})

    assert done.status_code == HTTPStatus.BAD_REQUEST
    assert "key" in done.json()["errors"]
    assert Receipt.objects.count() == 0
    assert "Contents" not in s3.list_objects_v2(Bucket=BUCKET, Prefix="uploads/")


def test_someone_elses_upload_key_cannot_be_claimed(s3, member, teammate, api_client_for):
    theirs = ExpenseFactory(owner=teammate)
    form = begin(api_client_for(teammate), theirs, photo()).json()
    post_to_s3(form, photo())
    mine = ExpenseFactory(owner=member)

    done = api_client_for(member).post(COMPLETE, {"expense": mine.pk, "key": form["key"]})

    assert done.status_code == HTTPStatus.BAD_REQUEST
    assert "key" in done.json()["errors"]


def test_no_form_for_an_expense_you_cannot_see(s3, member, outsider, api_client_for):
    response = begin(api_client_for(outsider), ExpenseFactory(owner=member), photo())

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "expense" in response.json()["errors"]


def test_confirming_before_anything_was_uploaded_is_a_400_on_key(s3, member, api_client_for):
    expense, client = ExpenseFactory(owner=member), api_client_for(member)
    form = begin(client, expense, photo()).json()

    done = client.post(COMPLETE, {"expense": expense.pk, "key": form["key"]})

    assert done.status_code == HTTPStatus.BAD_REQUEST
    assert "key" in done.json()["errors"]


def test_without_s3_the_app_says_to_post_the_file_itself(member, api_client_for, settings):
    settings.RECEIPTS_BUCKET = ""

    response = begin(api_client_for(member), ExpenseFactory(owner=member), photo())

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "multipart" in response.json()["detail"]


def test_a_multipart_post_larger_than_a_lambda_request_points_to_the_direct_upload(member, api_client_for, settings):
    settings.RECEIPT_INLINE_MAX_BYTES = 1024
    data = photo(noise_bytes=4096)

    response = api_client_for(member).post(
        reverse("expenses_api:receipt-list"),
        {"expense": ExpenseFactory(owner=member).pk, "file": SimpleUploadedFile("big.jpg", data)},
        format="multipart",
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "/api/v1/receipts/uploads/" in json.dumps(response.json()["errors"]["file"])


def test_the_usual_multipart_upload_still_works_under_the_limit(member, api_client_for):
    response = api_client_for(member).post(
        reverse("expenses_api:receipt-list"),
        {"expense": ExpenseFactory(owner=member).pk, "file": SimpleUploadedFile("lunch.jpg", photo())},
        format="multipart",
    )

    assert response.status_code == HTTPStatus.CREATED, response.content
