"""Receipts: files attached to an expense. The type comes from the bytes, never from the name or header.

Images are re-encoded before they are stored (no EXIF, so no GPS position; the orientation is applied to the
pixels) and get a JPEG thumbnail; HEIC/HEIF photos are stored as JPEG. A duplicate (same sha256 for the same owner)
is reported, not refused. Receipts follow their expense's lock: whoever may edit the expense may attach and remove
them, and an admin's change to a meal in the approval flow is written to its approval trail.
"""

import datetime
import hashlib
import io
import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.db.models.signals import post_delete
from django.dispatch import receiver

from accounts.models import User
from expenses.choices import ExpenseStatus
from expenses.models import ApprovalEvent, Expense, Receipt
from expenses.permissions import OWNER_EDITABLE, can_edit_expense
from expenses.services.history import expense_history_note
from mealtracker.errors import DomainError, NotAllowed, NotFound
from mealtracker.images import image_open, image_without_metadata

if TYPE_CHECKING:
    from PIL import Image

logger = logging.getLogger(__name__)

# Leading bytes of each accepted format; HEIC is an ISO-BMFF 'ftyp' box with a HEIF brand.
HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
# What each accepted image type is stored as (its metadata dropped on the way); PDFs are stored as sent.
REENCODED = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP", "image/heic": "JPEG"}
STORED_TYPE = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
THUMBNAIL_SIZE = (320, 320)


def sniff_content_type(head: bytes) -> str | None:
    """The receipt's real type from its first bytes, or None when it is not one we accept."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in HEIC_BRANDS:
        return "image/heic"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def can_manage_receipts(user: User, expense: Expense) -> bool:
    """Who may have a receipt read (OCR) now: the person who paid, or an admin. Attaching and removing: below."""
    return user.is_admin or expense.owner_id == user.pk


def can_change_receipts(user: User, expense: Expense) -> bool:
    """Attach or remove receipts: the expense's own lock (the owner until it is submitted; admins, audited)."""
    return can_edit_expense(user, expense)


def _locked_expense(expense: Expense, actor: User, refusal: str) -> Expense:
    """The expense, row-locked so a submission or decision cannot slip in between the check and the change."""
    current = Expense.objects.select_for_update().select_related("owner").get(pk=expense.pk)
    if not can_change_receipts(actor, current):
        if current.owner_id == actor.pk:
            refusal = f"A {current.get_status_display().lower()} expense's receipts can no longer be changed."
        raise NotAllowed(refusal)
    return current


def _record_in_trail(expense: Expense, actor: User, what: str) -> None:
    """A change by someone else to a meal in the approval flow, or one its owner could no longer make, is audited."""
    in_flow = expense.status not in {ExpenseStatus.RECORDED, ExpenseStatus.DRAFT}
    if in_flow and (expense.owner_id != actor.pk or expense.status not in OWNER_EDITABLE):
        ApprovalEvent.objects.create(
            expense=expense,
            actor=actor,
            from_status=expense.status,
            to_status=expense.status,
            comment=f"Receipt {what} by {actor.email}",
        )


def receipt_check_upload(file: UploadedFile) -> str:
    """The upload's sniffed content type, after the size and type checks (DomainError on `file` otherwise)."""
    if file.size is None or file.size == 0:
        raise DomainError("The file is empty.", field="file", code="empty_file")
    if file.size > settings.RECEIPT_MAX_BYTES:
        limit = settings.RECEIPT_MAX_BYTES / (1024 * 1024)
        raise DomainError(
            f"A receipt can be at most {limit:g} MB; this file is {file.size / (1024 * 1024):.1f} MB.",
            field="file",
            code="file_too_large",
        )
    file.seek(0)
    content_type = sniff_content_type(file.read(32))
    file.seek(0)
    if content_type is None:
        raise DomainError("Upload a JPEG, PNG, WebP, HEIC image or a PDF.", field="file", code="unsupported_type")
    return content_type


def _open_image(data: bytes) -> "Image.Image | None":
    """The decoded image, None when Pillow does not recognise it; refuses decompression bombs and broken files."""
    return image_open(data, too_big="This image has too many pixels to be a receipt photo.")


def _reencoded(image: "Image.Image", fmt: str) -> bytes:
    """The image re-saved without its metadata (EXIF, GPS, XMP, comments), rotated as the camera meant."""
    return image_without_metadata(image, fmt)


