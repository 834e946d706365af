"""Streaming exports of the expense list and of any report: CSV, XLSX, PDF (and JSON for expenses).

Memory stays flat for large lists: rows come from `queryset.iterator(chunk_size=...)`, CSV and JSON are
generated into a StreamingHttpResponse, XLSX is written by openpyxl's write-only workbook to a temporary
file that is streamed back, PDF is drawn page by page to a temporary file. Formats: docs/reports.md.
"""

import csv
import datetime
import functools
import io
import json
import tempfile
import zoneinfo
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from expenses.fields import EXPENSE_FIELDS, EXPORT_COLUMNS, FIELDS_BY_NAME, Kind
from expenses.models import Expense
from mealtracker.aggregates import CommaJoined
from mealtracker.serialization import json_value
from reports.selectors import Report
from reports.services import exports_postgresql

EXPORT_SCHEMA_VERSION = 1
CHUNK_SIZE = 2000
PDF_MAX_ROWS = 10_000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# The stable expense export format (v1), one column list for every format, derived from the expense's one field
# declaration (expenses/fields.py). The columns keep the original app's names so its users' tools keep working;
# the importer reads every one of them back (and the original app's own exports).
EXPENSE_COLUMNS = list(EXPORT_COLUMNS)
PDF_EXPENSE_COLUMNS = [
    ("date", "Date"), ("time", "Time"), ("restaurant_name", "Restaurant"), ("meal_type", "Meal"),
    ("party_size", "Party"), ("amount", "Amount"), ("currency", "Cur."), ("reporting_amount", "Reporting"),
    ("category_name", "Category"), ("status", "Status"),
]  # fmt: skip

PDF_NUMERIC = {"party_size", "amount", "reporting_amount"}

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def neutralise(value):
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return str(value)


