"""Workbooks people hand to finance: typed cells, titled and sized columns, a frozen header, a filter and totals.

The expense list's rows go into the workbook's file as XML as they come (openpyxl writes the rest: styles, the
sheet's view, columns and filter), so memory stays flat however long the list; reports are short and use openpyxl's
write-only workbook. Dates are Excel dates, times Excel times and moments Excel date-times (a workbook has no time
zones: the meal's date and time are the owner's, "Date and time (UTC)" is UTC, Created and Updated are the
owner's); money is a number shown in its row's currency. The totals are written as values under the rows, one
line per currency and one in the reporting currency (docs/reports.md, "XLSX").
"""

import dataclasses
import datetime
import enum
import functools
import io
import re
import shutil
import tempfile
import zipfile
import zoneinfo
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from expenses.fields import EXPENSE_FIELDS, Kind
from mealtracker.money import minor_units
from reports.selectors import Report
from reports.services.exports import CHOICE_LABELS, EXPENSE_COLUMNS, FORMULA_PREFIXES, neutralise

EXPENSE_SHEET = "Expenses"
DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "hh:mm"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
RATE_FORMAT = "0.00######"
PERCENT_FORMAT = '0.0"%"'  # the reports' percentages are numbers of percent (12.5 means 12.5 %)
INTEGER_FORMAT = "0"
# Fast deflate: zlib's default level 6 cost the sheet writer a quarter more CPU time (0.23 s per 20,000 rows) for a
# file a quarter smaller.
ZIP_LEVEL = 1
TOTAL_LABEL = "Total"  # the importer reads a row that starts with it and has no date as a totals line


class Cell(enum.Enum):
    """How an export column is written in the workbook."""

    PLAIN = "plain"  # numbers and codes as they are
    TEXT = "text"  # what people type: neutralised, empty left empty
    CHOICE = "choice"  # the choice's label ("Dinner")
    BOOLEAN = "boolean"  # Yes / No
    DATE = "date"
    TIME = "time"  # "HH:MM" or "HH:MM:SS" -> an Excel time
    UTC_DATETIME = "utc_datetime"  # "...Z" -> an Excel date-time in UTC
    LOCAL_DATETIME = "local_datetime"  # "...Z" -> an Excel date-time in the row's time zone
    MONEY = "money"  # in the row's currency
    REPORTING_MONEY = "reporting_money"  # in the reporting currency
    CHARGED_MONEY = "charged_money"  # in the card's currency (dual-amount entry); not added to the row's totals
    RATE = "rate"


# The meal's moment is five columns; each is written its own way.
OCCURRED_AT_CELLS = {
    "date": Cell.DATE,
    "time": Cell.TIME,
    "timezone": Cell.PLAIN,
    "datetime_utc": Cell.UTC_DATETIME,
    "time_utc": Cell.TIME,
}
KIND_CELLS = {
    Kind.KEY: Cell.PLAIN,
    Kind.TEXT: Cell.TEXT,
    Kind.RELATION: Cell.TEXT,
    Kind.CHOICE: Cell.CHOICE,
    Kind.CODE: Cell.PLAIN,
    Kind.MONEY: Cell.MONEY,
    Kind.RATE: Cell.RATE,
    Kind.INTEGER: Cell.PLAIN,
    Kind.BOOLEAN: Cell.BOOLEAN,
    Kind.DATE: Cell.DATE,
    Kind.MOMENT: Cell.LOCAL_DATETIME,
}
# Column widths in characters, by how a column is written; text columns people write more in are wider.
WIDTHS = {Cell.DATE: 11, Cell.TIME: 7, Cell.UTC_DATETIME: 19, Cell.LOCAL_DATETIME: 19, Cell.MONEY: 14,
          Cell.REPORTING_MONEY: 14, Cell.CHARGED_MONEY: 14, Cell.RATE: 12, Cell.BOOLEAN: 9,
          Cell.CHOICE: 12}  # fmt: skip
WIDE_COLUMNS = {"restaurant_name": 28, "restaurant_address": 28, "notes": 40, "business_purpose": 28,
                "attendees": 28, "owner_email": 26, "category_name": 16, "tags": 18, "timezone": 18,
                "restaurant_google_place_id": 18}  # fmt: skip


