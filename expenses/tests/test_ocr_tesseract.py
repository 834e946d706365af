import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image

from expenses.ocr import OcrUnavailable
from expenses.ocr.images import UnreadableFile, open_image
from expenses.ocr.tesseract import TesseractBackend, tsv_lines
from expenses.tests.receipt_images import TillReceipt, image_bytes, render_receipt, score

RECEIPTS = Path(__file__).parent / "fixtures" / "receipts"
needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="run scripts/setup-ocr.sh")


@needs_tesseract
def test_a_clean_rendered_receipt_is_read_completely():
    fields = TesseractBackend().read(image_bytes(render_receipt(TillReceipt())), "image/png")

    *_, wrong = score(
        fields,
        {
            "total": "45.78", "subtotal": "36.50", "tax": "2.28", "tip": "7.00", "date": "2026-03-07",
            "time": "19:42:00", "merchant_name": "THE GOLDEN SPOON", "address": "123 Main Street, Boston, MA 02110",
            "phone": "(617) 555-0123",
        },
    )  # fmt: skip
    assert wrong == []


@needs_tesseract
def test_the_photo_like_fixtures_are_read_with_at_least_nine_in_ten_fields_right():
    expected = json.loads((RECEIPTS / "expected.json").read_text())
    right = total = 0
    for name, fields in expected.items():
        got = TesseractBackend().read((RECEIPTS / name).read_bytes(), "image/jpeg")
        assert got.value("total") == Decimal(fields["total"]), name
        file_right, file_total, _ = score(got, fields)
        right, total = right + file_right, total + file_total

    assert right / total >= 0.9  # docs/receipts.md records the exact figure


def test_a_missing_tesseract_binary_means_ocr_is_unavailable():
    backend = TesseractBackend(command="/nonexistent/tesseract")

    with pytest.raises(OcrUnavailable):
        backend.read(image_bytes(render_receipt(TillReceipt())), "image/png")


def test_a_pdf_is_refused_by_the_local_engine():
    with pytest.raises(UnreadableFile):
        TesseractBackend().read(b"%PDF-1.7 ...", "application/pdf")


def test_bytes_that_are_not_an_image_are_refused():
    with pytest.raises(UnreadableFile):
        TesseractBackend().read(b"\x89PNG\r\n\x1a\nnot really", "image/png")


def test_tsv_words_are_grouped_into_lines_with_their_mean_confidence():
    tsv = (
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
        "4\t1\t1\t1\t1\t0\t0\t0\t10\t10\t-1\t\n"
        "5\t1\t1\t1\t1\t1\t0\t0\t10\t10\t90\tTOTAL\n"
        "5\t1\t1\t1\t1\t2\t0\t0\t10\t10\t70\t12.00\n"
        "5\t1\t1\t1\t2\t1\t0\t0\t10\t10\t95\tThanks\n"
    )

    assert tsv_lines(tsv) == [("TOTAL 12.00", pytest.approx(0.8)), ("Thanks", pytest.approx(0.95))]


def test_a_huge_image_is_refused_before_it_is_decoded():
    with pytest.raises(UnreadableFile, match="too large"):
        open_image(image_bytes(Image.new("1", (10_000, 7_000), 1)))
