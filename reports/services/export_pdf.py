"""PDFs people hand to finance: the expense list, any report, and the summary of the Reports page.

Every PDF names what it covers at the top (dates, whose expenses, each filter) and numbers its pages "Page 2 of
5": the total is a form drawn once the last page is known, so no page has to be kept or drawn twice.

The expense list is drawn straight on the canvas, one line per meal (text too long for its column ends in "…"):
laying out a table of paragraphs took 8.8 s for 2,480 rows and held every cell until the end; drawing lines is
about fifty times faster and holds one page of rows (docs/reports.md has the figures).
"""

import datetime
import tempfile
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from expenses.fields import EXPORT_TITLES
from mealtracker.money import format_money_code as money_text
from reports.selectors.exports import CurrencyTotal

# Compressed streams stay binary: ASCII85 on top of them (a default for 7-bit transports) made files a quarter
# bigger and was a tenth of a long list's time.
rl_config.useA85 = 0

PAGE = landscape(A4)
MARGIN = 12 * mm
FONT, BOLD = "Helvetica", "Helvetica-Bold"
SIZE = 7.5  # table text
LINE = 11  # one table row, in points
HEADER_FILL = colors.HexColor("#1f3b57")
STRIPE_FILL = colors.HexColor("#eef2f6")
RULE = colors.HexColor("#b0bccb")
PAGE_COUNT_FORM = "page-count"
ELLIPSIS = "…"
APP_NAME = "Meal Expense Tracker"


