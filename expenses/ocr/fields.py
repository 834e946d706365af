"""What a receipt reading yields: each field a value with a confidence between 0 and 1."""

import dataclasses
import datetime
from decimal import Decimal
from http import HTTPStatus
from typing import Any

from mealtracker.errors import DomainError

FIELD_NAMES = ("total", "subtotal", "tax", "tip", "date", "time", "merchant_name", "address", "phone")
MONEY_FIELDS = ("total", "subtotal", "tax", "tip")


class OcrUnavailable(DomainError):
    """OCR is switched off or its engine is missing here."""

    status = HTTPStatus.SERVICE_UNAVAILABLE
    code = "ocr_unavailable"


class OcrFailed(DomainError):
    """The OCR engine or service did not answer or could not read the file."""

    status = HTTPStatus.BAD_GATEWAY
    code = "ocr_failed"


@dataclasses.dataclass(frozen=True)
class Extracted:
    value: Any
    confidence: float  # 0..1

    def as_json(self) -> dict:
        value = self.value
        if isinstance(value, Decimal | datetime.date | datetime.time):
            value = value.isoformat() if not isinstance(value, Decimal) else str(value)
        return {"value": value, "confidence": round(self.confidence, 3)}


@dataclasses.dataclass(frozen=True)
class ReceiptItem:
    """One priced line of the bill: "2 Burger 25.00" is 2 x Burger for 25.00 (the line's amount)."""

    description: str
    quantity: Decimal
    amount: Decimal
    confidence: float  # 0..1

    def as_json(self) -> dict:
        return {"description": self.description, "quantity": str(self.quantity), "amount": str(self.amount),
                "confidence": round(self.confidence, 3)}  # fmt: skip


@dataclasses.dataclass
class ReceiptFields:
    """One reading. Money is Decimal, `date` a date, `time` a time; a field nobody found is None."""

    total: Extracted | None = None
    subtotal: Extracted | None = None
    tax: Extracted | None = None
    tip: Extracted | None = None
    date: Extracted | None = None
    time: Extracted | None = None
    merchant_name: Extracted | None = None
    address: Extracted | None = None
    phone: Extracted | None = None
    raw_text: str = ""
    items: list[ReceiptItem] = dataclasses.field(default_factory=list)  # the bill's lines, where they were found

    def value(self, name: str):
        found = getattr(self, name)
        return found.value if found else None

    def confidence(self, name: str) -> float:
        found = getattr(self, name)
        return found.confidence if found else 0.0

    def filled_from(self, other: "ReceiptFields", *, weight: float = 1.0) -> "ReceiptFields":
        """This reading with its gaps filled from `other` (whose confidences are scaled by `weight`)."""
        merged = dataclasses.replace(self)
        for name in FIELD_NAMES:
            theirs = getattr(other, name)
            if getattr(merged, name) is None and theirs is not None:
                setattr(merged, name, Extracted(theirs.value, round(theirs.confidence * weight, 3)))
        merged.raw_text = self.raw_text or other.raw_text
        if not merged.items and other.items:
            merged.items = [dataclasses.replace(item, confidence=round(item.confidence * weight, 3))
                            for item in other.items]  # fmt: skip
        return merged

    def as_json(self) -> dict:
        return {name: getattr(self, name).as_json() for name in FIELD_NAMES if getattr(self, name) is not None}