def _thumbnail(image: "Image.Image") -> bytes:
    from PIL import ImageOps  # Pillow is imported at the first image (mealtracker.images.pillow)

    thumb = ImageOps.exif_transpose(image).copy()
    thumb.thumbnail(THUMBNAIL_SIZE)
    if thumb.mode not in {"RGB", "L"}:
        thumb = thumb.convert("RGB")
    out = io.BytesIO()
    thumb.save(out, format="JPEG", quality=80)
    return out.getvalue()


def _stored_form(data: bytes, content_type: str) -> tuple[bytes, str, bytes | None]:
    """What is kept of an upload: (bytes, their content type, JPEG thumbnail or None)."""
    fmt = REENCODED.get(content_type)
    if fmt is None:
        return data, content_type, None  # PDFs: stored as sent, never decoded on the server
    image = _open_image(data)
    if image is None:
        if content_type == "image/heic":  # stored as sent it would keep its GPS position: refuse instead
            raise DomainError(
                "This HEIC/HEIF photo cannot be read here; export it as JPEG and upload that.",
                field="file",
                code="unreadable_image",
            )
        return data, content_type, None  # the bytes only look like an image: stored as sent, without a thumbnail
    return _reencoded(image, fmt), STORED_TYPE[fmt], _thumbnail(image)


def receipt_duplicate_of(*, owner_id: int, sha256: str, exclude_pk: int | None = None) -> Receipt | None:
    """The owner's earlier receipt with the same bytes, if any."""
    found = Receipt.objects.filter(expense__owner_id=owner_id, sha256=sha256).exclude(pk=exclude_pk)
    return found.select_related("expense__owner").order_by("created_at", "id").first()


def receipt_duplicate_notice(receipt: Receipt) -> str | None:
    """What every surface tells the uploader when the same file (sha256) is already on one of the owner's meals."""
    earlier = getattr(receipt, "duplicate_of", None)
    if earlier is None:
        return None
    if earlier.expense_id == receipt.expense_id:
        return "This receipt is already attached to this meal; it is attached again."
    meal = earlier.expense
    whose = "your meal" if receipt.uploaded_by_id == meal.owner_id else "the owner's meal"
    return (
        f"This receipt was already attached to {whose} of {meal.local_occurred_at():%d %b %Y} "
        f"(expense {meal.pk}); it is attached again."
    )


@transaction.atomic
def receipt_attach(*, expense: Expense, file: UploadedFile, actor: User) -> Receipt:
    """Store an uploaded receipt under a random key after checking its size and real type.

    The expense's lock applies (`can_change_receipts`); an admin's change to a meal in the approval flow is
    recorded in its trail. The returned receipt carries `duplicate_of` (the owner's earlier receipt with the same
    sha256, or None): `receipt_duplicate_notice` words it.
    """
    expense = _locked_expense(expense, actor, "Only the person who paid can attach receipts to this expense.")
    content_type = receipt_check_upload(file)
    data = b"".join(file.chunks())
    file.seek(0)
    sha256 = hashlib.sha256(data).hexdigest()  # of the bytes sent, so sending the same photo again is recognised
    stored, content_type, thumbnail = _stored_form(data, content_type)
    receipt = Receipt(
        expense=expense,
        uploaded_by=actor,
        original_name=(file.name or "")[-255:],
        content_type=content_type,
        size=len(stored),
        sha256=sha256,
    )
    receipt.duplicate_of = receipt_duplicate_of(owner_id=expense.owner_id, sha256=sha256)
    receipt.file.save("receipt", ContentFile(stored), save=False)  # the storage key comes from upload_to (a UUID)
    try:
        if thumbnail is not None:
            receipt.thumbnail.save("thumbnail", ContentFile(thumbnail), save=False)
        receipt.save()
    except Exception:
        _delete_files(receipt.file.storage, [receipt.file.name, receipt.thumbnail.name])
        raise
    _record_in_trail(expense, actor, f"{receipt.original_name or receipt.pk} attached")
    expense_history_note(
        expense=expense, actor=actor, field="receipts", old=None, new=receipt.original_name or str(receipt.pk)
    )
    return receipt


