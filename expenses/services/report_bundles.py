"""A report's bundle for finance: one PDF (a cover with the totals and what the report covers, a section per meal
with its approval history and its changes, each receipt image on its own page) and a ZIP (that PDF, the original
receipt files, the lines as CSV and XLSX and the meals' change history as CSV).

Built on disk, one meal and one receipt at a time: receipts are read in chunks into the ZIP and drawn scaled
down into the PDF, so memory stays bounded whatever the report's size (docs/approvals.md has the figures). Small
reports are built in the request; larger ones by a job (a Zappa task on Lambda, `manage.py build_report_bundles`
elsewhere) and offered for download when ready. Files are stored privately under random keys.
"""

import csv
import functools
import io
import logging
import shutil
import tempfile
import uuid
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from expenses.approval_chain import approval_chain
from expenses.history_selectors import (
    HISTORY_CSV_COLUMNS,
    change_actor,
    change_fields,
    history_prefetch,
    report_history_rows,
)
from expenses.models import BundleStatus, ExpenseReport, Receipt, ReportBundle
from expenses.report_selectors import report_lines, report_totals, reports_visible_to
from mealtracker.csv_cells import neutralise
from mealtracker.errors import NotFound
from mealtracker.money import format_money

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

logger = logging.getLogger(__name__)

# ReportLab, openpyxl, Pillow and Zappa's task (boto3) are imported by the functions that build a bundle: every
# worker imports this module with the URLs, and with them its first request cost ~25 MiB and 0.3-0.6 s more, for
# what only a bundle build needs. Page geometry in points, as reportlab.lib.units and pagesizes define A4.
MM = 72.0 / 2.54 * 0.1
PAGE_WIDTH, PAGE_HEIGHT = 210 * MM, 297 * MM
MARGIN = 15 * MM
FONT, BOLD = "Helvetica", "Helvetica-Bold"
IMAGE_MAX_PIXELS = 1400  # receipts are drawn at most this size: legible on A4, about 100-200 kB each
LINE_COLUMNS = [
    "expense_id", "date", "restaurant", "category", "meal_type", "party_size", "amount", "currency",
    "reporting_amount", "reporting_currency", "status", "over_policy_by", "business_purpose", "attendees", "receipts",
]  # fmt: skip


def bundle_request(*, report: ExpenseReport, actor: User) -> ReportBundle:
    """Start building the report's bundle: small reports at once, larger ones by a job."""
    if not reports_visible_to(actor).filter(pk=report.pk).exists():
        raise NotFound("Report not found.")
    bundle = ReportBundle.objects.create(report=report, requested_by=actor)
    if report.lines.count() <= settings.REPORT_BUNDLE_INLINE_LINES:
        bundle_build(bundle)
        bundle.refresh_from_db()
    elif settings.ON_LAMBDA:
        transaction.on_commit(lambda: bundle_build_task(bundle.pk))
    return bundle


def _zappa_task(function):
    """Zappa's @task, applied at the first call: zappa.asynchronous imports boto3, which only queuing a build needs.
    `.sync` is what Zappa's receiving side calls to run the task in process."""
    dispatch = None

    @functools.wraps(function)
    def run(*args, **kwargs):
        nonlocal dispatch
        if dispatch is None:
            try:
                from zappa.asynchronous import task
            except ImportError:  # not packaged: the scheduled command builds it
                dispatch = function
            else:
                dispatch = task(function)
        return dispatch(*args, **kwargs)

    run.sync = function
    return run


@_zappa_task
def bundle_build_task(bundle_id: int) -> None:
    """On Lambda: a separate asynchronous invocation builds the bundle (it runs in process elsewhere)."""
    bundle = ReportBundle.objects.filter(pk=bundle_id, status=BundleStatus.PENDING).first()
    if bundle is not None:
        bundle_build(bundle)


def bundles_build_pending(*, limit: int = 20) -> int:
    """Build waiting bundles, oldest first (the command and the scheduled job). Returns how many were built."""
    built = 0
    for bundle in ReportBundle.objects.filter(status=BundleStatus.PENDING).order_by("created_at", "id")[:limit]:
        bundle_build(bundle)
        built += 1
    return built