class NumberedCanvas(Canvas):
    """A canvas whose pages say "Page N of M": each page places the form that, on saving, holds M."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("pageCompression", 1)
        super().__init__(*args, **kwargs)

    def page_footer(self, left: str) -> None:
        width, _ = self._pagesize
        self.saveState()
        self.setFont(FONT, 7)
        self.setFillColor(colors.HexColor("#4a5a6a"))
        self.drawString(MARGIN, MARGIN / 2, left)
        label = f"Page {self.getPageNumber()} of "
        x = width - MARGIN - 58
        self.drawString(x, MARGIN / 2, label)
        self.translate(x + stringWidth(label, FONT, 7), MARGIN / 2)
        self.doForm(PAGE_COUNT_FORM)
        self.restoreState()

    def save(self):
        if self._code:  # the last page is still open
            self.showPage()
        pages = self.getPageNumber() - 1
        self.beginForm(PAGE_COUNT_FORM)
        self.setFont(FONT, 7)
        self.setFillColor(colors.HexColor("#4a5a6a"))
        self.drawString(0, 0, str(pages))
        self.endForm()
        super().save()


def footer_text() -> str:
    return f"{APP_NAME} · made {timezone.localtime():%d %b %Y %H:%M %Z}"


def fit(text: str, width: float, font: str = FONT, size: float = SIZE) -> str:
    """`text` cut with an ellipsis to fit `width` points."""
    if stringWidth(text, font, size) <= width:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with the ellipsis
        middle = (low + high + 1) // 2
        if stringWidth(text[:middle] + ELLIPSIS, font, size) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS


def _wrap(text: str, width: float, font: str, size: float) -> list[str]:
    lines, line = [], ""
    for word in text.split(" "):
        candidate = f"{line} {word}".strip()
        if line and stringWidth(candidate, font, size) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines


def heading_lines(filters: list[tuple[str, str]], notes: Iterable[str] = ()) -> list[str]:
    """The filters as printed under a title: "Dates: 1 Mar 2026 to 31 Mar 2026 · Whose: My expenses · ..."."""
    return [" · ".join(f"{label}: {value}" for label, value in filters), *notes]


# --- The expense list -----------------------------------------------------------------------------------------


class _ListColumn:
    def __init__(self, name: str, title: str, width_mm: float, *, right: bool = False):
        self.name, self.title, self.width, self.right = name, title, width_mm * mm, right


def expense_list_columns(*, with_owner: bool) -> list[_ListColumn]:
    """The columns of the expense list PDF (titles from the field declaration); the owner's when several people's
    meals can be listed. Widths fill a landscape A4 page."""
    reporting = settings.REPORTING_CURRENCY
    columns = [
        _ListColumn("date", EXPORT_TITLES["date"], 19),
        _ListColumn("time", EXPORT_TITLES["time"], 10),
        _ListColumn("restaurant_name", EXPORT_TITLES["restaurant_name"], 46 if with_owner else 56),
        _ListColumn("meal_type", EXPORT_TITLES["meal_type"], 18),
        _ListColumn("order_type", EXPORT_TITLES["order_type"], 18),
        _ListColumn("party_size", "Party", 10, right=True),
        _ListColumn("category_name", EXPORT_TITLES["category_name"], 30),
        _ListColumn("status", EXPORT_TITLES["status"], 19),
        _ListColumn("amount", EXPORT_TITLES["amount"], 31, right=True),
        _ListColumn("reporting_amount", f"In {reporting}", 32, right=True),
    ]
    if with_owner:
        columns.insert(8, _ListColumn("owner_email", EXPORT_TITLES["owner_email"], 40))
    else:
        # One's own list has room for who was at the table; a team's list gives it to each meal's owner.
        columns.insert(6, _ListColumn("attendees", "With", 30))
    return columns


class _ListWriter:
    """Draws rows page by page: a title and the filters on the first page, the column titles on every page."""

    def __init__(self, handle, *, title: str, lines: list[str], columns: list[_ListColumn]):
        self.canvas = NumberedCanvas(handle, pagesize=PAGE, pageCompression=1)
        self.canvas.setTitle(title)
        self.canvas.setAuthor(APP_NAME)
        self.columns = columns
        self.footer = footer_text()
        self.width = PAGE[0] - 2 * MARGIN
        self.lines = lines
        self.title = title
        self.y = 0.0
        self.stripe = False
        self._fitted: dict[tuple[int, str, str], tuple[str, float]] = {}
        self._start_page(first=True)

    def _start_page(self, *, first: bool = False) -> None:
        canvas, top = self.canvas, PAGE[1] - MARGIN
        if first:
            canvas.setFont(BOLD, 15)
            canvas.drawString(MARGIN, top - 13, self.title)
            top -= 22
            canvas.setFont(FONT, 8)
            for line in self.lines:
                for part in _wrap(line, self.width, FONT, 8):
                    canvas.drawString(MARGIN, top - 8, part)
                    top -= 10.5
            top -= 5
        canvas.setFillColor(HEADER_FILL)
        canvas.rect(MARGIN, top - LINE - 2, self.width, LINE + 2, stroke=0, fill=1)
        canvas.setFillColor(colors.white)
        canvas.setFont(BOLD, SIZE)
        self._cells([column.title for column in self.columns], top - LINE + 1.5, BOLD)
        canvas.setFillColor(colors.black)
        canvas.setFont(FONT, SIZE)
        self.y = top - LINE - 2
        self.stripe = False

    def _cells(self, texts: list[str], baseline: float, font: str) -> None:
        """One text object for the row's cells. Dates, times, labels, categories and restaurants repeat from row to
        row, so each text is measured and cut to its column once per PDF."""
        line = self.canvas.beginText()
        line.setFont(font, SIZE)
        x = MARGIN
        for index, (column, text) in enumerate(zip(self.columns, texts, strict=True)):
            if text:
                key = (index, font, text)
                fitted = self._fitted.get(key)
                if fitted is None:
                    cut = fit(text, column.width - 4, font)
                    fitted = self._fitted[key] = (cut, stringWidth(cut, font, SIZE) if column.right else 0)
                cut, width = fitted
                line.setTextOrigin(x + column.width - 2 - width if column.right else x + 2, baseline)
                line.textOut(cut)
            x += column.width
        self.canvas.drawText(line)

    def _room_for(self, lines: int) -> bool:
        return self.y - lines * LINE >= MARGIN + 8

    def _new_page_if_full(self, lines: int = 1) -> None:
        if not self._room_for(lines):
            self.canvas.page_footer(self.footer)
            self.canvas.showPage()
            self._start_page()

    def row(self, texts: list[str], *, bold: bool = False) -> None:
        self._new_page_if_full()
        canvas = self.canvas
        if self.stripe:
            canvas.setFillColor(STRIPE_FILL)
            canvas.rect(MARGIN, self.y - LINE, self.width, LINE, stroke=0, fill=1)
            canvas.setFillColor(colors.black)
        self.stripe = not self.stripe
        if bold:
            canvas.setFont(BOLD, SIZE)
        self._cells(texts, self.y - LINE + 3, BOLD if bold else FONT)
        if bold:
            canvas.setFont(FONT, SIZE)
        self.y -= LINE

    def rule(self) -> None:
        self._new_page_if_full(2)
        self.canvas.setStrokeColor(RULE)
        self.canvas.line(MARGIN, self.y - 1, MARGIN + self.width, self.y - 1)
        self.y -= 3
        self.stripe = False

    def note(self, text: str) -> None:
        self._new_page_if_full(2)
        self.canvas.setFont("Helvetica-Oblique", 8)
        self.canvas.drawString(MARGIN, self.y - LINE - 2, fit(text, self.width, "Helvetica-Oblique", 8))
        self.canvas.setFont(FONT, SIZE)
        self.y -= LINE + 4

    def close(self) -> None:
        self.canvas.page_footer(self.footer)
        self.canvas.save()


def expense_list_pdf(
    rows: Iterable[list],
    *,
    column_index: dict[str, int],
    labels: dict[str, dict],
    totals: list[CurrencyTotal],
    lines: list[str],
    with_owner: bool,
    max_rows: int,
):
    """The expense list (rows in the export format, `column_index` naming their columns) as a PDF in a temporary
    file, with the totals of every listed meal per currency and in the reporting currency."""
    reporting = settings.REPORTING_CURRENCY
    columns = expense_list_columns(with_owner=with_owner)
    handle = tempfile.TemporaryFile(suffix=".pdf")  # noqa: SIM115 - FileResponse closes it
    writer = _ListWriter(handle, title="Expenses", lines=lines, columns=columns)
    reads = [(column.name, column_index[column.name], labels.get(column.name)) for column in columns]
    currency_at, reporting_at = column_index["currency"], column_index["reporting_amount"]
    listed = 0
    for row in rows:
        if listed == max_rows:
            break
        texts = []
        for name, index, choice_labels in reads:
            value = row[index]
            if name == "amount":
                texts.append(money_text(value, row[currency_at]))
            elif name == "reporting_amount":
                texts.append(money_text(row[reporting_at], reporting))
            elif choice_labels is not None:
                texts.append(choice_labels.get(value, value))
            elif isinstance(value, datetime.date):
                texts.append(value.isoformat())
            else:
                texts.append("" if value is None else str(value))
        writer.row(texts)
        listed += 1
    meals = sum(total.meals for total in totals)
    if not meals:
        writer.note("No meals match these filters.")
    else:
        writer.rule()
        at_restaurant = [column.name for column in columns].index("restaurant_name")
        for total in totals:
            texts = [""] * len(columns)
            texts[at_restaurant] = f"Total {total.currency} ({total.meals:,} meal{'s' if total.meals != 1 else ''})"
            texts[-2] = money_text(total.amount, total.currency)
            texts[-1] = money_text(total.reporting_amount, reporting)
            writer.row(texts, bold=True)
        texts = [""] * len(columns)
        texts[at_restaurant] = f"Total in {reporting} ({meals:,} meal{'s' if meals != 1 else ''})"
        texts[-1] = money_text(sum((t.reporting_amount for t in totals), Decimal(0)), reporting)
        writer.row(texts, bold=True)
    if meals > listed:
        writer.note(
            f"The first {listed:,} of {meals:,} meals are listed; the totals cover all {meals:,}. "
            "Export CSV or XLSX for every row."
        )
    writer.close()
    handle.seek(0)
    return handle


# --- Reports and the summary (laid out with platypus: they are short) ------------------------------------------


def _styles():
    from reportlab.lib.styles import getSampleStyleSheet

    styles = getSampleStyleSheet()
    return {
        "title": styles["Title"].clone("export-title", alignment=0, fontSize=16, leading=20, spaceAfter=4),
        "heading": styles["Heading2"].clone("export-heading", fontSize=11.5, leading=14, spaceBefore=8, spaceAfter=4),
        "filters": styles["Normal"].clone("export-filters", fontSize=8, leading=10.5),
        "cell": styles["BodyText"].clone("export-cell", fontSize=SIZE, leading=9),
        "note": styles["Italic"].clone("export-note", fontSize=8, leading=10),
        "figure": styles["Normal"].clone("export-figure", fontName=BOLD, fontSize=14, leading=17),
        "figure_label": styles["Normal"].clone("export-figure-label", fontSize=7.5, leading=9.5),
    }


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _document(handle, title: str):
    from reportlab.platypus import SimpleDocTemplate

    return SimpleDocTemplate(
        handle, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN + 4,
        title=title, author=APP_NAME,
    )  # fmt: skip


def _build(document, story) -> None:
    text = footer_text()

    def on_page(canvas, _document):
        canvas.page_footer(text)

    document.build(story, onFirstPage=on_page, onLaterPages=on_page, canvasmaker=NumberedCanvas)


def _heading(title: str, lines: list[str], styles) -> list:
    from reportlab.platypus import Paragraph, Spacer

    return [
        Paragraph(_escape(title), styles["title"]),
        *[Paragraph(_escape(line), styles["filters"]) for line in lines],
        Spacer(1, 4 * mm),
    ]


TABLE_STYLE = [
    ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
    ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
    ("FONTNAME", (0, 0), (-1, 0), BOLD),
    ("FONTSIZE", (0, 0), (-1, -1), SIZE),
    ("LEADING", (0, 0), (-1, -1), 9),
    ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, STRIPE_FILL]),
    ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("TOPPADDING", (0, 0), (-1, -1), 2),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
]


def table(header: list[str], rows: list[list[str]], *, numeric: set[int], totals: list[str] | None = None, styles):
    """A table that repeats its header on each page; text that may be long wraps, figures are right-aligned."""
    from reportlab.platypus import LongTable, Paragraph, TableStyle

    body = [
        [Paragraph(_escape(text), styles["cell"]) if len(text) > 24 else text for text in row]
        for row in rows
    ]  # fmt: skip
    data = [header, *body, *([totals] if totals else [])]
    commands = list(TABLE_STYLE)
    commands += [("ALIGN", (index, 0), (index, -1), "RIGHT") for index in numeric]
    if totals:
        commands += [("FONTNAME", (0, -1), (-1, -1), BOLD), ("LINEABOVE", (0, -1), (-1, -1), 0.75, HEADER_FILL)]
    result = LongTable(data, repeatRows=1, hAlign="LEFT")
    result.setStyle(TableStyle(commands))
    return result


def bar_chart(points: list[tuple[str, Decimal]], *, width: float = 760, height: float = 170):
    """A bar chart of up to 40 labelled amounts."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing

    points = points[:40]
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 50, 45, width - 70, height - 55
    chart.data = [[float(value or 0) for _, value in points]]  # drawing coordinates, not money
    chart.categoryAxis.categoryNames = [str(label)[:22] for label, _ in points]
    chart.categoryAxis.labels.angle = 30 if len(points) > 8 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(points) > 8 else "n"
    chart.categoryAxis.labels.fontSize = 6.5
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = colors.HexColor("#0b5cad")
    chart.bars[0].strokeColor = None
    drawing.add(chart)
    return drawing


