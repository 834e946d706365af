"""The report bundle: a PDF whose pages render (pdftoppm) with one page per receipt image, and a ZIP holding the
PDF, the original receipts and the lines; large reports are built by the job, not in the request."""

import io
import shutil
import subprocess
import zipfile
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from expenses.models import BundleStatus, Expense, ExpenseReport, Receipt, ReportBundle
from expenses.services.report_bundles import bundle_request
from expenses.tests.factories import ExpenseFactory

PDFTOPPM = shutil.which("pdftoppm")
pytestmark = pytest.mark.skipif(PDFTOPPM is None, reason="poppler-utils (pdftoppm) is not installed")


def _jpeg(colour: str, size=(900, 1400)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="JPEG", quality=80)
    return out.getvalue()


def _report_with_receipts(owner, *, meals: int, receipts_each: int = 1) -> ExpenseReport:
    report = ExpenseReport.objects.create(owner=owner, title="Boston week", purpose="Customer visits")
    for n in range(meals):
        expense = ExpenseFactory(owner=owner, business=True, amount=Decimal("42.00") + n, tax=0, tip=0)
        Expense.objects.filter(pk=expense.pk).update(report=report)
        for r in range(receipts_each):
            data = _jpeg("white" if r % 2 == 0 else "lightgrey")
            receipt = Receipt(expense=expense, original_name=f"till {n}-{r}.jpg", content_type="image/jpeg")
            receipt.size, receipt.sha256 = len(data), f"{n:032x}{r:032x}"
            receipt.file.save("x.jpg", ContentFile(data), save=True)
    return report


def _page_count(pdf: bytes, tmp_path) -> int:
    path = tmp_path / "bundle.pdf"
    path.write_bytes(pdf)
    command = [PDFTOPPM, "-r", "20", "-png", str(path), str(tmp_path / "page")]
    subprocess.run(command, check=True, timeout=120)  # noqa: S603 - our own file, a fixed command
    return len(list(tmp_path.glob("page-*.png")))


def test_bundle_pdf_renders_a_cover_a_section_per_meal_and_a_page_per_receipt(member, api_client_for, tmp_path):
    report = _report_with_receipts(member, meals=3)
    client = api_client_for(member)

    built = client.post(reverse("expenses_api:report-bundle", kwargs={"pk": report.pk}))
    pdf = client.get(reverse("expenses_api:report-bundle-download", kwargs={"pk": report.pk}), {"part": "pdf"})

    assert built.status_code == HTTPStatus.CREATED
    assert built.json()["status"] == "ready"
    body = b"".join(pdf.streaming_content)
    assert body.startswith(b"%PDF")
    # cover + (section + receipt) per meal
    assert _page_count(body, tmp_path) == 1 + 3 * 2


def test_bundle_zip_lists_the_pdf_the_original_receipts_and_the_lines(member, api_client_for):
    report = _report_with_receipts(member, meals=2, receipts_each=2)
    client = api_client_for(member)
    client.post(reverse("expenses_api:report-bundle", kwargs={"pk": report.pk}))

    response = client.get(reverse("expenses_api:report-bundle-download", kwargs={"pk": report.pk}), {"part": "zip"})

    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert names[:3] == ["report.pdf", "lines.csv", "lines.xlsx"]
    receipts = [name for name in names if name.startswith("receipts/")]
    assert len(receipts) == 4
    originals = {r.file.read() for r in Receipt.objects.filter(expense__report=report)}
    assert {archive.read(name) for name in receipts} == originals
    lines = archive.read("lines.csv").decode().splitlines()
    assert len(lines) == 1 + 2
    assert lines[0].startswith("expense_id,date,restaurant")


def test_large_reports_are_left_to_the_job_and_offered_when_ready(member, settings, api_client_for):
    settings.REPORT_BUNDLE_INLINE_LINES = 1
    report = _report_with_receipts(member, meals=2)
    client = api_client_for(member)

    asked = client.post(reverse("expenses_api:report-bundle", kwargs={"pk": report.pk}))
    waiting = client.get(reverse("expenses_api:report-bundle-download", kwargs={"pk": report.pk}), {"part": "zip"})
    call_command("build_report_bundles", stdout=io.StringIO())
    state = client.get(reverse("expenses_api:report-bundle", kwargs={"pk": report.pk}))

    assert asked.status_code == HTTPStatus.ACCEPTED
    assert waiting.status_code == HTTPStatus.NOT_FOUND
    assert state.json()["status"] == BundleStatus.READY
    assert ReportBundle.objects.get().zip_key.startswith("report-bundles/")


def test_someone_elses_report_has_no_bundle_for_me(member, outsider, api_client_for):
    report = _report_with_receipts(member, meals=1)

    response = api_client_for(outsider).post(reverse("expenses_api:report-bundle", kwargs={"pk": report.pk}))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_an_unreadable_image_still_gives_a_bundle(member):
    report = _report_with_receipts(member, meals=1)
    receipt = Receipt.objects.get(expense__report=report)
    receipt.file.save("broken.jpg", ContentFile(b"not an image"), save=True)

    bundle = bundle_request(report=report, actor=member)

    assert bundle.status == BundleStatus.READY