def bundle_build(bundle: ReportBundle) -> ReportBundle:
    """Build and store the PDF and the ZIP; a failure is recorded on the bundle, never half a file offered."""
    claimed = ReportBundle.objects.filter(pk=bundle.pk, status=BundleStatus.PENDING).update(error="building")
    if not claimed:
        return bundle
    report = ExpenseReport.objects.select_related("owner", "trip").get(pk=bundle.report_id)
    try:
        with tempfile.TemporaryDirectory(prefix="bundle-") as folder:
            folder = Path(folder)
            pdf_path, zip_path = folder / "report.pdf", folder / "report.zip"
            write_pdf(report, pdf_path)
            write_zip(report, pdf_path, zip_path)
            prefix = f"report-bundles/{uuid.uuid4().hex}"
            with pdf_path.open("rb") as pdf:
                bundle.pdf_key = default_storage.save(f"{prefix}.pdf", File(pdf))
            with zip_path.open("rb") as archive:
                bundle.zip_key = default_storage.save(f"{prefix}.zip", File(archive))
            bundle.pdf_size, bundle.zip_size = pdf_path.stat().st_size, zip_path.stat().st_size
        bundle.status, bundle.error = BundleStatus.READY, ""
    except Exception as exc:  # recorded for the person waiting, and logged with the traceback for us
        logger.exception("Bundle %s of report %s failed", bundle.pk, report.pk)
        bundle.status, bundle.error = BundleStatus.FAILED, f"The bundle could not be built ({type(exc).__name__})."
    bundle.finished_at = timezone.now()
    bundle.save(update_fields=["status", "error", "pdf_key", "zip_key", "pdf_size", "zip_size", "finished_at"])
    return bundle


def bundle_file(bundle: ReportBundle, part: str):
    """The stored PDF or ZIP of a ready bundle, opened for streaming, and its download name."""
    if bundle.status != BundleStatus.READY or part not in ("pdf", "zip"):
        raise NotFound("That bundle file is not ready.", field="part")
    key = bundle.pdf_key if part == "pdf" else bundle.zip_key
    return default_storage.open(key, "rb"), f"report-{bundle.report_id}.{part}"


# --- the PDF -----------------------------------------------------------------------------------------------------


class _Pen:
    """Writes lines of text down the page, starting a new page when it is full."""

    def __init__(self, canvas: "Canvas", footer: str):
        self.canvas, self.footer = canvas, footer
        self.y = PAGE_HEIGHT - MARGIN

    def new_page(self):
        from reportlab.lib import colors

        self.canvas.saveState()
        self.canvas.setFont(FONT, 7)
        self.canvas.setFillColor(colors.HexColor("#4a5a6a"))
        self.canvas.drawString(MARGIN, MARGIN / 2, f"{self.footer} · page {self.canvas.getPageNumber()}")
        self.canvas.restoreState()
        self.canvas.showPage()  # nothing is drawn on the next page until there is something to say
        self.y = PAGE_HEIGHT - MARGIN

    def line(self, text: str, *, size: float = 9, bold: bool = False, gap: float = 3, indent: float = 0):
        if self.y < MARGIN + size + 10:
            self.new_page()
        self.canvas.setFont(BOLD if bold else FONT, size)
        self.canvas.drawString(MARGIN + indent, self.y - size, _clip(text, 110 if size <= 9 else 70))
        self.y -= size + gap