def report_pdf(
    title: str,
    lines: list[str],
    header: list[str],
    rows: list[list[str]],
    *,
    numeric: set[int],
    totals: list[str] | None,
    chart: list[tuple[str, Decimal]] | None,
):
    """One report's table (rows already in words) under its title and filters, with a chart when it has one."""
    from reportlab.platypus import Paragraph, Spacer

    styles = _styles()
    handle = tempfile.TemporaryFile(suffix=".pdf")  # noqa: SIM115 - FileResponse closes it
    story = _heading(title, lines, styles)
    if chart:
        story += [bar_chart(chart), Spacer(1, 4 * mm)]
    if rows:
        story.append(table(header, rows, numeric=numeric, totals=totals, styles=styles))
    else:
        story.append(Paragraph("Nothing to show for these filters.", styles["note"]))
    _build(_document(handle, title), story)
    handle.seek(0)
    return handle


def summary_pdf(title: str, lines: list[str], figures: list[tuple[str, str, str]], sections: list[dict]):
    """The Reports page on paper: its headline figures, then each section's chart and table.

    `figures`: (label, figure, detail); `sections`: {"title", "header", "rows", "numeric", "chart"}."""
    from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, Spacer, Table, TableStyle

    styles = _styles()
    handle = tempfile.TemporaryFile(suffix=".pdf")  # noqa: SIM115 - FileResponse closes it
    story = _heading(title, lines, styles)
    cards = [
        [
            [Paragraph(_escape(label), styles["figure_label"]), Paragraph(_escape(figure), styles["figure"]),
             Paragraph(_escape(detail), styles["figure_label"])]
            for label, figure, detail in figures
        ]
    ]  # fmt: skip
    width = (PAGE[0] - 2 * MARGIN) / max(len(figures), 1)
    grid = Table(cards, colWidths=[width] * len(figures), hAlign="LEFT")
    grid.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.5, RULE),
                ("INNERGRID", (0, 0), (-1, -1), 0.5, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, -1), STRIPE_FILL),
            ]
        )
    )
    story += [grid, Spacer(1, 3 * mm)]
    for section in sections:
        story.append(CondPageBreak(70 * mm))
        block = [Paragraph(_escape(section["title"]), styles["heading"])]
        if section.get("chart"):
            block.append(bar_chart(section["chart"], height=150))
        story.append(KeepTogether(block))
        if section["rows"]:
            story.append(table(section["header"], section["rows"], numeric=section["numeric"], styles=styles))
        else:
            story.append(Paragraph("Nothing in this period.", styles["note"]))
    _build(_document(handle, title), story)
    handle.seek(0)
    return handle
