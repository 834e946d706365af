"""Local OCR with Debian's `tesseract` binary (scripts/setup-ocr.sh), called through subprocess with TSV output.

No Python wrapper (pytesseract) is needed: TSV gives every word with its confidence, which is all we use.
"""

import csv
import io
import shutil
import subprocess
from collections import defaultdict

from django.conf import settings

from expenses.ocr.fields import OcrFailed, OcrUnavailable, ReceiptFields
from expenses.ocr.images import UnreadableFile, grey_png_for_tesseract
from expenses.ocr.parser import parse_receipt_lines

PAGE_SEGMENTATION = "6"  # one uniform block: keeps a tilted line and its price on one line (4 splits them)


def tsv_lines(tsv: str) -> list[tuple[str, float]]:
    """Tesseract TSV rows grouped into lines: (text, mean word confidence 0..1), top to bottom."""
    words: dict[tuple, list[tuple[str, float]]] = defaultdict(list)
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        try:
            confidence = float(row.get("conf") or -1)
        except ValueError:
            continue
        if row.get("level") == "5" and text and confidence >= 0:
            key = tuple(int(row[name]) for name in ("page_num", "block_num", "par_num", "line_num"))
            words[key].append((text, confidence / 100))
    return [
        (" ".join(text for text, _ in line), sum(conf for _, conf in line) / len(line))
        for _, line in sorted(words.items())
    ]


class TesseractBackend:
    name = "tesseract"

    def __init__(self, command: str | None = None, language: str | None = None, timeout: float | None = None):
        self.command = command or settings.OCR_TESSERACT_CMD
        self.language = language or settings.OCR_TESSERACT_LANG
        self.timeout = timeout or settings.OCR_TIMEOUT_SECONDS

    def installed(self) -> bool:
        return shutil.which(self.command) is not None

    def read(self, data: bytes, content_type: str) -> ReceiptFields:
        if not content_type.startswith("image/") or content_type == "image/heic":
            raise UnreadableFile("Local OCR reads JPEG, PNG and WebP photos of receipts.", field="file")
        image = grey_png_for_tesseract(data)
        try:
            finished = subprocess.run(  # noqa: S603 - fixed arguments, no shell, the command comes from settings
                [self.command, "stdin", "stdout", "-l", self.language, "--psm", PAGE_SEGMENTATION, "tsv"],
                input=image,
                capture_output=True,
                timeout=self.timeout,
                check=True,
            )
        except FileNotFoundError as exc:
            raise OcrUnavailable("Receipt reading is not installed on this server (tesseract).") from exc
        except subprocess.TimeoutExpired as exc:
            raise OcrFailed("Reading the receipt took too long. Try a smaller or sharper photo.") from exc
        except subprocess.CalledProcessError as exc:
            raise OcrFailed("The receipt could not be read.") from exc
        return parse_receipt_lines(tsv_lines(finished.stdout.decode("utf-8", "replace")))
