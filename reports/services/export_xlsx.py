"""Workbooks people hand to finance: typed cells, titled and sized columns, a frozen header, a filter and totals.

openpyxl's write-only workbook appends each row to a temporary file as it comes, so memory stays flat however
long the list. Dates are Excel dates, times Excel times and moments Excel date-times (a workbook has no time
zones: the meal's date and time are the owner's, "Date and time (UTC)" is UTC, Created and Updated are the
owner's); money is a number shown in its row's currency. The totals are written as values under the rows, one
line per currency and one in the reporting currency (docs/reports.md, "XLSX").
"""

import dataclasses
import datetime
import enum
import functools
import tempfile
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


def _typed_row(sheet: _Sheet, row: list) -> list:
    """An `expense_row` as workbook cells."""
    currency, zone = row[_CURRENCY], row[_TIMEZONE]
    cells = []
    for column, value in zip(COLUMNS, row, strict=True):
        kind = column.cell
        if kind is Cell.PLAIN:
            cells.append(None if value == "" else value)
        elif kind is Cell.TEXT:
            cells.append(_text(value))
        elif kind is Cell.MONEY:
            cells.append(sheet.cell(value, money_format(currency)))
        elif kind is Cell.CHOICE:
            cells.append(column.labels.get(value, value) or None)
        elif kind is Cell.DATE:
            cells.append(sheet.cell(value, DATE_FORMAT))
        elif kind is Cell.TIME:
            cells.append(sheet.cell(datetime.time.fromisoformat(value), TIME_FORMAT))
        elif kind is Cell.REPORTING_MONEY:
            cells.append(sheet.cell(value, money_format(settings.REPORTING_CURRENCY)))
        elif kind is Cell.CHARGED_MONEY:
            cells.append(None if value is None else sheet.cell(value, money_format(row[_CHARGED_CURRENCY])))
        elif kind is Cell.RATE:
            cells.append(sheet.cell(value, RATE_FORMAT))
        elif kind is Cell.BOOLEAN:
            cells.append("Yes" if value else "No")
        elif kind is Cell.UTC_DATETIME:
            cells.append(sheet.cell(_moment(value).replace(tzinfo=None), DATETIME_FORMAT))
        else:  # Cell.LOCAL_DATETIME
            local = _moment(value).astimezone(_zone(zone)).replace(tzinfo=None)
            cells.append(sheet.cell(local, DATETIME_FORMAT))
    return cells


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
    """The expense list (rows from `exports.expense_rows`) as a workbook in a temporary file."""
    workbook = _workbook([title])
    sheet = _Sheet(workbook, title)
    sheet.widths([WIDE_COLUMNS.get(c.name, WIDTHS.get(c.cell, max(8, len(c.title) + 2))) for c in COLUMNS])
    sheet.freeze_above(2)
    sheet.header([column.title for column in COLUMNS])
    totals = _Totals()
    for row in rows:
        totals.add(row)
        sheet.append(_typed_row(sheet, row))
    sheet.frame(header_row=1, last_row=sheet.rows, columns=len(COLUMNS))
    sheet.append([])
    for row in _totals_rows(sheet, totals):
        sheet.append(row)
    return _saved(workbook)


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
