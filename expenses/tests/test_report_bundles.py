"""The report bundle: a PDF whose pages render (pdftoppm) with one page per receipt image and each meal's changes,
and a ZIP holding the PDF, the original receipts, the lines and the history; large reports are built by the job,
not in the request."""

import csv
import datetime
import io
import shutil
import subprocess
import zipfile
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

from expenses import services
from expenses.models import BundleStatus, ChangeSource, Expense, ExpenseChange, ExpenseReport, Receipt, ReportBundle
from expenses.services.report_bundles import bundle_request
from expenses.tests.factories import ExpenseFactory

PDFTOPPM = shutil.which("pdftoppm")
pytestmark = pytest.mark.django_db


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


@pytest.mark.skipif(PDFTOPPM is None, reason="poppler-utils (pdftoppm) is not installed")
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
    assert names[:4] == ["report.pdf", "lines.csv", "lines.xlsx", "history.csv"]
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


def _download(client, report, part: str) -> bytes:
    client.post(reverse("expenses_api:report-bundle", kwargs={"pk": report.pk}))
    response = client.get(reverse("expenses_api:report-bundle-download", kwargs={"pk": report.pk}), {"part": part})
    return b"".join(response.streaming_content)


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_bundle_pdf_lists_each_meals_changes_in_the_owners_time_zone(member, api_client_for):
    member.timezone = "Asia/Tokyo"
    member.save(update_fields=["timezone"])
    report = _report_with_receipts(member, meals=1)
    expense = report.lines.get()
    services.expense_update(
        expense=expense, actor=member, amount=Decimal("50.00"),
        occurred_at=datetime.datetime(2026, 3, 2, 12, 30, tzinfo=datetime.UTC),
    )  # fmt: skip
    change = ExpenseChange.objects.filter(expense=expense).latest("id")

    text = _pdf_text(_download(api_client_for(member), report, "pdf"))

    section = text[text.index("Approval history") :]
    assert section.index("Changes") < section.index("Receipts:")
    stamp = timezone.localtime(change.created_at, member.tzinfo)
    assert f"{stamp:%d %b %Y %H:%M} · {member.email} · " in section
    assert "Amount: 42.00 -> 50.00" in section
    assert "-> 2 Mar 2026, 21:30" in section  # 12:30 UTC is 21:30 in Tokyo


def test_bundle_zip_has_the_history_one_row_per_changed_field_and_no_formulas(member, api_client_for):
    report = _report_with_receipts(member, meals=2)
    first, second = report.lines.order_by("id")
    services.expense_update(expense=first, actor=member, amount=Decimal("50.00"), business_purpose="=HYPERLINK(1)")
    services.expense_update(expense=second, actor=member, notes="Paid by card")

    archive = zipfile.ZipFile(io.BytesIO(_download(api_client_for(member), report, "zip")))

    rows = list(csv.reader(io.StringIO(archive.read("history.csv").decode())))
    assert rows[0] == ["expense_id", "changed_at", "changed_by", "source", "field", "old", "new"]
    by_field = {(int(row[0]), row[4]): row for row in rows[1:]}
    amount = by_field[(first.pk, "Amount")]
    assert amount[5:] == ["42.00", "50.00"]
    assert amount[2] == member.email
    assert datetime.datetime.fromisoformat(amount[1]).utcoffset() == datetime.timedelta(0)
    purpose = next(row for (pk, field), row in by_field.items() if pk == first.pk and row[6].startswith("'"))
    assert purpose[6] == "'=HYPERLINK(1)"  # a spreadsheet shows it as text, never runs it
    assert by_field[(second.pk, "Notes")][5:] == ["", "Paid by card"]
    lines = list(csv.reader(io.StringIO(archive.read("lines.csv").decode())))
    assert "'=HYPERLINK(1)" in next(row for row in lines if row[0] == str(first.pk))
    sheet = load_workbook(io.BytesIO(archive.read("lines.xlsx")), read_only=True).active
    assert "'=HYPERLINK(1)" in [cell for row in sheet.iter_rows(values_only=True) for cell in row]


def _add_changes(report: ExpenseReport, *, each: int) -> None:
    rows = [
        ExpenseChange(
            expense=expense,
            source=ChangeSource.WEB,
            actor=expense.owner,
            actor_label=expense.owner.email,
            changes={"notes": {"old": f"v{n}", "new": f"v{n + 1}"}, "tip": {"old": "0.00", "new": f"{n}.00"}},
        )
        for expense in report.lines.select_related("owner")
        for n in range(each)
    ]
    ExpenseChange.objects.bulk_create(rows)


def _bundle_queries(report: ExpenseReport, actor) -> int:
    with CaptureQueriesContext(connection) as queries:
        bundle = bundle_request(report=report, actor=actor)
    assert bundle.status == BundleStatus.READY
    return len(queries)


def test_bundle_queries_do_not_grow_with_the_meals_or_their_changes(member, outsider):
    few = _report_with_receipts(member, meals=2)
    _add_changes(few, each=1)
    many = _report_with_receipts(outsider, meals=5)
    _add_changes(many, each=12)

    assert _bundle_queries(many, outsider) == _bundle_queries(few, member)
    assert ExpenseChange.objects.filter(expense__report=many).count() == 5 * 12
