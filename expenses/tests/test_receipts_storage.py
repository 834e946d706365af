"""Receipt storage: metadata stripped, thumbnails, duplicates, limits, bombs, deletion; local files and moto's S3."""

import io
from urllib.parse import parse_qs, urlparse

import boto3
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from moto import mock_aws
from PIL import Image

from expenses import services
from expenses.models import Receipt
from expenses.services.receipts import receipt_attach, receipt_delete, receipt_download_url, uses_presigned_urls
from expenses.tests.factories import ExpenseFactory
from mealtracker.errors import DomainError

pytestmark = pytest.mark.django_db(transaction=True)  # file deletion runs on commit

GPS_IFD = 0x8825
ORIENTATION = 0x0112
BUCKET = "receipts-test"


def photo(fmt="JPEG", size=(60, 40), orientation=None, gps=True) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    if gps:
        exif[GPS_IFD] = {1: "N", 2: (42.0, 21.0, 30.0), 3: "W", 4: (71.0, 3.0, 40.0)}
    if orientation:
        exif[ORIENTATION] = orientation
    out = io.BytesIO()
    image.save(out, format=fmt, exif=exif)
    return out.getvalue()


def upload(data: bytes, name="lunch.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def stored_image(field) -> Image.Image:
    with field.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
    return image


@pytest.mark.parametrize(
    ("fmt", "content_type"), [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")]
)
def test_stored_images_lose_their_exif_and_gps_position(member, fmt, content_type):
    original = photo(fmt)
    assert GPS_IFD in Image.open(io.BytesIO(original)).getexif()

    receipt = receipt_attach(expense=ExpenseFactory(owner=member), file=upload(original), actor=member)

    image = stored_image(receipt.file)
    assert receipt.content_type == content_type
    assert image.format == fmt
    assert dict(image.getexif()) == {}
    assert receipt.size == receipt.file.size


def test_the_camera_orientation_is_applied_to_the_pixels(member):
    original = photo(size=(60, 40), orientation=6)  # "rotate 90° clockwise to display"

    receipt = receipt_attach(expense=ExpenseFactory(owner=member), file=upload(original), actor=member)

    assert stored_image(receipt.file).size == (40, 60)


def test_an_image_gets_a_small_jpeg_thumbnail_under_its_own_random_key(member):
    receipt = receipt_attach(expense=ExpenseFactory(owner=member), file=upload(photo(size=(1200, 1800))), actor=member)

    thumbnail = stored_image(receipt.thumbnail)
    assert thumbnail.format == "JPEG"
    assert max(thumbnail.size) == 320
    assert receipt.thumbnail.name.startswith("receipts/thumbnails/")
    assert "lunch" not in receipt.thumbnail.name


def test_a_pdf_is_stored_as_sent_without_a_thumbnail(member):
    pdf = b"%PDF-1.7\n" + b"x" * 100

    receipt = receipt_attach(expense=ExpenseFactory(owner=member), file=upload(pdf, "bill.pdf"), actor=member)

    assert receipt.file.read() == pdf
    assert not receipt.thumbnail


def test_a_second_upload_of_the_same_file_by_the_same_owner_is_reported_not_refused(member):
    data = photo()
    first = receipt_attach(expense=ExpenseFactory(owner=member), file=upload(data), actor=member)

    again = receipt_attach(expense=ExpenseFactory(owner=member), file=upload(data), actor=member)

    assert first.duplicate_of is None
    assert again.duplicate_of == first
    assert Receipt.objects.count() == 2


def test_the_same_file_from_another_user_is_not_a_duplicate(member, outsider):
    data = photo()
    receipt_attach(expense=ExpenseFactory(owner=outsider), file=upload(data), actor=outsider)

    mine = receipt_attach(expense=ExpenseFactory(owner=member), file=upload(data), actor=member)

    assert mine.duplicate_of is None


def test_a_file_over_the_configured_limit_is_refused_on_the_file_field(member, settings):
    settings.RECEIPT_MAX_BYTES = 1024

    with pytest.raises(DomainError) as refused:
        receipt_attach(expense=ExpenseFactory(owner=member), file=upload(b"%PDF-" + b"x" * 2000), actor=member)

    assert (refused.value.field, refused.value.code, refused.value.status) == ("file", "file_too_large", 400)
    assert "at most" in refused.value.message
    assert "MB" in refused.value.message
    assert Receipt.objects.count() == 0


def test_a_decompression_bomb_is_refused_cleanly(member, monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    bomb = photo(size=(100, 100), gps=False)  # 10,000 pixels: ten times the (lowered) limit

    with pytest.raises(DomainError) as refused:
        receipt_attach(expense=ExpenseFactory(owner=member), file=upload(bomb), actor=member)

    assert (refused.value.field, refused.value.code, refused.value.status) == ("file", "image_too_large", 400)
    assert Receipt.objects.count() == 0


def test_a_damaged_image_is_refused(member):
    damaged = photo(size=(400, 400))[:300]

    with pytest.raises(DomainError) as refused:
        receipt_attach(expense=ExpenseFactory(owner=member), file=upload(damaged), actor=member)

    assert refused.value.code == "damaged_image"


def test_deleting_a_receipt_deletes_its_file_and_thumbnail(member):
    receipt = receipt_attach(expense=ExpenseFactory(owner=member), file=upload(photo()), actor=member)
    names = [receipt.file.name, receipt.thumbnail.name]

    receipt_delete(receipt=receipt, actor=member)

    assert [default_storage.exists(name) for name in names] == [False, False]


def test_deleting_an_expense_deletes_its_receipts_files_and_thumbnails(member):
    expense = ExpenseFactory(owner=member)
    receipt = receipt_attach(expense=expense, file=upload(photo()), actor=member)
    names = [receipt.file.name, receipt.thumbnail.name]

    services.expense_delete(expense=expense, actor=member)

    assert [default_storage.exists(name) for name in names] == [False, False]


def test_local_storage_does_not_use_presigned_urls(member):
    receipt = receipt_attach(expense=ExpenseFactory(owner=member), file=upload(photo()), actor=member)

    assert not uses_presigned_urls(receipt)


# --- S3 under moto ---------------------------------------------------------------------------------------------


@pytest.fixture
def s3(settings, monkeypatch):
    """The production storage settings (private bucket, SSE-KMS, presigned URLs) against moto's S3."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        key_id = boto3.client("kms", region_name="us-east-1").create_key()["KeyMetadata"]["KeyId"]
        settings.PRESIGNED_URL_SECONDS = 120
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": BUCKET,
                    "region_name": "us-east-1",
                    "default_acl": None,
                    "file_overwrite": False,
                    "querystring_auth": True,
                    "querystring_expire": 120,
                    "signature_version": "s3v4",
                    "object_parameters": {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": key_id},
                },
            },
        }
        yield client


def test_on_s3_the_receipt_and_thumbnail_are_encrypted_objects_under_uuid_keys(member, s3):
    receipt = receipt_attach(expense=ExpenseFactory(owner=member), file=upload(photo()), actor=member)

    head = s3.head_object(Bucket=BUCKET, Key=receipt.file.name)
    assert head["ServerSideEncryption"] == "aws:kms"
    assert s3.head_object(Bucket=BUCKET, Key=receipt.thumbnail.name)["ServerSideEncryption"] == "aws:kms"
    assert receipt.file.name.startswith("receipts/")
    assert "lunch" not in receipt.file.name
    body = s3.get_object(Bucket=BUCKET, Key=receipt.file.name)["Body"].read()
    assert dict(Image.open(io.BytesIO(body)).getexif()) == {}


def test_on_s3_downloads_are_presigned_urls_that_expire_in_minutes(member, s3):
    receipt = receipt_attach(expense=ExpenseFactory(owner=member), file=upload(photo()), actor=member)

    url = receipt_download_url(receipt, attachment_name="receipt-1.jpg")

    query = parse_qs(urlparse(url).query)
    assert uses_presigned_urls(receipt)
    assert query["X-Amz-Expires"] == ["120"]
    assert "X-Amz-Signature" in query
    assert query["response-content-disposition"] == ['attachment; filename="receipt-1.jpg"']


def test_on_s3_deleting_an_expense_deletes_the_objects(member, s3):
    expense = ExpenseFactory(owner=member)
    receipt = receipt_attach(expense=expense, file=upload(photo()), actor=member)
    keys = {receipt.file.name, receipt.thumbnail.name}

    services.expense_delete(expense=expense, actor=member)

    remaining = {item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])}
    assert remaining & keys == set()


def test_on_s3_a_second_upload_of_the_same_bytes_is_reported(member, s3):
    data = photo()
    first = receipt_attach(expense=ExpenseFactory(owner=member), file=upload(data), actor=member)

    again = receipt_attach(expense=ExpenseFactory(owner=member), file=upload(data), actor=member)

    assert again.duplicate_of == first