@transaction.atomic
def receipt_delete(*, receipt: Receipt, actor: User) -> None:
    """Delete a receipt under its expense's lock; its stored file and thumbnail go once the deletion is committed."""
    expense = _locked_expense(receipt.expense, actor, "Only the person who paid can remove this receipt.")
    what = f"{receipt.original_name or receipt.pk} removed"
    name = receipt.original_name or str(receipt.pk)
    receipt.delete()  # the post_delete hook below removes the files on commit
    _record_in_trail(expense, actor, what)
    expense_history_note(expense=expense, actor=actor, field="receipts", old=name, new=None)


@transaction.atomic
def receipt_convert_stored_heic(receipt: Receipt) -> bool:
    """Store a HEIC receipt kept as sent (before HEIC photos were converted) as JPEG without metadata, with a thumbnail.

    A maintenance step, not a user's change: the evidence stays the same picture, so no lock and no trail. False when
    there is nothing to do; DomainError when the stored file cannot be decoded (it is left as it is).
    """
    receipt = Receipt.objects.select_for_update().get(pk=receipt.pk)
    if receipt.content_type != "image/heic":
        return False
    with receipt.file.open("rb") as handle:
        data = handle.read()
    stored, content_type, thumbnail = _stored_form(data, receipt.content_type)
    storage, replaced = receipt.file.storage, [receipt.file.name, receipt.thumbnail.name]
    receipt.content_type, receipt.size = content_type, len(stored)
    receipt.file.save("receipt", ContentFile(stored), save=False)
    receipt.thumbnail.save("thumbnail", ContentFile(thumbnail), save=False)
    receipt.save(update_fields=["file", "thumbnail", "content_type", "size"])
    transaction.on_commit(lambda: _delete_files(storage, replaced))  # the old bytes, GPS and all, go after the commit
    return True


def _delete_files(storage, names) -> None:
    for name in names:
        if not name:
            continue
        try:
            storage.delete(name)
        except Exception:  # a file already gone must not turn a committed deletion into an error
            logger.warning("could not delete stored receipt file %s", name, exc_info=True)


@receiver(post_delete, sender=Receipt, dispatch_uid="expenses_receipt_files_cleanup")
def _receipt_files_cleanup(sender, instance: Receipt, **kwargs) -> None:
    # Any way a receipt goes (its own deletion, its expense's, its owner's): the files follow after the commit.
    storage, names = instance.file.storage, [instance.file.name, instance.thumbnail.name]
    transaction.on_commit(lambda: _delete_files(storage, names))


def uses_presigned_urls(receipt: Receipt) -> bool:
    """True when receipts live in S3: downloads then go through short-lived presigned URLs."""
    try:
        from storages.backends.s3 import S3Storage
    except ImportError:  # pragma: no cover - django-storages is a dependency
        return False
    storage = receipt.file.storage
    storage = getattr(storage, "_wrapped", storage)
    return isinstance(storage, S3Storage)


def wants_thumbnail(value: str | None) -> bool:
    """The `thumbnail` query parameter of a download: absent, 0/false (the file) or 1/true (its thumbnail)."""
    if value in {None, "", "0", "false"}:
        return False
    if value in {"1", "true"}:
        return True
    raise DomainError("Use thumbnail=1 for the thumbnail, or leave it out for the file.", field="thumbnail")


def receipt_stored_file(receipt: Receipt, *, thumbnail: bool = False) -> tuple[FieldFile, str]:
    """The stored file a download serves and its content type; asked for a thumbnail it has none of: NotFound.

    Images get a JPEG thumbnail on upload; PDFs (and files kept as sent) have none, and the answer says so rather
    than sending the full file in its place.
    """
    if not thumbnail:
        return receipt.file, receipt.content_type
    if not receipt.thumbnail:
        raise NotFound(
            "This receipt has no thumbnail (PDFs have none); download it without thumbnail=1.",
            field="thumbnail",
            code="no_thumbnail",
        )
    return receipt.thumbnail, "image/jpeg"


def receipt_download_url(receipt: Receipt, *, attachment_name: str | None = None, thumbnail: bool = False) -> str:
    """A presigned URL for the file or its thumbnail (S3 only; check permissions first), valid PRESIGNED_URL_SECONDS."""
    field, content_type = receipt_stored_file(receipt, thumbnail=thumbnail)
    parameters = {"ResponseContentType": content_type}
    disposition = f'attachment; filename="{attachment_name}"' if attachment_name else "inline"
    parameters["ResponseContentDisposition"] = disposition
    return field.storage.url(field.name, parameters=parameters, expire=settings.PRESIGNED_URL_SECONDS)