def _clip(text: str, length: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= length else text[: length - 1] + "…"


def _money(amount, currency=None) -> str:
    return format_money(amount, currency or settings.REPORTING_CURRENCY)


def write_pdf(report: ExpenseReport, path: Path) -> None:
    """The report's PDF at `path`: cover, then per meal a section and its receipts, each receipt on its page."""
    from reportlab import rl_config
    from reportlab.pdfgen.canvas import Canvas

    rl_config.useA85 = 0
    canvas = Canvas(str(path), pagesize=(PAGE_WIDTH, PAGE_HEIGHT), pageCompression=1)
    canvas.setTitle(report.title)
    footer = f"{report.title} · {report.owner}"
    pen = _Pen(canvas, footer)
    _cover(pen, report)
    zone = report.owner.tzinfo
    receipts_by_expense = {}
    lines = report_lines(report).prefetch_related(history_prefetch())  # each chunk's history, not the report's
    for receipt in Receipt.objects.filter(expense__report=report).order_by("expense_id", "created_at", "id"):
        receipts_by_expense.setdefault(receipt.expense_id, []).append(receipt)
    for number, expense in enumerate(lines.iterator(chunk_size=100), start=1):
        pen.new_page()
        when = timezone.localtime(expense.occurred_at, zone)
        pen.line(f"{number}. {expense.restaurant or 'No restaurant'} — {when:%d %b %Y %H:%M}", size=13, bold=True)
        pen.line(f"Amount: {_money(expense.amount, expense.currency)}  ({_money(expense.reporting_amount)})")
        pen.line(f"Tax {expense.tax} · tip {expense.tip} · fees {expense.fees} · party of {expense.party_size}")
        pen.line(
            f"Category: {expense.category or '—'} · {expense.get_meal_type_display()} · {expense.get_status_display()}"
        )
        pen.line(f"Purpose: {expense.business_purpose or '—'}")
        flag = getattr(expense, "policy_flag", None)
        if flag is not None:
            pen.line(f"Over policy by {flag.over_by} per person (limit {flag.limit_per_person})", bold=True)
        people = ", ".join(attendee.label for attendee in expense.listed_attendees)
        pen.line(f"Attendees: {people or '—'}")
        pen.line("Approval history", size=10, bold=True, gap=5)
        for event in expense.listed_events:
            stamp = timezone.localtime(event.created_at, zone)
            for_whom = f" for {event.on_behalf_of}" if event.on_behalf_of_id else ""
            note = f": {event.comment}" if event.comment else ""
            who = f"{event.actor or 'someone'}{for_whom}"
            pen.line(f"{stamp:%d %b %Y %H:%M} · {who} · {event.from_status} -> {event.to_status}{note}", size=8)
        chain = approval_chain(expense, expense.listed_events)
        if chain:
            pen.line("Chain: " + " -> ".join(f"{step.label} ({step.state})" for step in chain), size=8)
        _changes(pen, expense.listed_changes, zone)
        receipts = receipts_by_expense.get(expense.pk, [])
        pen.line(f"Receipts: {len(receipts)}", size=8)
        for receipt in receipts:
            _receipt_page(pen, receipt, number)
    pen.new_page()
    canvas.save()


def _changes(pen: _Pen, changes, zone) -> None:
    """The meal's field history: when (in the report owner's zone), who, through what, and each field's change."""
    if not changes:
        return
    pen.line("Changes", size=10, bold=True, gap=5)
    for change in changes:
        stamp = timezone.localtime(change.created_at, zone)
        who = change_actor(change) or "someone"
        pen.line(f"{stamp:%d %b %Y %H:%M} · {who} · {change.get_source_display()}", size=8, gap=2)
        for field in change_fields(change, zone=zone):
            pen.line(f"{field['label']}: {field['old'] or '—'} -> {field['new'] or '—'}", size=8, indent=4 * MM)


def _cover(pen: _Pen, report: ExpenseReport) -> None:
    totals = report_totals(report)
    pen.line("Expense report", size=11)
    pen.line(report.title, size=18, bold=True, gap=8)
    pen.line(f"Submitted by {report.owner} ({report.owner.email}) · status {report.get_status_display()}")
    if report.purpose:
        pen.line(f"Purpose: {report.purpose}")
    covers = {
        "period": f"Period {report.period_start} to {report.period_end}",
        "trip": f"Trip: {report.trip}" if report.trip else "Trip",
        "selection": "A selection of meals",
    }[report.basis]
    pen.line(f"Covers: {covers}")
    pen.line(f"Made {timezone.localtime(timezone.now(), report.owner.tzinfo):%d %b %Y %H:%M %Z}", gap=10)
    pen.line(f"{totals['count']} meals, {_money(totals['total'])}", size=13, bold=True, gap=8)
    pen.line("Per category", bold=True)
    for row in totals["per_category"]:
        pen.line(f"   {row['category']}: {row['count']} meals, {_money(row['total'])}")
    pen.line("Per status", bold=True)
    for status, row in totals["per_status"].items():
        pen.line(f"   {status}: {row['count']} meals, {_money(row['total'])}")
    policy = totals["policy"]
    pen.line("Against policy", bold=True)
    pen.line(
        f"   {policy['over_count']} meals over policy ({_money(policy['over_total'])}),"
        f" over by {_money(policy['over_by'])}"
    )
    if totals["per_attendee"]:
        pen.line("Per attendee (equal shares of each meal)", bold=True)
        for row in totals["per_attendee"][:40]:
            company = f" ({row['company']})" if row["company"] else ""
            pen.line(f"   {row['attendee']}{company}: {row['meals']} meals, {_money(row['total'])}")


def _receipt_page(pen: _Pen, receipt: Receipt, number: int) -> None:
    from PIL import UnidentifiedImageError
    from reportlab.lib.utils import ImageReader

    from mealtracker.images import pillow

    Image = pillow()  # Pillow's Image module, opening HEIC receipts stored as sent too

    pen.new_page()
    pen.line(f"Receipt of meal {number}: {receipt.original_name or receipt.content_type}", size=10, bold=True)
    if not receipt.content_type.startswith("image/"):
        pen.line("This receipt is a PDF: the original file is in the bundle's ZIP, under receipts/.", size=9)
        return
    try:
        with receipt.file.open("rb") as stored:
            image = Image.open(stored)
            image.draft("RGB", (IMAGE_MAX_PIXELS // 2, IMAGE_MAX_PIXELS // 2))  # JPEGs decode already scaled down
            image = image.convert("RGB")
            image.thumbnail((IMAGE_MAX_PIXELS, IMAGE_MAX_PIXELS))
            scaled = io.BytesIO()
            image.save(scaled, format="JPEG", quality=75, optimize=True)
            width, height = image.size
            image.close()
    except (OSError, UnidentifiedImageError, ValueError):
        pen.line("This image could not be read; the original is in the ZIP.", size=9)
        return
    box_width, box_height = PAGE_WIDTH - 2 * MARGIN, pen.y - MARGIN - 10
    scale = min(box_width / width, box_height / height)
    scaled.seek(0)
    pen.canvas.drawImage(
        ImageReader(scaled), MARGIN, pen.y - height * scale - 4, width * scale, height * scale, preserveAspectRatio=True
    )


# --- the ZIP -----------------------------------------------------------------------------------------------------


def _line_rows(report: ExpenseReport):
    yield LINE_COLUMNS
    zone = report.owner.tzinfo
    for expense in report_lines(report).prefetch_related("receipts").iterator(chunk_size=200):
        flag = getattr(expense, "policy_flag", None)
        row = [
            expense.pk,
            timezone.localtime(expense.occurred_at, zone).date().isoformat(),
            str(expense.restaurant or ""),
            str(expense.category or ""),
            expense.meal_type,
            expense.party_size,
            str(expense.amount),
            expense.currency,
            str(expense.reporting_amount),
            settings.REPORTING_CURRENCY,
            expense.status,
            str(flag.over_by) if flag else "",
            expense.business_purpose,
            "; ".join(attendee.label for attendee in expense.listed_attendees),
            len(expense.receipts.all()),
        ]
        yield [neutralise(cell) for cell in row]  # names and purposes are typed by people: never a formula


def _safe_name(text: str) -> str:
    kept = "".join(c if c.isalnum() or c in "-_." else "-" for c in text)
    return kept.strip("-.")[:80] or "receipt"


def write_zip(report: ExpenseReport, pdf_path: Path, zip_path: Path) -> None:
    """The ZIP at `zip_path`: the PDF, every receipt as uploaded, the lines as CSV and XLSX, and the history."""
    from openpyxl import Workbook

    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        archive.write(pdf_path, "report.pdf")
        with archive.open("lines.csv", "w") as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            writer = csv.writer(text)
            for row in _line_rows(report):
                writer.writerow(row)
            text.flush()
            text.detach()
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Lines")
        for row in _line_rows(report):
            sheet.append(row)
        with archive.open("lines.xlsx", "w") as raw:
            workbook.save(raw)
        with archive.open("history.csv", "w") as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            writer = csv.writer(text)
            writer.writerow(HISTORY_CSV_COLUMNS)
            for row in report_history_rows(report):
                writer.writerow([neutralise(cell) for cell in row])
            text.flush()
            text.detach()
        receipts = Receipt.objects.filter(expense__report=report).order_by("expense_id", "created_at", "id")
        for receipt in receipts.iterator(chunk_size=200):
            suffix = Path(receipt.file.name).suffix
            stem = _safe_name(Path(receipt.original_name).stem) if receipt.original_name else "receipt"
            name = f"receipts/expense-{receipt.expense_id}/{receipt.pk}-{stem}{suffix}"
            with receipt.file.open("rb") as stored, archive.open(name, "w", force_zip64=True) as target:
                shutil.copyfileobj(stored, target, 1024 * 1024)