# Amounts in the card's currency rather than the meal's (expenses/services/currency.py).
CHARGED_MONEY_FIELDS = {"charged_amount", "card_fee"}


@dataclasses.dataclass(frozen=True)
class Column:
    name: str
    title: str
    cell: Cell
    labels: dict | None = None  # a choice's code -> label


def _columns() -> list[Column]:
    """The expense export's columns (expenses/fields.py), each with the way its cells are written."""
    columns = []
    for field in EXPENSE_FIELDS:
        for name, title in zip(field.columns, field.titles, strict=True):
            if field.name == "occurred_at":
                cell = OCCURRED_AT_CELLS[name]
            elif field.name == "reporting_amount":
                cell = Cell.REPORTING_MONEY if name == "reporting_amount" else Cell.PLAIN
            elif field.name in CHARGED_MONEY_FIELDS:
                cell = Cell.CHARGED_MONEY
            elif len(field.columns) == 1 or field.is_relation:
                cell = KIND_CELLS[field.kind]
            else:
                raise ImproperlyConfigured(f"The workbook has no cell rule for {field.name}'s columns {field.columns}.")
            columns.append(Column(name, title, cell, CHOICE_LABELS.get(name)))
    if [column.name for column in columns] != EXPENSE_COLUMNS:
        raise ImproperlyConfigured("The workbook's columns must be the export's columns, in order.")
    return columns


COLUMNS = _columns()
_CURRENCY = EXPENSE_COLUMNS.index("currency")
_CHARGED_CURRENCY = EXPENSE_COLUMNS.index("charged_currency")
_TIMEZONE = EXPENSE_COLUMNS.index("timezone")
_MONEY = [index for index, column in enumerate(COLUMNS) if column.cell is Cell.MONEY]
_REPORTING = EXPENSE_COLUMNS.index("reporting_amount")


@functools.cache
def money_format(currency: str) -> str:
    """An Excel number format showing the currency's minor unit and its code: `#,##0.00 "EUR"`, `#,##0 "JPY"`."""
    digits = minor_units(currency)
    return ("#,##0." + "0" * digits if digits else "#,##0") + f' "{currency}"'


@functools.cache
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def _moment(text: str) -> datetime.datetime:
    """An export's UTC text ("2026-03-02T17:00:00Z") as an aware datetime."""
    return datetime.datetime.fromisoformat(text).astimezone(datetime.UTC)


class _Sheet:
    """A write-only sheet whose styled cells share one template per number format (styling each cell afresh was
    a third of a large export's time)."""

    def __init__(self, workbook, title: str):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font, PatternFill

        self.sheet = workbook.create_sheet(title=title[:31])
        self._cell_class = WriteOnlyCell
        self._styles: dict[tuple[str, bool], object] = {}
        self.bold = Font(bold=True)
        self.header_font = Font(bold=True, color="FFFFFF")
        self.header_fill = PatternFill("solid", fgColor="1F3B57")
        self.wrap = Alignment(vertical="top", wrap_text=True)
        self.rows = 0

    def cell(self, value, number_format: str | None = None, *, bold: bool = False):
        if value is None or (number_format is None and not bold):
            return value
        cell = self._cell_class(self.sheet, value=value)
        key = (number_format or "General", bold)
        style = self._styles.get(key)
        if style is None:
            if number_format:
                cell.number_format = number_format
            if bold:
                cell.font = self.bold
            self._styles[key] = cell._style  # openpyxl's style ids: copied, never shared
        else:
            cell._style = style.__copy__()
        return cell

    def freeze_above(self, row: int) -> None:
        """Keep the rows above `row` in view; before any row is appended, as a streamed sheet writes its view first."""
        self.sheet.freeze_panes = f"A{row}"

    def header(self, titles: list[str]) -> None:
        cells = []
        for title in titles:
            cell = self._cell_class(self.sheet, value=title)
            cell.font, cell.fill, cell.alignment = self.header_font, self.header_fill, self.wrap
            cells.append(cell)
        self.append(cells)

    def append(self, row) -> None:
        self.sheet.append(row)
        self.rows += 1

    def widths(self, widths: list[float]) -> None:
        from openpyxl.utils import get_column_letter

        for index, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = width

    def frame(self, *, header_row: int, last_row: int, columns: int) -> None:
        """Filter the header and data rows (not the totals)."""
        from openpyxl.utils import get_column_letter

        self.sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(columns)}{max(last_row, header_row)}"


