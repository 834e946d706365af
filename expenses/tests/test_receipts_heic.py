"""HEIC/HEIF receipts (iPhone photos): stored as JPEG without EXIF or GPS, with a thumbnail, through every surface.

The finding: a HEIC photo was stored and downloaded byte-for-byte, GPS position included, although images are
promised to lose their metadata. The photos here are real HEIC files written by pillow-heif with a GPS block.
"""

import hashlib
import io
from http import HTTPStatus

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from expenses.models import Receipt
from expenses.ocr import ReceiptFields
from expenses.services.receipts import receipt_attach, receipt_upload_prefill
from expenses.tests.factories import ExpenseFactory, ReceiptFactory
from expenses.tests.test_receipts_storage import GPS_IFD, ORIENTATION
from mealtracker.errors import DomainError

pytestmark = pytest.mark.django_db

MAKER = "PhoneMaker-4711"  # a marker of the EXIF block, to look for in the stored bytes


def heic_photo(size=(64, 48), orientation=None) -> bytes:
    """A real HEIC file (HEVC-coded) whose EXIF has a camera maker and a GPS position."""
    exif = Image.Exif()
    exif[0x010F] = MAKER
    exif[GPS_IFD] = {1: "N", 2: (42.0, 21.0, 30.0), 3: "W", 4: (71.0, 3.0, 40.0)}
    if orientation:
        exif[ORIENTATION] = orientation
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="HEIF", exif=exif.tobytes(), quality=80)
    return out.getvalue()


def api_upload(client, expense, data, name="IMG_0042.HEIC"):
    file = SimpleUploadedFile(name, data)
    return client.post(reverse("expenses_api:receipt-list"), {"expense": expense.pk, "file": file}, format="multipart")


def download(client, receipt_id, query="") -> bytes:
    response = client.get(reverse("expenses_api:receipt-download", kwargs={"pk": receipt_id}) + query)
    assert response.status_code == HTTPStatus.OK
    return b"".join(response.streaming_content)


def test_the_generated_photo_really_is_a_heic_with_gps():
    data = heic_photo()

    assert data[4:12] == b"ftypheic"
    image = Image.open(io.BytesIO(data))  # pillow-heif is registered by the receipts service
    assert image.format == "HEIF"
    assert image.getexif().get_ifd(GPS_IFD)[1] == "N"
    assert MAKER.encode() in data


def test_a_heic_receipt_is_stored_as_jpeg_without_exif_or_gps(member, api_client_for):
    original = heic_photo()
    client = api_client_for(member)

    response = api_upload(client, ExpenseFactory(owner=member), original)

    assert response.status_code == HTTPStatus.CREATED, response.content
    assert response.json()["content_type"] == "image/jpeg"
    stored = download(client, response.json()["id"])
    assert stored != original
    assert stored.startswith(b"\xff\xd8\xff")
    assert b"Exif" not in stored
    assert MAKER.encode() not in stored
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}
    assert image.getexif().get_ifd(GPS_IFD) == {}


def test_a_heic_receipt_keeps_the_name_sent_and_the_sha256_of_the_bytes_sent(member, api_client_for):
    original = heic_photo()

    body = api_upload(api_client_for(member), ExpenseFactory(owner=member), original).json()

    receipt = Receipt.objects.get(pk=body["id"])
    assert (body["original_name"], body["sha256"]) == ("IMG_0042.HEIC", hashlib.sha256(original).hexdigest())
    assert receipt.file.name.endswith(".jpg")
    assert receipt.size == receipt.file.size


def test_the_heic_camera_orientation_is_applied_to_the_stored_pixels(member, api_client_for):
    client = api_client_for(member)
    body = api_upload(client, ExpenseFactory(owner=member), heic_photo(size=(64, 48), orientation=6)).json()

    assert Image.open(io.BytesIO(download(client, body["id"]))).size == (48, 64)