# --- Reading a receipt before its expense exists (the add-meal form) --------------------------------------------
READING_CACHE_SECONDS = 3600


def _reading_cache_key(owner_id: int, sha256: str) -> str:
    return f"receipt-reading:{owner_id}:{sha256}"


def receipt_upload_prefill(*, owner: User, file: UploadedFile, backend=None) -> dict:
    """Expense fields suggested by a receipt not yet attached: read by OCR, kept (an hour) for the save that follows.

    Same keys as `receipt_prefill`: amount, tax, tip, date, time, occurred_at, restaurant (the owner's, matched by
    name), restaurant_name/_address/_phone, confidence. Raises OcrUnavailable/OcrFailed/DomainError on `file`.
    """
    from expenses.ocr import get_backend
    from expenses.services.ocr import _restaurant_for

    content_type = receipt_check_upload(file)
    data = b"".join(file.chunks())
    file.seek(0)
    backend = backend or get_backend()
    readable, readable_type = data, content_type
    if content_type == "image/heic":  # the engines read JPEG: the photo is read as it will be stored
        readable, readable_type, _ = _stored_form(data, content_type)
    fields = backend.read(readable, readable_type)
    cache.set(_reading_cache_key(owner.pk, hashlib.sha256(data).hexdigest()), (backend.name, fields),
              READING_CACHE_SECONDS)  # fmt: skip
    minimum = settings.OCR_PREFILL_MIN_CONFIDENCE
    suggested: dict = {}

    def sure(name: str) -> bool:
        return fields.confidence(name) >= minimum

    for field, label in (("amount", "total"), ("tax", "tax"), ("tip", "tip")):
        if fields.value(label) is not None and sure(label):
            suggested[field] = fields.value(label)
    if fields.value("date") and sure("date"):
        suggested["date"] = fields.value("date")
        if fields.value("time") and sure("time"):
            suggested["time"] = fields.value("time")
            suggested["occurred_at"] = datetime.datetime.combine(
                suggested["date"], suggested["time"], tzinfo=owner.tzinfo
            )
    name = fields.value("merchant_name")
    if name and sure("merchant_name"):
        suggested["restaurant_name"] = name
        restaurant = _restaurant_for(owner.pk, name)
        if restaurant is not None:
            suggested["restaurant"] = restaurant
    for field, label in (("restaurant_address", "address"), ("restaurant_phone", "phone")):
        if fields.value(label) and sure(label):
            suggested[field] = fields.value(label)
    suggested["confidence"] = {name: value["confidence"] for name, value in fields.as_json().items()}
    return suggested


class _RecordedReading:
    """An OCR backend that answers with a reading already made (so a receipt is not read twice)."""

    def __init__(self, name: str, fields):
        self.name, self._fields = name, fields

    def read(self, data: bytes, content_type: str):
        return self._fields


def receipt_store_earlier_reading(receipt: Receipt) -> bool:
    """Store the reading made while the form was filled in, if there was one; call outside a transaction."""
    from expenses.services.ocr import receipt_read

    found = cache.get(_reading_cache_key(receipt.expense.owner_id, receipt.sha256))
    if found is None:
        return False
    receipt_read(receipt, backend=_RecordedReading(*found))
    return True


def receipt_mismatch_accept(*, receipt: Receipt, field: str, actor: User, expected_version: int | None = None):
    """Set the expense's `field` to what the receipt says (the "accept" of a mismatch), through expense_update."""
    from expenses.services.expenses import expense_update
    from expenses.services.ocr import _restaurant_for, receipt_mismatches

    expense = receipt.expense
    found = {mismatch.field: mismatch for mismatch in receipt_mismatches(receipt, expense)}
    if field not in found:
        raise DomainError("The receipt and the expense already agree on this.", field="field", code="no_mismatch")
    value = found[field].suggested
    if field == "date":
        local = expense.local_occurred_at()
        changes = {"occurred_at": local.replace(year=value.year, month=value.month, day=value.day)}
    elif field == "restaurant":
        restaurant = _restaurant_for(expense.owner_id, value)
        if restaurant is None:
            raise DomainError(
                f"None of your restaurants is called {value}; add it first.", field="field", code="no_restaurant"
            )
        changes = {"restaurant": restaurant}
    else:
        changes = {field: value}
    return expense_update(expense=expense, actor=actor, expected_version=expected_version, **changes)