def _text(value):
    if value == "" or value is None:
        return None
    if type(value) is str and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


# --- The expense sheet, written as XML text ----------------------------------------------------------------------
# openpyxl spent ~0.6 ms a row of 43 cells (a cell object, its type inferred, an element built and serialised),
# 65 s for 100,000 rows. The expense sheet's rows are written here as the XML openpyxl writes for them (the same
# values, types and style ids, taken from the workbook's own style table), straight into the workbook's file;
# openpyxl still writes everything else (styles, the sheet's view, columns and filter, the workbook's parts).
SHEET_PART = "xl/worksheets/sheet1.xml"
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")  # openpyxl's ILLEGAL_CHARACTERS_RE
_ERROR_CODES = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))
_MAX_TEXT = 32767  # characters in a cell (openpyxl cuts longer text)
XML_ROWS_PER_WRITE = 500
# Text that needs nothing done to it as a cell: no character to escape or refuse, no leading or trailing space
# (kept with xml:space), not a formula or an error value, not too long. Anything else takes `_string_xml`.
_NOT_PLAIN = "&<>\\000-\\010\\013\\014\\016-\\037"
_PLAIN_TEXT = re.compile(rf"[^\s#={_NOT_PLAIN}](?:[^{_NOT_PLAIN}]{{0,32765}}[^\s{_NOT_PLAIN}])?")


