"""Reading receipts: store what OCR found, compare it with what the user entered, suggest expense fields."""

import dataclasses
import datetime
import difflib
import logging
import re
import string
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from expenses.models import Expense, Receipt, ReceiptReading, Restaurant, RestaurantAlias
from expenses.ocr import OcrBackend, ReceiptFields, get_backend
from expenses.services.splits import line_items_fill_from_receipt
from mealtracker import metrics

logger = logging.getLogger(__name__)
TOLERANCE = Decimal("0.01")
NAME_SIMILARITY = 0.85  # difflib ratio above which two restaurant names are the same place


def receipt_read(receipt: Receipt, *, backend: OcrBackend | None = None) -> Receipt:
    """Run OCR on the receipt's file and store the results on it (ocr_* columns and its ReceiptReading)."""
    backend = backend or get_backend()
    with receipt.file.open("rb") as handle:
        data = handle.read()
    fields = backend.read(data, receipt.content_type)  # seconds of OCR: outside any transaction
    with transaction.atomic():
        _store_reading(receipt, fields, backend.name)
    logger.info("receipt %s read by %s: %d fields", receipt.pk, backend.name, len(receipt.ocr_confidence))
    confidences = [float(value) for value in receipt.ocr_confidence.values() if value is not None]
    metrics.business_event_on_commit(
        "ocr_read", backend=backend.name, confidence=sum(confidences) / len(confidences) if confidences else 0.0
    )
    return receipt


def _store_reading(receipt: Receipt, fields: ReceiptFields, backend_name: str) -> None:
    receipt.ocr_total = fields.value("total")
    receipt.ocr_tax = fields.value("tax")
    receipt.ocr_tip = fields.value("tip")
    receipt.ocr_date = fields.value("date")
    receipt.ocr_merchant_name = (fields.value("merchant_name") or "")[:200]
    receipt.ocr_confidence = {name: value["confidence"] for name, value in fields.as_json().items()}
    receipt.ocr_raw_text = fields.raw_text
    receipt.save(
        update_fields=[
            "ocr_total", "ocr_tax", "ocr_tip", "ocr_date", "ocr_merchant_name", "ocr_confidence", "ocr_raw_text",
        ]
    )  # fmt: skip
    ReceiptReading.objects.update_or_create(
        receipt=receipt,
        defaults={
            "backend": backend_name,
            "subtotal": fields.value("subtotal"),
            "time": fields.value("time"),
            "merchant_address": (fields.value("address") or "")[:300],
            "merchant_phone": (fields.value("phone") or "")[:30],
            "fields": {
                **fields.as_json(),
                **({"line_items": [i.as_json() for i in fields.items]} if fields.items else {}),
            },
        },
    )
    if fields.items:
        line_items_fill_from_receipt(expense=receipt.expense, items=fields.items)


OCR_LOOKALIKES = str.maketrans("015", "ols")  # digits OCR reads for letters inside a word


def _normalise_name(name: str) -> str:
    name = re.sub(r"[^a-z0-9 ]", " ", (name or "").lower().replace("&", " and "))
    words = [word.translate(OCR_LOOKALIKES) if re.search(r"[a-z]", word) else word for word in name.split()]
    return " ".join(word for word in words if word not in {"the", "restaurant", "cafe", "inc", "llc"})


def names_match(first: str, second: str) -> bool:
    """Same restaurant name, allowing case, punctuation, a branch suffix and small OCR slips."""
    a, b = _normalise_name(first), _normalise_name(second)
    if not a or not b:
        return False
    if a == b or a in b or b in a:
        return True
    return difflib.SequenceMatcher(None, a, b).ratio() >= NAME_SIMILARITY


@dataclasses.dataclass(frozen=True)
class Mismatch:
    """One difference between the receipt and the expense; `suggested` is what accepting it would set."""

    field: str  # the expense field: amount, tax, tip, date, restaurant
    receipt_value: object
    entered_value: object
    confidence: float
    message: str

    @property
    def suggested(self):
        return self.receipt_value