def test_a_heic_receipt_gets_a_jpeg_thumbnail(member, api_client_for):
    client = api_client_for(member)
    body = api_upload(client, ExpenseFactory(owner=member), heic_photo(size=(1200, 900))).json()

    thumbnail = Image.open(io.BytesIO(download(client, body["id"], "?thumbnail=1")))

    assert body["thumbnail_url"].endswith("?thumbnail=1")
    assert (thumbnail.format, max(thumbnail.size)) == ("JPEG", 320)
    assert dict(thumbnail.getexif()) == {}


def test_a_heic_attached_on_the_web_page_is_stored_without_gps(member, web_client_for):
    expense = ExpenseFactory(owner=member)

    response = web_client_for(member).post(
        reverse("receipt_add", args=[expense.pk]), {"receipt": SimpleUploadedFile("IMG_0042.HEIC", heic_photo())}
    )

    assert response.status_code == HTTPStatus.FOUND
    receipt = expense.receipts.get()
    with receipt.file.open("rb") as handle:
        stored = handle.read()
    assert receipt.content_type == "image/jpeg"
    assert b"Exif" not in stored
    assert MAKER.encode() not in stored


def test_a_file_posing_as_heic_that_cannot_be_decoded_is_refused_not_stored_as_sent(member, api_client_for):
    fake = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"GPS!" * 200

    response = api_upload(api_client_for(member), ExpenseFactory(owner=member), fake)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()["errors"]) == ["file"]
    assert not Receipt.objects.exists()


def test_the_add_meal_prefill_reads_a_heic_photo_as_jpeg(member):
    seen = []

    class Recorder:
        name = "recorder"

        def read(self, data, content_type):
            seen.append((content_type, data[:3]))
            return ReceiptFields(raw_text="")

    receipt_upload_prefill(owner=member, file=SimpleUploadedFile("IMG.HEIC", heic_photo()), backend=Recorder())

    assert seen == [("image/jpeg", b"\xff\xd8\xff")]


def test_a_heic_with_more_pixels_than_the_decompression_bomb_limit_is_refused(member, monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 64 * 48 // 4)  # this small photo is "too many pixels" here
    upload = SimpleUploadedFile("b.heic", heic_photo(size=(64, 48)))

    with pytest.raises(DomainError) as refused:
        receipt_attach(expense=ExpenseFactory(owner=member), file=upload, actor=member)

    assert (refused.value.field, refused.value.code) == ("file", "image_too_large")


# --- HEIC receipts stored as sent before the fix -------------------------------------------------------------------
def test_the_command_stores_earlier_heic_receipts_as_jpeg_and_deletes_the_originals(
    member, django_capture_on_commit_callbacks
):
    old = ReceiptFactory(
        expense=ExpenseFactory(owner=member),
        content_type="image/heic",
        file__data=heic_photo(),
        file__filename="a.heic",
    )
    original_key = old.file.name
    out = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("convert_heic_receipts", stdout=out)

    receipt = Receipt.objects.get(pk=old.pk)
    with receipt.file.open("rb") as handle:
        stored = handle.read()
    assert (receipt.content_type, receipt.size) == ("image/jpeg", len(stored))
    assert b"Exif" not in stored
    assert MAKER.encode() not in stored
    assert receipt.thumbnail
    assert not default_storage.exists(original_key)
    assert out.getvalue() == "1 HEIC receipt(s) stored as JPEG without metadata.\n"


def test_the_command_leaves_an_undecodable_heic_as_it_is_and_says_so(member):
    fake = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"?" * 100
    old = ReceiptFactory(expense=ExpenseFactory(owner=member), content_type="image/heic", file__data=fake)
    err = io.StringIO()

    call_command("convert_heic_receipts", stdout=io.StringIO(), stderr=err)

    assert Receipt.objects.get(pk=old.pk).content_type == "image/heic"
    assert f"receipt {old.pk}" in err.getvalue()