def _escaped(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _string_xml(ref: str, text: str, style: str) -> str:
    """A text cell as openpyxl writes it: an inline string (a formula when it starts with "=", an error value when
    it is one); text with characters a workbook cannot hold is refused, as openpyxl refuses it."""
    text = text[:_MAX_TEXT]
    if _ILLEGAL.search(text):
        from openpyxl.utils.exceptions import IllegalCharacterError

        raise IllegalCharacterError(f"{text} cannot be used in worksheets.")
    if len(text) > 1 and text[0] == "=":
        return f'<c r="{ref}"{style}><f>{_escaped(text[1:])}</f><v /></c>'
    if text in _ERROR_CODES:
        return f'<c r="{ref}"{style} t="e"><v>{text}</v></c>'
    stripped = text.strip()
    space = ' xml:space="preserve"' if stripped and stripped != text else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{_escaped(text)}</t></is></c>'


def _number_xml(ref: str, value, style: str) -> str:
    return f'<c r="{ref}"{style} t="n"><v>{"%.16g" % value}</v></c>'  # noqa: UP031 - openpyxl's number text


def _value_xml(ref: str, value, style: str = "") -> str:
    """Any cell value as openpyxl writes it (None is no cell)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return _string_xml(ref, value, style) if value else f'<c r="{ref}"{style} t="inlineStr" />'
    if isinstance(value, bool):
        return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, datetime.date | datetime.time):
        from openpyxl.utils.datetime import to_excel

        return _number_xml(ref, to_excel(value), style)
    return _number_xml(ref, value, style)


class _XmlSheet:
    """The expense sheet's rows as XML, with the style ids of the workbook they are written into."""

    def __init__(self, sheet: _Sheet):
        self.sheet = sheet
        self.letters = [_letter(index) for index in range(1, len(COLUMNS) + 1)]
        self._styles: dict[tuple[str | None, bool], str] = {}
        self._money: dict[str, str] = {}
        # Each column's index, letter, way of writing and labels; the XML of the values that repeat.
        self.plan = [(index, self.letters[index], c.cell, c.labels) for index, c in enumerate(COLUMNS)]
        self._tails: dict = {}
        self.date_style = self.style(DATE_FORMAT)
        self.time_style = self.style(TIME_FORMAT)
        self.datetime_style = self.style(DATETIME_FORMAT)
        self.rate_style = self.style(RATE_FORMAT)
        self.reporting_style = self.money_style(settings.REPORTING_CURRENCY)

    def style(self, number_format: str | None, *, bold: bool = False) -> str:
        """The ` s="N"` attribute of cells in this number format (and bold), N the workbook's own style id."""
        key = (number_format, bold)
        if key not in self._styles:
            cell = self.sheet.cell(0, number_format, bold=bold)
            self._styles[key] = f' s="{cell.style_id}"' if getattr(cell, "has_style", False) else ""
        return self._styles[key]

    def money_style(self, currency: str) -> str:
        style = self._money.get(currency)
        if style is None:
            style = self._money[currency] = self.style(money_format(currency))
        return style

    def cells(self, cells: list, number: int) -> str:
        """A row of values and openpyxl cells (the header, the totals) as XML."""
        from openpyxl.cell.cell import Cell as OpenpyxlCell

        parts = []
        for letter, cell in zip(self.letters, cells, strict=False):
            if isinstance(cell, OpenpyxlCell):
                style = f' s="{cell.style_id}"' if cell.has_style else ""
                parts.append(_value_xml(f"{letter}{number}", cell.value, style))
            else:
                parts.append(_value_xml(f"{letter}{number}", cell))
        return f'<row r="{number}">{"".join(parts)}</row>'

    def _tail(self, value, style: str = "") -> str:
        """A cell's XML after `<c r="A1"`, for values that repeat from row to row (codes, labels, dates, times)."""
        return _value_xml("", value, style)[len('<c r=""') :]

    def expense_row(self, row: list, number: int) -> str:
        """An `expense_row` as the XML of the cells `_typed_row` made of it (docs/reports.md, "XLSX"): the value of
        each cell, its type and its style; no cell where the value is empty."""
        r = str(number)
        parts = [f'<row r="{r}">']
        append, tails, plain_text = parts.append, self._tails, _PLAIN_TEXT.fullmatch
        for index, letter, kind, labels in self.plan:
            value = row[index]
            if kind is Cell.TEXT:
                if value == "" or value is None:
                    continue
                if type(value) is str:
                    if value.startswith(FORMULA_PREFIXES):
                        value = "'" + value
                    if plain_text(value):
                        append(f'<c r="{letter}{r}" t="inlineStr"><is><t>{value}</t></is></c>')
                        continue
                append(_value_xml(letter + r, value))
            elif kind is Cell.MONEY:
                if value is not None:
                    style = self._money.get(row[_CURRENCY]) or self.money_style(row[_CURRENCY])
                    append(f'<c r="{letter}{r}"{style} t="n"><v>{"%.16g" % value}</v></c>')  # noqa: UP031
            elif kind is Cell.PLAIN or kind is Cell.CHOICE or kind is Cell.BOOLEAN or kind is Cell.DATE:
                key = (index, value)
                tail = tails.get(key)
                if tail is None:
                    if kind is Cell.PLAIN and type(value) is not str:
                        if type(value) is int:  # ids and counts: rarely the same twice
                            append(f'<c r="{letter}{r}" t="n"><v>{"%.16g" % value}</v></c>')  # noqa: UP031
                        else:
                            append(_value_xml(letter + r, value))
                        continue
                    if kind is Cell.PLAIN:
                        cell = value or None
                    elif kind is Cell.CHOICE:
                        cell = labels.get(value, value) or None
                    elif kind is Cell.BOOLEAN:
                        cell = "Yes" if value else "No"
                    else:
                        cell = value
                    tail = tails[key] = self._tail(cell, self.date_style if kind is Cell.DATE else "")
                if tail:
                    append(f'<c r="{letter}{r}"{tail}')
            elif kind is Cell.TIME:
                tail = tails.get(value)
                if tail is None:
                    tail = self._tail(datetime.time.fromisoformat(value), self.time_style)
                    if len(value) == len("hh:mm"):  # local times repeat; times to the second (UTC) seldom do
                        tails[value] = tail
                append(f'<c r="{letter}{r}"{tail}')
            elif kind is Cell.REPORTING_MONEY or kind is Cell.CHARGED_MONEY or kind is Cell.RATE:
                if value is not None:
                    if kind is Cell.REPORTING_MONEY:
                        style = self.reporting_style
                    elif kind is Cell.RATE:
                        style = self.rate_style
                    else:
                        style = self.money_style(row[_CHARGED_CURRENCY])
                    append(f'<c r="{letter}{r}"{style} t="n"><v>{"%.16g" % value}</v></c>')  # noqa: UP031
            else:
                moment = _moment(value)
                if kind is Cell.LOCAL_DATETIME:
                    moment = moment.astimezone(_zone(row[_TIMEZONE]))
                append(f'<c r="{letter}{r}"{self.datetime_style} t="n"><v>{_serial(moment)}</v></c>')
        append("</row>")
        return "".join(parts)


_EPOCH_ORDINAL = datetime.date(1899, 12, 30).toordinal()  # openpyxl's WINDOWS_EPOCH, a workbook's default


def _serial(moment: datetime.datetime) -> str:
    """The cell text of a date-time as openpyxl's `to_excel` makes it (days since the epoch and the fraction of the
    day, in the same float arithmetic), from the date and time on its face."""
    days = moment.toordinal() - _EPOCH_ORDINAL
    if 0 < days <= 60:  # Excel counts a 29 February 1900
        days -= 1
    seconds = (moment.hour * 3600) + (moment.minute * 60) + moment.second + moment.microsecond / 10**6
    return "%.16g" % (days + seconds / 86400)


@functools.cache
def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _sheet_xml_around_rows(sheet: _Sheet) -> tuple[str, str]:
    """The sheet's XML before and after its rows, as openpyxl writes it (properties, view, columns; filter,
    margins)."""
    from openpyxl.worksheet._writer import WorksheetWriter

    writer = WorksheetWriter(sheet.sheet, out=io.BytesIO())
    writer.write_top()
    xf = writer.xf.send(True)
    with xf.element("sheetData"):
        pass
    writer.xf.send(None)
    writer.write_tail()
    writer.close()
    text = writer.out.getvalue().decode()
    before, after = text.split("<sheetData></sheetData>")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + before + "<sheetData>", "</sheetData>" + after


@dataclasses.dataclass
class _Totals:
    """Sums of the exported rows: per currency (meals, amount, tax, tip, reporting amount) and overall."""

    by_currency: dict = dataclasses.field(default_factory=dict)

    def add(self, row: list) -> None:
        sums = self.by_currency.setdefault(row[_CURRENCY], [0, *([Decimal(0)] * (len(_MONEY) + 1))])
        sums[0] += 1
        for position, index in enumerate(_MONEY, start=1):
            sums[position] += row[index]
        sums[-1] += row[_REPORTING]


def _plural(count: int) -> str:
    return f"{count:,} meal" + ("" if count == 1 else "s")


def _totals_rows(sheet: _Sheet, totals: _Totals) -> list[list]:
    reporting = settings.REPORTING_CURRENCY
    rows = []
    for currency, sums in sorted(totals.by_currency.items()):
        row = [None] * len(COLUMNS)
        row[0] = sheet.cell(f"{TOTAL_LABEL} {currency} ({_plural(sums[0])})", bold=True)
        row[_CURRENCY] = sheet.cell(currency, bold=True)
        for position, index in enumerate(_MONEY, start=1):
            row[index] = sheet.cell(sums[position], money_format(currency), bold=True)
        row[_REPORTING] = sheet.cell(sums[-1], money_format(reporting), bold=True)
        rows.append(row)
    row = [None] * len(COLUMNS)
    meals = sum(sums[0] for sums in totals.by_currency.values())
    row[0] = sheet.cell(f"{TOTAL_LABEL} in {reporting}, the reporting currency ({_plural(meals)})", bold=True)
    reporting_total = sum((sums[-1] for sums in totals.by_currency.values()), Decimal(0))
    row[_REPORTING] = sheet.cell(reporting_total, money_format(reporting), bold=True)
    rows.append(row)
    return rows


def _workbook(heading: list[str]):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    workbook.properties.creator = "Meal Expense Tracker"
    workbook.properties.title = heading[0] if heading else ""
    return workbook


def _saved(workbook):
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    workbook.save(handle)
    handle.seek(0)
    return handle


def expenses_workbook(rows: Iterable[list], *, title: str = EXPENSE_SHEET):
    """The expense list (rows from `exports.expense_rows`) as a workbook in a temporary file.

    The rows go to a temporary file as they come (a chunk of rows at a time), so memory holds one chunk of rows; the
    sheet is then compressed into the workbook with its size known, as openpyxl does: ZIP64 headers only for a sheet
    past 2 GiB (Excel refuses the ones a zip streamed without a size gets)."""
    workbook = _workbook([title])
    sheet = _Sheet(workbook, title)
    sheet.widths([WIDE_COLUMNS.get(c.name, WIDTHS.get(c.cell, max(8, len(c.title) + 2))) for c in COLUMNS])
    sheet.freeze_above(2)
    xml = _XmlSheet(sheet)
    head, _ = _sheet_xml_around_rows(sheet)
    with tempfile.TemporaryFile(suffix=".xml") as part:
        header = [sheet._cell_class(sheet.sheet, value=column.title) for column in COLUMNS]
        for cell in header:
            cell.font, cell.fill, cell.alignment = sheet.header_font, sheet.header_fill, sheet.wrap
        chunk = [head, xml.cells(header, 1)]
        totals, number = _Totals(), 1
        for row in rows:
            totals.add(row)
            number += 1
            chunk.append(xml.expense_row(row, number))
            if len(chunk) >= XML_ROWS_PER_WRITE:
                part.write("".join(chunk).encode())
                chunk = []
        sheet.frame(header_row=1, last_row=number, columns=len(COLUMNS))
        number += 1
        chunk.append(f'<row r="{number}" />')  # a blank line above the totals
        for cells in _totals_rows(sheet, totals):
            number += 1
            chunk.append(xml.cells(cells, number))
        _, tail = _sheet_xml_around_rows(sheet)
        chunk.append(tail)
        part.write("".join(chunk).encode())
        size = part.tell()
        part.seek(0)
        handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
        with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL) as archive:
            with archive.open(SHEET_PART, "w", force_zip64=size * 1.05 > zipfile.ZIP64_LIMIT) as packed:
                shutil.copyfileobj(part, packed, 1 << 20)
            # openpyxl writes the workbook's other parts (its styles now hold every style the rows use).
            with _saved(workbook) as saved, zipfile.ZipFile(saved) as written:
                for item in written.infolist():
                    if item.filename != SHEET_PART:
                        archive.writestr(item.filename, written.read(item.filename))
    handle.seek(0)
    return handle


