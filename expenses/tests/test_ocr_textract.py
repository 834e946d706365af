import datetime
import json
from decimal import Decimal
from pathlib import Path

import boto3
import pytest
from botocore.stub import Stubber

from expenses.ocr import OcrFailed
from expenses.ocr.images import UnreadableFile
from expenses.ocr.textract import TextractBackend, parse_analyze_expense
from expenses.services.ocr import receipt_read
from expenses.tests.factories import ReceiptFactory

FIXTURES = Path(__file__).parent / "fixtures" / "textract"
PNG = b"\x89PNG\r\n\x1a\nreceipt"


def recorded(name: str) -> dict:
    return json.loads((FIXTURES / f"analyze_expense_{name}.json").read_text())


@pytest.fixture
def textract():
    client = boto3.client(
        "textract", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def test_analyze_expense_is_called_with_the_receipt_bytes_and_its_fields_are_read(textract):
    client, stubber = textract
    stubber.add_response("analyze_expense", recorded("golden_spoon"), {"Document": {"Bytes": PNG}})

    fields = TextractBackend(client=client).read(PNG, "image/png")

    assert fields.value("total") == Decimal("45.78")
    assert fields.value("subtotal") == Decimal("36.50")
    assert fields.value("tax") == Decimal("2.28")
    assert fields.value("tip") == Decimal("7.00")
    assert fields.value("date") == datetime.date(2026, 3, 7)
    assert fields.value("time") == datetime.time(19, 42)
    assert fields.value("merchant_name") == "THE GOLDEN SPOON"
    assert fields.value("address") == "123 Main Street, Boston, MA 02110"
    assert fields.value("phone") == "(617) 555-0123"


def test_textract_confidences_are_scaled_to_zero_to_one():
    fields = parse_analyze_expense(recorded("golden_spoon"))

    assert fields.confidence("total") == pytest.approx(0.99)


def test_the_raw_text_is_made_of_textracts_lines():
    fields = parse_analyze_expense(recorded("golden_spoon"))

    assert fields.raw_text.splitlines()[0] == "THE GOLDEN SPOON"


def test_the_most_confident_total_wins_when_textract_labels_several():
    fields = parse_analyze_expense(recorded("sparse"))

    assert fields.value("total") == Decimal("50.73")


def test_fields_textract_did_not_label_are_found_in_its_lines_with_less_confidence():
    fields = parse_analyze_expense(recorded("sparse"))

    assert fields.value("tax") == Decimal("2.23")
    assert fields.value("date") == datetime.date(2026, 2, 14)
    assert fields.value("phone") == "(207) 555-0188"
    assert fields.confidence("tax") < fields.confidence("total")


def test_a_document_textract_cannot_read_is_the_users_error(textract):
    client, stubber = textract
    stubber.add_client_error("analyze_expense", service_error_code="UnsupportedDocumentException")

    with pytest.raises(UnreadableFile):
        TextractBackend(client=client).read(PNG, "image/png")


def test_throttling_or_an_outage_is_an_ocr_failure(textract):
    client, stubber = textract
    stubber.add_client_error("analyze_expense", service_error_code="ThrottlingException", http_status_code=400)

    with pytest.raises(OcrFailed):
        TextractBackend(client=client).read(PNG, "image/png")


def test_a_heic_photo_is_refused_before_calling_aws(textract):
    client, _ = textract

    with pytest.raises(UnreadableFile):
        TextractBackend(client=client).read(b"....ftypheic", "image/heic")


@pytest.mark.django_db
def test_the_configured_textract_backend_reads_a_stored_receipt(textract, settings, monkeypatch):
    client, stubber = textract
    settings.OCR_BACKEND = "textract"
    monkeypatch.setattr("expenses.ocr.textract.textract_client", lambda: client)
    receipt = ReceiptFactory()
    with receipt.file.open("rb") as handle:
        stubber.add_response("analyze_expense", recorded("golden_spoon"), {"Document": {"Bytes": handle.read()}})

    receipt_read(receipt)

    receipt.refresh_from_db()
    assert (receipt.ocr_total, receipt.reading.backend) == (Decimal("45.78"), "textract")
