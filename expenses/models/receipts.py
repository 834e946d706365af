"""Receipt files attached to expenses and what OCR read from them."""

import uuid

from django.conf import settings
from django.db import models

from expenses.models.expenses import Expense
from expenses.models.fields import MONEY


def receipt_storage_key(instance: "Receipt", filename: str) -> str:
    # The key never contains the user's file name: a UUID plus the extension of the sniffed type.
    extension = Receipt.EXTENSIONS.get(instance.content_type, "")
    return f"receipts/{uuid.uuid4().hex}{extension}"


def receipt_thumbnail_key(instance: "Receipt", filename: str) -> str:
    # Thumbnails are always JPEG, under their own random key.
    return f"receipts/thumbnails/{uuid.uuid4().hex}.jpg"


class Receipt(models.Model):
    EXTENSIONS = {
        "image/jpeg": ".jpg",
        "image/png": ".png",
        "image/webp": ".webp",
        "image/heic": ".heic",
        "application/pdf": ".pdf",
    }

    expense = models.ForeignKey(Expense, on_delete=models.CASCADE, related_name="receipts")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    file = models.FileField(upload_to=receipt_storage_key, max_length=255)
    thumbnail = models.FileField(upload_to=receipt_thumbnail_key, max_length=255, blank=True)
    original_name = models.CharField(max_length=255, blank=True, help_text="Shown to the user; never a key.")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    ocr_total = models.DecimalField(**MONEY, null=True, blank=True)
    ocr_tax = models.DecimalField(**MONEY, null=True, blank=True)
    ocr_tip = models.DecimalField(**MONEY, null=True, blank=True)
    ocr_date = models.DateField(null=True, blank=True)
    ocr_merchant_name = models.CharField(max_length=200, blank=True)
    ocr_confidence = models.JSONField(default=dict, blank=True, help_text="Confidence per extracted field.")
    ocr_raw_text = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.original_name or self.file.name


class ReceiptReading(models.Model):
    """The full OCR reading of a receipt: what does not fit Receipt's ocr_* columns, and how it was read."""

    receipt = models.OneToOneField(Receipt, on_delete=models.CASCADE, related_name="reading")
    backend = models.CharField(max_length=20)
    read_at = models.DateTimeField(auto_now=True)
    subtotal = models.DecimalField(**MONEY, null=True, blank=True)
    time = models.TimeField(null=True, blank=True)
    merchant_address = models.CharField(max_length=300, blank=True)
    merchant_phone = models.CharField(max_length=30, blank=True)
    fields = models.JSONField(default=dict, blank=True, help_text="Every extracted field: value and confidence.")

    def __str__(self):
        return f"{self.backend} reading of receipt {self.receipt_id}"
