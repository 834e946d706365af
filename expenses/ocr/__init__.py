"""Receipt OCR behind one interface: `backend().read(data, content_type) -> ReceiptFields`.

Backends: "tesseract" (local binary), "textract" (AWS AnalyzeExpense); chosen by settings.OCR_BACKEND.
"""

from typing import Protocol

from django.conf import settings

from expenses.ocr.fields import FIELD_NAMES, Extracted, OcrFailed, OcrUnavailable, ReceiptFields


class OcrBackend(Protocol):
    name: str

    def read(self, data: bytes, content_type: str) -> ReceiptFields: ...


def ocr_enabled() -> bool:
    return settings.OCR_BACKEND in {"tesseract", "textract"}


def ocr_unavailable_reason() -> str | None:
    """Why receipts cannot be read here (the add-meal form says it), or None when an engine is ready."""
    if not ocr_enabled():
        return "Receipt reading is off on this server"
    installed = getattr(get_backend(), "installed", None)  # a local engine can be missing; a cloud one cannot
    if installed is not None and not installed():
        return f"Receipt reading is on, but {settings.OCR_BACKEND} is not installed on this server"
    return None


def get_backend(name: str | None = None) -> OcrBackend:
    """The configured OCR backend (or the one named)."""
    name = (name or settings.OCR_BACKEND).lower()
    if name == "tesseract":
        from expenses.ocr.tesseract import TesseractBackend

        return TesseractBackend()
    if name == "textract":
        from expenses.ocr.textract import TextractBackend

        return TextractBackend()
    raise OcrUnavailable("Receipt reading is turned off on this server.")


__all__ = [
    "FIELD_NAMES",
    "Extracted",
    "OcrBackend",
    "OcrFailed",
    "OcrUnavailable",
    "ReceiptFields",
    "get_backend",
    "ocr_enabled",
    "ocr_unavailable_reason",
]