def receipt_mismatches(receipt: Receipt, expense: Expense) -> list[Mismatch]:
    """Where the receipt disagrees with the entered expense: amount, tax, tip (beyond ±0.01), date, restaurant."""
    confidence = receipt.ocr_confidence or {}
    found: list[Mismatch] = []
    for field, ocr_value, label in (
        ("amount", receipt.ocr_total, "total"),
        ("tax", receipt.ocr_tax, "tax"),
        ("tip", receipt.ocr_tip, "tip"),
    ):
        entered = getattr(expense, field)
        if ocr_value is not None and entered is not None and abs(ocr_value - entered) > TOLERANCE:
            found.append(
                Mismatch(field, ocr_value, entered, confidence.get(label, 0.0),
                         f"The receipt's {label} is {ocr_value}, the expense says {entered}.")
            )  # fmt: skip
    if receipt.ocr_date and expense.occurred_at:
        entered_date = expense.local_occurred_at().date()
        if receipt.ocr_date != entered_date:
            found.append(
                Mismatch("date", receipt.ocr_date, entered_date, confidence.get("date", 0.0),
                         f"The receipt is dated {receipt.ocr_date:%Y-%m-%d}, the expense {entered_date:%Y-%m-%d}.")
            )  # fmt: skip
    restaurant = expense.restaurant
    if receipt.ocr_merchant_name and restaurant is not None:
        names = [restaurant.name, restaurant.display_name]
        if restaurant.merchant_id:
            names += [restaurant.merchant.name, restaurant.merchant.short_name]
        if not any(names_match(receipt.ocr_merchant_name, name) for name in names if name) and not any(
            names_match(receipt.ocr_merchant_name, alias.name) for alias in restaurant.aliases.all()
        ):  # nor a name it had before a merge
            found.append(
                Mismatch("restaurant", receipt.ocr_merchant_name, restaurant.name,
                         confidence.get("merchant_name", 0.0),
                         f"The receipt is from {receipt.ocr_merchant_name}, the expense names {restaurant.name}.")
            )  # fmt: skip
    return found


def _restaurant_for(owner_id: int, name: str) -> Restaurant | None:
    if not name:
        return None
    candidates = Restaurant.objects.filter(owner_id=owner_id).select_related("merchant")
    words = _normalise_name(name).split()
    if words:
        candidates = candidates.filter(name__icontains=max(words, key=len))  # narrow in SQL, then compare
    found = next((r for r in candidates[:50] if names_match(name, r.name) or names_match(name, r.display_name)), None)
    if found is None:  # a name a merge folded into another restaurant finds the one kept
        aliases = RestaurantAlias.objects.filter(owner_id=owner_id).select_related("restaurant__merchant")
        if words:
            aliases = aliases.filter(name__icontains=max(words, key=len))
        found = next((alias.restaurant for alias in aliases[:50] if names_match(name, alias.name)), None)
    return found


def receipt_prefill(receipt: Receipt) -> dict:
    """Expense fields suggested by the receipt (only those read with enough confidence), for a form or API."""
    minimum = settings.OCR_PREFILL_MIN_CONFIDENCE
    confidence = receipt.ocr_confidence or {}
    reading = ReceiptReading.objects.filter(receipt=receipt).first()
    suggested: dict = {}

    def sure(name: str) -> bool:
        return confidence.get(name, 0.0) >= minimum

    for field, value, label in (
        ("amount", receipt.ocr_total, "total"),
        ("tax", receipt.ocr_tax, "tax"),
        ("tip", receipt.ocr_tip, "tip"),
    ):
        if value is not None and sure(label):
            suggested[field] = value
    if receipt.ocr_date and sure("date"):
        suggested["date"] = receipt.ocr_date
        if reading and reading.time and sure("time"):
            suggested["time"] = reading.time
            suggested["occurred_at"] = _local_datetime(receipt, receipt.ocr_date, reading.time)
    if receipt.ocr_merchant_name and sure("merchant_name"):
        suggested["restaurant_name"] = receipt.ocr_merchant_name
        owner_id = receipt.expense.owner_id
        restaurant = _restaurant_for(owner_id, receipt.ocr_merchant_name)
        if restaurant is not None:
            suggested["restaurant"] = restaurant
    if reading and reading.merchant_address and sure("address"):
        suggested["restaurant_address"] = reading.merchant_address
    if reading and reading.merchant_phone and sure("phone"):
        suggested["restaurant_phone"] = reading.merchant_phone
    suggested["confidence"] = dict(confidence)
    return suggested


def _local_datetime(receipt: Receipt, day: datetime.date, moment: datetime.time) -> datetime.datetime:
    """The receipt's date and time are wall-clock times where the owner ate: their timezone."""
    return datetime.datetime.combine(day, moment, tzinfo=receipt.expense.owner.tzinfo)


US_CITY_LINE_RE = re.compile(
    r"^(?P<city>[A-Za-z][A-Za-z .'\-]*?),?\s+(?P<region>[A-Z]{2})\.?\s+(?P<postal_code>\d{5}(?:-\d{4})?)$"
)


def restaurant_fields_from_receipt(*, name: str, address: str = "", phone: str = "") -> dict:
    """A new restaurant's fields as its receipt prints them: the name as people write it (receipts shout), the street
    line, and a "City, ST 12345" line as city, region, postal code and country (US) when it reads so."""
    name = " ".join(name.split())
    if name.isupper():
        name = string.capwords(name.lower())
    fields = {"name": name[:100], "phone": " ".join(phone.split())[:30]}
    street, _, rest = (part.strip() for part in address.partition(","))
    if street:
        fields["address_line_1"] = street[:200]
    if place := US_CITY_LINE_RE.match(rest):
        fields.update(place.groupdict(), country="US")
        fields["city"] = fields["city"].strip()
    return {key: value for key, value in fields.items() if value}
