"""OCR with AWS Textract's AnalyzeExpense: receipt fields come back already labelled (TOTAL, TAX, ...)."""

import contextlib
from decimal import Decimal

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings

from expenses.ocr.fields import Extracted, OcrFailed, ReceiptFields, ReceiptItem
from expenses.ocr.images import UnreadableFile, png_or_jpeg
from expenses.ocr.parser import (
    ITEM_QUANTITY_RE,
    PLAIN_TEXT_CONFIDENCE,
    parse_date_text,
    parse_money_text,
    parse_receipt_lines,
    parse_time_text,
)

# Textract summary field type -> our field. Several types can feed one field; the first listed wins ties.
FIELD_TYPES = {
    "TOTAL": "total",
    "AMOUNT_PAID": "total",
    "SUBTOTAL": "subtotal",
    "TAX": "tax",
    "GRATUITY": "tip",
    "INVOICE_RECEIPT_DATE": "date",
    "VENDOR_NAME": "merchant_name",
    "VENDOR_ADDRESS": "address",
    "VENDOR_PHONE": "phone",
}
UNREADABLE = {"UnsupportedDocumentException", "BadDocumentException", "DocumentTooLargeException"}
FALLBACK_WEIGHT = 0.8  # fields found only in the raw text are less certain than Textract's labelled ones


def textract_client():
    region = settings.OCR_TEXTRACT_REGION or None
    timeout = settings.OCR_TIMEOUT_SECONDS
    config = Config(connect_timeout=5, read_timeout=timeout, retries={"max_attempts": 3, "mode": "standard"})
    return boto3.client("textract", region_name=region, config=config)


def _value(name: str, text: str):
    if name in {"total", "subtotal", "tax", "tip"}:
        return parse_money_text(text)
    if name == "date":
        return parse_date_text(text)
    if name == "address":
        return ", ".join(part.strip(" ,") for part in text.splitlines() if part.strip(" ,"))
    return " ".join(text.split()) or None


def line_items_of(document: dict) -> list[ReceiptItem]:
    """The bill's lines from AnalyzeExpense's LineItemGroups: ITEM (its text may start with the quantity), PRICE
    (the line's amount) and QUANTITY when Textract labels it."""
    items = []
    for group in document.get("LineItemGroups", []):
        for line in group.get("LineItems", []):
            found = {}
            for field in line.get("LineItemExpenseFields", []):
                kind = field.get("Type", {}).get("Text", "")
                detection = field.get("ValueDetection") or {}
                if kind in {"ITEM", "PRICE", "QUANTITY"} and (detection.get("Text") or "").strip():
                    found[kind] = (detection["Text"].strip(), detection.get("Confidence", 0.0) / 100)
            if "ITEM" not in found or "PRICE" not in found:
                continue
            amount = parse_money_text(found["PRICE"][0])
            description, quantity = found["ITEM"][0], Decimal(1)
            if match := ITEM_QUANTITY_RE.match(description):
                quantity, description = Decimal(match.group(1)), description[match.end() :].strip()
            if "QUANTITY" in found:
                with contextlib.suppress(ArithmeticError):
                    quantity = Decimal(found["QUANTITY"][0]) or quantity
            if amount is None or not description or quantity <= 0:
                continue
            confidence = round(min(found["ITEM"][1], found["PRICE"][1]), 3)
            items.append(ReceiptItem(" ".join(description.split())[:200], quantity, amount, confidence))
    return items


def parse_analyze_expense(response: dict) -> ReceiptFields:
    """Fields from an AnalyzeExpense response; what Textract did not label is looked for in its raw lines."""
    best: dict[str, tuple[float, object, str]] = {}
    lines: list[tuple[str, float]] = []
    for document in response.get("ExpenseDocuments", []):
        for field in document.get("SummaryFields", []):
            name = FIELD_TYPES.get(field.get("Type", {}).get("Text", ""))
            detection = field.get("ValueDetection") or {}
            text = detection.get("Text") or ""
            if not name or not text.strip():
                continue
            type_confidence = field.get("Type", {}).get("Confidence", 100.0)
            confidence = min(detection.get("Confidence", 0.0), type_confidence) / 100
            value = _value(name, text)
            if value is None:
                continue
            current = best.get(name)
            # Highest confidence wins; between equally sure totals, the larger one is the grand total.
            rank = (confidence, value if name == "total" else 0)
            if current is None or rank > (current[0], current[1] if name == "total" else 0):
                best[name] = (confidence, value, text)
        lines.extend(
            (block["Text"], block.get("Confidence", PLAIN_TEXT_CONFIDENCE * 100) / 100)
            for block in document.get("Blocks", [])
            if block.get("BlockType") == "LINE" and block.get("Text")
        )
    fields = ReceiptFields(raw_text="\n".join(text for text, _ in lines))
    fields.items = [item for document in response.get("ExpenseDocuments", []) for item in line_items_of(document)]
    for name, (confidence, value, _) in best.items():
        setattr(fields, name, Extracted(value, round(confidence, 3)))
    if fields.date is not None and (moment := parse_time_text(best["date"][2])):
        fields.time = Extracted(moment, fields.date.confidence)
    return fields.filled_from(parse_receipt_lines(lines), weight=FALLBACK_WEIGHT)


class TextractBackend:
    name = "textract"

    def __init__(self, client=None):
        self._client = client

    @property
    def client(self):
        if self._client is None:
            self._client = textract_client()
        return self._client

    def read(self, data: bytes, content_type: str) -> ReceiptFields:
        if content_type == "image/heic":
            raise UnreadableFile("Textract reads JPEG, PNG and PDF receipts; convert HEIC photos first.", field="file")
        try:
            response = self.client.analyze_expense(Document={"Bytes": png_or_jpeg(data, content_type)})
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in UNREADABLE:
                raise UnreadableFile("Textract could not read this file as a receipt.", field="file") from exc
            raise OcrFailed("The receipt reading service did not answer. Try again later.") from exc
        except BotoCoreError as exc:
            raise OcrFailed("The receipt reading service did not answer. Try again later.") from exc
        return parse_analyze_expense(response)