REPORT_FORMATS = {"date": DATE_FORMAT, "int": INTEGER_FORMAT, "percent": PERCENT_FORMAT}
SUMMED = {"total", "visits"}  # the columns of a report's totals row


def report_workbook(report: Report, rows: list[list], *, heading: list[str], totals: bool):
    """A report's table under its title and filters: typed, sized, frozen, filtered, and with a totals row of its
    total and visits when `totals` (when its rows split its meals between them)."""
    workbook = _workbook(heading)
    sheet = _Sheet(workbook, report.title)
    money = money_format(report.currency)
    sheet.widths([max(12, min(40, len(c.label) + 4)) if c.kind != "text" else 30 for c in report.columns])
    header_row = len(heading) + 2  # the title and filters, a blank line, then the column titles
    sheet.freeze_above(header_row + 1)
    sheet.append([sheet.cell(neutralise(heading[0]), bold=True)])
    for line in heading[1:]:
        sheet.append([neutralise(line)])
    sheet.append([])
    sheet.header([column.label for column in report.columns])
    formats = [money if c.kind == "money" else REPORT_FORMATS.get(c.kind) for c in report.columns]
    for row in rows:
        sheet.append(
            [_text(value) if isinstance(value, str) or value is None else sheet.cell(value, number_format)
             for value, number_format in zip(row, formats, strict=True)]
        )  # fmt: skip
    sheet.frame(header_row=header_row, last_row=sheet.rows, columns=len(report.columns))
    if totals:
        cells = [None] * len(report.columns)
        cells[0] = sheet.cell(TOTAL_LABEL, bold=True)
        for index, column in enumerate(report.columns):
            if column.key in SUMMED:
                figures = [row[index] for row in rows if row[index] is not None]
                total = sum(figures, Decimal(0) if column.kind == "money" else 0)
                cells[index] = sheet.cell(total, formats[index], bold=True)
        sheet.append(cells)
    return _saved(workbook)