def _utc_text(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def _occurred_at_cells(values: dict, tags: list[str]) -> list:
    # Times formatted by hand rather than by strftime: this runs for every exported row (docs/performance.md).
    local = values["occurred_at"].astimezone(_zone(values["owner__timezone"]))
    utc = values["occurred_at"].astimezone(datetime.UTC)
    return [
        local.date(),
        f"{local.hour:02d}:{local.minute:02d}",
        values["owner__timezone"],
        f"{utc.date().isoformat()}T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}"
        + (f".{utc.microsecond:06d}Z" if utc.microsecond else "Z"),
        f"{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}",
    ]


def _reporting_amount_cells(values: dict, tags: list[str]) -> list:
    return [values["reporting_amount"], settings.REPORTING_CURRENCY]


def _category_cells(values: dict, tags: list[str]) -> list:
    return [values["category__name"] if values["category_id"] else ""]


def _tags_cells(values: dict, tags: list[str]) -> list:
    return [",".join(tags)]


def _restaurant_cells(values: dict, tags: list[str]) -> list:
    if values["restaurant_id"] is None:
        return [""] * len(FIELDS_BY_NAME["restaurant"].columns)
    line_1, line_2 = values["restaurant__address_line_1"], values["restaurant__address_line_2"]
    return [
        values["restaurant__name"],
        values["restaurant__location_name"],
        f"{line_1}, {line_2}" if line_1 and line_2 else line_1 or line_2,
        values["restaurant__city"],
        values["restaurant__region"],
        values["restaurant__postal_code"],
        values["restaurant__country"],
        values["restaurant__place_id"] or "",
        values["restaurant__cuisine"],
    ]


def _owner_cells(values: dict, tags: list[str]) -> list:
    return [values["owner__email"]]


RESTAURANT_VALUES = (
    "restaurant_id", "restaurant__name", "restaurant__location_name", "restaurant__address_line_1",
    "restaurant__address_line_2", "restaurant__city", "restaurant__region", "restaurant__postal_code",
    "restaurant__country", "restaurant__place_id", "restaurant__cuisine",
)  # fmt: skip
# The declared fields whose columns are more than their own value: the values each reads and its cells. Every
# other field is one column holding its value (a time in UTC).
CELL_WRITERS = {
    "occurred_at": (("occurred_at", "owner__timezone"), _occurred_at_cells),
    "reporting_amount": (("reporting_amount",), _reporting_amount_cells),
    "category": (("category_id", "category__name"), _category_cells),
    "tags": ((), _tags_cells),
    "restaurant": (RESTAURANT_VALUES, _restaurant_cells),
    "owner": (("owner__email",), _owner_cells),
}
_EXPORTED = [field for field in EXPENSE_FIELDS if field.columns]
for _field in _EXPORTED:
    if _field.name not in CELL_WRITERS and (len(_field.columns) != 1 or _field.is_relation):
        raise ImproperlyConfigured(f"The expense export has no writer for {_field.name}'s columns {_field.columns}.")
_ROW_PLAN = [
    (field.name, CELL_WRITERS[field.name][1] if field.name in CELL_WRITERS else None, field.kind is Kind.MOMENT)
    for field in _EXPORTED
]
# The values an export reads, fetched as plain values: building four model instances per row (expense, owner,
# restaurant, category) cost ~0.25 ms a row, 25 s for 100,000 rows (bench/run.py, docs/performance.md).
ROW_FIELDS = tuple(
    dict.fromkeys(
        name
        for field in _EXPORTED
        for name in (CELL_WRITERS[field.name][0] if field.name in CELL_WRITERS else (field.name,))
    )
)


def expense_row(values: dict, tags: list[str]) -> list:
    """One expense (its `ROW_FIELDS` values) in the export format: plain Python values in `EXPENSE_COLUMNS` order.

    A list, not a dict: this runs for every exported row, and was most of a 100,000-row CSV's time
    (docs/performance.md)."""
    row = []
    for name, cells, moment in _ROW_PLAN:
        if cells is not None:
            row += cells(values, tags)
        elif moment:
            row.append(_utc_text(values[name]))
        else:
            row.append(values[name])
    return row


@functools.cache
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def expense_rows(expenses: QuerySet[Expense]) -> Iterator[list]:
    """Export rows in order, streamed from one query: memory holds one chunk of rows at a time.

    Each row's tags come joined by the database in the same query: asking for each chunk's tags by id took a
    query per 2,000 rows, and a separate ordered stream of all the tags had PostgreSQL sort them all first.
    """
    tag_names = (
        Expense.tags.through.objects.filter(expense=OuterRef("pk"))
        .order_by()
        .values("expense")
        .annotate(names=CommaJoined("tag__name"))
        .values("names")
    )
    rows = expenses.annotate(tag_names=Subquery(tag_names)).order_by("occurred_at", "id")
    for values in rows.values(*ROW_FIELDS, "tag_names").iterator(chunk_size=CHUNK_SIZE):
        names = values["tag_names"]  # tag names are letters, digits and hyphens: a comma cannot be part of one
        yield expense_row(values, sorted(names.split(",")) if names else [])


CSV_ROWS_PER_CHUNK = 500
# The columns whose text people type or import (free text, and the names and addresses of the objects an expense
# refers to): only these can begin like a spreadsheet formula. The others are ids, amounts (never negative),
# dates, codes and choices.
EXPENSE_TEXT_COLUMNS = [
    column for field in EXPENSE_FIELDS if field.kind in {Kind.TEXT, Kind.RELATION} for column in field.columns
]
_TEXT_INDEXES = [EXPENSE_COLUMNS.index(column) for column in EXPENSE_TEXT_COLUMNS]
_BOOLEAN_INDEXES = [EXPENSE_COLUMNS.index(f.columns[0]) for f in EXPENSE_FIELDS if f.kind is Kind.BOOLEAN]


def _csv_cell(value) -> str:
    """`neutralise(_text(value))`, with the common case (a plain string) first: it runs for every cell."""
    text = value if type(value) is str else _text(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _expense_csv_row(row: list) -> list:
    """An `expense_row` ready for csv.writer, which writes numbers, dates and None (as empty) itself."""
    for index in _TEXT_INDEXES:
        if row[index].startswith(FORMULA_PREFIXES):
            row[index] = "'" + row[index]
    for index in _BOOLEAN_INDEXES:
        row[index] = "true" if row[index] else "false"
    return row


def csv_stream(header: list[str], rows: Iterable[list], *, prepared: bool = False) -> Iterator[str]:
    """The CSV text in chunks of CSV_ROWS_PER_CHUNK rows: one chunk per row made streaming cost more than writing.

    Every cell is formatted and neutralised unless the rows come `prepared` (see `_expense_csv_row`).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # BOM: Excel opens UTF-8 correctly
    writer.writerow(header)
    for count, row in enumerate(rows, start=1):
        writer.writerow(row if prepared else [_csv_cell(value) for value in row])
        if count % CSV_ROWS_PER_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_lines_stream(header: list[str], lines: Iterable[str]) -> Iterator[str]:
    """`csv_stream` for lines that come finished (CRLF-terminated), in chunks of CSV_ROWS_PER_CHUNK lines."""
    yield from csv_stream(header, [])
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) == CSV_ROWS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk)


def _filename(stem: str, file_format: str) -> str:
    return f"{stem}-{timezone.now():%Y%m%d-%H%M%S}.{file_format}"


def _attachment(response, stem: str, file_format: str):
    response["Content-Disposition"] = f'attachment; filename="{_filename(stem, file_format)}"'
    response["Cache-Control"] = "no-store"
    return response


def xlsx_file(title: str, header: list[str], rows: Iterable[list], *, intro: list[list] = ()):
    """A write-only workbook saved to a temporary file (rows are flushed to disk as they are appended)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for line in intro:
        sheet.append([neutralise(_text(v)) for v in line])
    sheet.append(header)
    for row in rows:
        sheet.append([_cell(value) for value in row])
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    workbook.save(handle)
    handle.seek(0)
    return handle


def _cell(value):
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        return value
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value
    return neutralise(_text(value))


def pdf_file(
    title: str,
    subtitle: str,
    header: list[str],
    rows: Iterable[list],
    *,
    max_rows: int = PDF_MAX_ROWS,
    numeric: frozenset[int] = frozenset(),
    chart: list[tuple[str, Decimal]] | None = None,
):
    """A landscape A4 table (with an optional bar chart above it); lists longer than `max_rows` end with a note."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

    handle = tempfile.TemporaryFile(suffix=".pdf")  # noqa: SIM115 - FileResponse closes it
    styles = getSampleStyleSheet()
    body = styles["BodyText"].clone("cell", fontSize=7.5, leading=9)
    number = body.clone("number", alignment=2)  # right-aligned figures
    data = [header]
    truncated = False
    for index, row in enumerate(rows):
        if index >= max_rows:
            truncated = True
            break
        data.append([Paragraph(_escape(_text(v)), number if i in numeric else body) for i, v in enumerate(row)])
    doc = SimpleDocTemplate(
        handle, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm, topMargin=12 * mm,
        bottomMargin=12 * mm, title=title, author="Meal Expense Tracker",
    )  # fmt: skip
    table = LongTable(data, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1f3b57")),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                ("FONTSIZE", (0, 0), (-1, 0), 8),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#eef2f6")]),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#b0bccb")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story = [
        Paragraph(_escape(title), styles["Title"]),
        Paragraph(_escape(subtitle), styles["Normal"]),
        Spacer(1, 4 * mm),
    ]
    if chart:
        story += [_bar_chart(chart), Spacer(1, 4 * mm)]
    story.append(table if len(data) > 1 else Paragraph("Nothing to show for these filters.", styles["Normal"]))
    if truncated:
        note = f"Only the first {max_rows:,} rows are in this PDF; export CSV or XLSX for all of them."
        story += [Spacer(1, 3 * mm), Paragraph(note, styles["Italic"])]
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
    handle.seek(0)
    return handle


def _bar_chart(points: list[tuple[str, Decimal]]):
    """A bar chart of up to 40 labelled amounts (the report's first money column)."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    points = points[:40]
    drawing = Drawing(760, 170)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 50, 45, 690, 115
    chart.data = [[float(value or 0) for _, value in points]]
    chart.categoryAxis.categoryNames = [str(label)[:18] for label, _ in points]
    chart.categoryAxis.labels.angle = 30 if len(points) > 8 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(points) > 8 else "n"
    chart.categoryAxis.labels.fontSize = 6.5
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = colors.HexColor("#0b5cad")
    chart.bars[0].strokeColor = None
    drawing.add(chart)
    return drawing


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _footer(canvas, doc):
    canvas.saveState()
    canvas.setFont("Helvetica", 7)
    canvas.drawRightString(doc.pagesize[0] - doc.rightMargin, 6 * 2.83, f"Page {doc.page}")
    canvas.restoreState()


def expenses_response(expenses: QuerySet[Expense], file_format: str, *, description: str):
    """The filtered expense list as a download in the stable export format."""
    if file_format == "csv":
        if connection.vendor == "postgresql":
            text = csv_lines_stream(EXPENSE_COLUMNS, exports_postgresql.expense_csv_lines(expenses))
        else:
            text = csv_stream(EXPENSE_COLUMNS, (_expense_csv_row(row) for row in expense_rows(expenses)), prepared=True)
        response = StreamingHttpResponse(text, content_type=CONTENT_TYPES["csv"])
    elif file_format == "json":
        response = StreamingHttpResponse(_json_stream(expense_rows(expenses)), content_type=CONTENT_TYPES["json"])
    elif file_format == "xlsx":
        handle = xlsx_file("Expenses", EXPENSE_COLUMNS, expense_rows(expenses))
        response = FileResponse(handle, content_type=CONTENT_TYPES["xlsx"])
    else:
        indexes = [EXPENSE_COLUMNS.index(key) for key, _ in PDF_EXPENSE_COLUMNS]
        rows = ([row[i] for i in indexes] for row in expense_rows(expenses))
        header = [label for _, label in PDF_EXPENSE_COLUMNS]
        numeric = frozenset(i for i, (key, _) in enumerate(PDF_EXPENSE_COLUMNS) if key in PDF_NUMERIC)
        handle = pdf_file("Expenses", description, header, rows, numeric=numeric)
        response = FileResponse(handle, content_type=CONTENT_TYPES["pdf"])
    return _attachment(response, "expenses", file_format)


def _json_stream(rows: Iterable[list]) -> Iterator[str]:
    head = {
        "kind": "mealtracker.expenses",
        "schema_version": EXPORT_SCHEMA_VERSION,
        "exported_at": timezone.now().isoformat(),
        "reporting_currency": settings.REPORTING_CURRENCY,
    }
    yield json.dumps(head)[:-1] + ', "expenses": ['
    for index, row in enumerate(rows):
        record = {key: json_value(value) for key, value in zip(EXPENSE_COLUMNS, row, strict=True)}
        yield ("," if index else "") + "\n" + json.dumps(record)
    yield "\n]}\n"


def report_description(report: Report) -> str:
    return (
        f"{report.date_from:%d %b %Y} to {report.date_to:%d %b %Y} · scope: {report.filters.scope} · "
        f"timezone: {report.timezone} · amounts in {report.currency}"
    )


def report_response(report: Report, file_format: str):
    """Any report as CSV, XLSX or PDF: its columns, in order, with money in the reporting currency."""
    header = [column.label for column in report.columns]
    rows = [[row.get(column.key) for column in report.columns] for row in report.rows]
    stem = f"report-{report.kind}"
    if file_format == "csv":
        response = StreamingHttpResponse(csv_stream(header, rows), content_type=CONTENT_TYPES["csv"])
    elif file_format == "xlsx":
        intro = [[report.title], [report_description(report)], []]
        response = FileResponse(xlsx_file(report.title, header, rows, intro=intro), content_type=CONTENT_TYPES["xlsx"])
    else:
        numeric = frozenset(i for i, c in enumerate(report.columns) if c.kind in {"money", "int", "percent"})
        handle = pdf_file(
            report.title, report_description(report), header, rows, numeric=numeric, chart=_chart_points(report)
        )
        response = FileResponse(handle, content_type=CONTENT_TYPES["pdf"])
    return _attachment(response, stem, file_format)


def _chart_points(report: Report) -> list[tuple[str, Decimal]] | None:
    """(label, total) pairs for reports that chart well: totals, breakdowns and top restaurants."""
    label_key = {"totals": "period_start", "breakdown": "label", "top-restaurants": "restaurant"}.get(report.kind)
    if not label_key or not report.rows:
        return None
    return [(_text(row[label_key]), row["total"]) for row in report.rows]
