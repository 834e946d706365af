"""Receipts of a restored expense: what a backup says about each receipt, with its stored file copied.

A backup holds a receipt's metadata and OCR reading and the storage keys of its file and thumbnail, not the bytes.
On restore the stored file is copied under a new random key (the copy belongs to the restored expense: deleting
either expense removes only its own copy). The bytes were checked and re-encoded when first uploaded, so they are
copied as they are. Should the restore fail after a copy, the copy stays in storage unreferenced.
"""

import re

from django.core.files.base import ContentFile
from django.db import transaction

from accounts.models import User
from expenses.models import Expense, Receipt, ReceiptReading

# What a backup records of a receipt and of its reading, besides the file keys.
RECEIPT_FIELDS = [
    "original_name", "content_type", "size", "sha256", "ocr_total", "ocr_tax", "ocr_tip", "ocr_date",
    "ocr_merchant_name", "ocr_confidence", "ocr_raw_text", "created_at",
]  # fmt: skip
READING_FIELDS = ["backend", "subtotal", "time", "merchant_address", "merchant_phone", "fields"]


# Only keys the receipt storage itself hands out: a backup cannot point a restore at any other stored file.
STORED_KEY = re.compile(r"^receipts/(thumbnails/)?[0-9a-f]{32}\.(jpg|png|webp|heic|pdf)$")


def receipt_file_stored(name: str) -> bool:
    """True when the receipt storage still holds a file under this key (a key of the shape it hands out)."""
    return bool(name) and bool(STORED_KEY.match(name)) and Receipt._meta.get_field("file").storage.exists(name)


@transaction.atomic
def receipt_restore(
    *,
    expense: Expense,
    uploaded_by: User | None,
    file_name: str,
    thumbnail_name: str = "",
    values: dict,
    reading: dict | None = None,
) -> Receipt | None:
    """A copy of a backed-up receipt on a restored expense (`values`: RECEIPT_FIELDS, `reading`: READING_FIELDS,
    typed). None when the storage no longer holds the file: a receipt is never recorded without one."""
    if not receipt_file_stored(file_name):
        return None
    created_at = values.get("created_at")
    receipt = Receipt(
        expense=expense, uploaded_by=uploaded_by, **{k: v for k, v in values.items() if k != "created_at"}
    )
    storage = Receipt._meta.get_field("file").storage
    if not Receipt.objects.filter(file=file_name, sha256=values.get("sha256")).exists():
        return None  # the key must name the very receipt the backup recorded, never another stored file
    with storage.open(file_name, "rb") as handle:
        receipt.file.save("receipt", ContentFile(handle.read()), save=False)
    if receipt_file_stored(thumbnail_name):
        with storage.open(thumbnail_name, "rb") as handle:
            receipt.thumbnail.save("thumbnail", ContentFile(handle.read()), save=False)
    copies = [receipt.file.name, receipt.thumbnail.name]
    try:
        receipt.save()
        if created_at is not None:  # auto_now_add ignores a given value; keep when it was first attached
            Receipt.objects.filter(pk=receipt.pk).update(created_at=created_at)
            receipt.created_at = created_at
        if reading:
            ReceiptReading.objects.create(receipt=receipt, **reading)
    except Exception:
        for name in copies:
            if name:
                storage.delete(name)
        raise
    return receipt


def receipt_backup(receipt: Receipt) -> dict:
    """What a backup records of one receipt (JSON-ready values are made by the caller)."""
    reading = receipt.reading if hasattr(receipt, "reading") else None  # hasattr: False when there is none
    return {
        "file": receipt.file.name,
        "thumbnail": receipt.thumbnail.name or "",
        "uploaded_by": receipt.uploaded_by.email if receipt.uploaded_by_id else None,
        **{field: getattr(receipt, field) for field in RECEIPT_FIELDS},
        "reading": {field: getattr(reading, field) for field in READING_FIELDS} if reading is not None else None,
    }
