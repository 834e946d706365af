"""The expense JSON, XLSX and PDF against reference writers: the JSON byte for byte as one `json.dumps` per record
with every cell through `json_value` wrote it, the workbook cell for cell as openpyxl's cell objects wrote it (values,
number formats, bold, the header's fill, widths, frozen header, filter), the PDF with every meal and the totals.

The meals are awkward on purpose: text a spreadsheet would run as a formula, an error value, text with spaces around
it, markup characters, line breaks, accents, CJK and emoji, four currencies (JPY with no minor unit),
tags, colleagues and guests, card amounts and a cleared date.
"""

import datetime
import io
import json
import re
import zoneinfo
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from expenses import services
from expenses.tests.factories import CategoryFactory, ExchangeRateFactory, RestaurantFactory, TagFactory
from mealtracker.money import format_money_code
from mealtracker.serialization import json_value
from reports.selectors import ReportFilters, exported_expenses
from reports.services import export_xlsx, exports
from reports.tests.test_exports import download

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
MARCH = {"date_from": "2026-03-01", "date_to": "2026-03-31"}
AWKWARD_TEXT = [
    "=SUM(A1:A9)",
    "+1 555 0100",
    "-2 for the corkage",
    "@supper club",
    "\tindented",
    "#N/A",
    "  spaced out  ",
    "Fish & chips <b>bold</b> > all",
    "line one\nline two\r\nline three",
    "Café Dürüm \u2013 crème brûlée",
    "寿司 🍣 and ramen 🍜",
    "",
]


@pytest.fixture
def awkward(member, teammate):
    """Twelve meals of the member in Tokyo's time zone, each with one awkward text in every text field it has."""
    member.timezone = "Asia/Tokyo"
    member.save(update_fields=["timezone"])
    for currency, rate in [("EUR", "1.0843"), ("JPY", "0.0066667"), ("GBP", "1.2551")]:
        ExchangeRateFactory(currency=currency, date=datetime.date(2026, 3, 1), rate=Decimal(rate))
    currencies = [("USD", "12.34", "1.23"), ("EUR", "56.78", "5.68"), ("JPY", "1200", "120"), ("GBP", "4.12", "0.41")]
    for name in ["client", "team-lunch", "q1"]:
        TagFactory(owner=member, name=name)
    for index, text in enumerate(AWKWARD_TEXT):
        currency, amount, tax = currencies[index % len(currencies)]
        restaurant = RestaurantFactory(
            owner=member, name=text or "Plain", city=text, cuisine=text, address_line_1=text, country="JP"
        )
        category = CategoryFactory(owner=member, name=(text or "Plain")[:40]) if index % 3 else None
        fields = {
            "notes": text,
            "restaurant": restaurant,
            "category": category,
            "meal_type": ["breakfast", "lunch", "dinner", "drinks"][index % 4],
            "order_type": ["dine_in", "takeout", "delivery"][index % 3],
            "tax": Decimal(tax),
            "tip": Decimal(0) if index % 2 else Decimal(tax),
        }
        if index % 4 == 1:
            fields |= {"charged_amount": Decimal("61.50"), "cleared_on": datetime.date(2026, 3, 20)}
        services.expense_create(
            owner=member,
            amount=Decimal(amount),
            currency=currency,
            occurred_at=datetime.datetime(2026, 3, 1 + index, 23, 59, 58, 123456 * (index % 2), tzinfo=TOKYO),
            tags=["client", "q1"] if index % 2 else (["team-lunch"] if index % 3 else []),
            attendees=[teammate, {"name": text or "Guest", "company": "Acme & Co", "relationship": "client"}]
            if index % 2
            else None,
            **fields,
        )
    return member


def export(client, file_format):
    response = client.get(reverse("reports_api:export-expenses", args=[file_format]), MARCH)
    assert response.status_code == HTTPStatus.OK, response.content[:500] if not response.streaming else ""
    return download(response)


def reference_rows(member) -> list[list]:
    filters = ReportFilters(date_from=datetime.date(2026, 3, 1), date_to=datetime.date(2026, 3, 31))
    return list(exports.expense_rows(exported_expenses(member, filters)))


# --- JSON ---------------------------------------------------------------------------------------------------------


def reference_json(rows: list[list]) -> str:
    """The JSON as it was written: every cell through json_value, one json.dumps per record."""
    head = {
        "kind": "mealtracker.expenses",
        "schema_version": exports.EXPORT_SCHEMA_VERSION,
        "exported_at": timezone.now().isoformat(),
        "reporting_currency": settings.REPORTING_CURRENCY,
    }
    parts = [json.dumps(head)[:-1] + ', "expenses": [']
    for index, row in enumerate(rows):
        record = {key: json_value(value) for key, value in zip(exports.EXPENSE_COLUMNS, row, strict=True)}
        parts.append(("," if index else "") + "\n" + json.dumps(record))
    parts.append("\n]}\n")
    return "".join(parts)


def without_export_time(text: str) -> str:
    return re.sub(r'"exported_at": "[^"]*"', '"exported_at": ""', text, count=1)


def test_expense_json_is_byte_for_byte_the_reference(api_client_for, awkward):
    body = export(api_client_for(awkward), "json").decode("ascii")

    expected = reference_json(reference_rows(awkward))
    assert without_export_time(body) == without_export_time(expected)
    assert len(json.loads(body)["expenses"]) == len(AWKWARD_TEXT)
    assert "\\ud83c\\udf63" in body  # non-ASCII escaped, as json.dumps does


def test_expense_json_escapes_as_json_dumps_does(api_client_for, member):
    """Text only JSON can hold (quotes, backslashes, escape and delete characters, a line separator), a meal with no
    restaurant or category, and an exchange rate small enough for str(Decimal) to write with an exponent."""
    texts = ['"quoted" and back\\slash', "escape \x1b and delete \x7f", "line\u2028separator", "tab\tand more"]
    for day, text in enumerate(texts, start=2):
        services.expense_create(
            owner=member, amount=Decimal("10.00"), currency="USD", notes=text, restaurant=None,
            occurred_at=datetime.datetime(2026, 3, day, 12, tzinfo=datetime.UTC),
        )  # fmt: skip
    services.expense_create(
        owner=member, amount=Decimal("100000000"), currency="JPY", exchange_rate=Decimal("0.00000050"),
        occurred_at=datetime.datetime(2026, 3, 9, 12, tzinfo=datetime.UTC),
    )  # fmt: skip

    body = export(api_client_for(member), "json").decode("ascii")

    assert without_export_time(body) == without_export_time(reference_json(reference_rows(member)))
    assert '"exchange_rate": "5.0E-7"' in body
    assert "\\u007f" in body
    assert "\\u2028" in body


@pytest.mark.parametrize("count", [0, 1, exports.JSON_ROWS_PER_CHUNK, exports.JSON_ROWS_PER_CHUNK + 1])
def test_expense_json_chunks_join_to_the_reference(count):
    """Records split between chunks (none, one, a full chunk, a chunk and one) read as one list, as before."""
    row = [Decimal("1.50"), datetime.date(2026, 3, 1), "x", None, True, 3]
    rows = [row] * count
    columns = exports.EXPENSE_COLUMNS[: len(row)]
    original, exports.EXPENSE_COLUMNS[:] = list(exports.EXPENSE_COLUMNS), columns
    try:
        body = "".join(exports._json_stream(rows))
    finally:
        exports.EXPENSE_COLUMNS[:] = original
    records = [dict(zip(columns, [json_value(value) for value in row], strict=True))] * count
    assert json.loads(body)["expenses"] == records
    assert body.count("\n{") == count
    assert body.endswith("\n]}\n")


# --- XLSX ---------------------------------------------------------------------------------------------------------


def reference_workbook(rows: list[list]):
    """The workbook as openpyxl's write-only cells wrote it (the expense sheet before it was written as XML)."""
    xlsx = export_xlsx
    workbook = xlsx._workbook([xlsx.EXPENSE_SHEET])
    sheet = xlsx._Sheet(workbook, xlsx.EXPENSE_SHEET)
    sheet.widths(
        [xlsx.WIDE_COLUMNS.get(c.name, xlsx.WIDTHS.get(c.cell, max(8, len(c.title) + 2))) for c in xlsx.COLUMNS]
    )
    sheet.freeze_above(2)
    sheet.header([column.title for column in xlsx.COLUMNS])
    totals = xlsx._Totals()
    for row in rows:
        totals.add(row)
        sheet.append(reference_cells(sheet, row))
    sheet.frame(header_row=1, last_row=sheet.rows, columns=len(xlsx.COLUMNS))
    sheet.append([])
    for row in xlsx._totals_rows(sheet, totals):
        sheet.append(row)
    return xlsx._saved(workbook)


def reference_cells(sheet, row: list) -> list:
    xlsx, cells = export_xlsx, []
    for column, value in zip(xlsx.COLUMNS, row, strict=True):
        kind = column.cell
        if kind is xlsx.Cell.PLAIN:
            cells.append(None if value == "" else value)
        elif kind is xlsx.Cell.TEXT:
            cells.append(xlsx._text(value))
        elif kind is xlsx.Cell.MONEY:
            cells.append(sheet.cell(value, xlsx.money_format(row[xlsx._CURRENCY])))
        elif kind is xlsx.Cell.CHOICE:
            cells.append(column.labels.get(value, value) or None)
        elif kind is xlsx.Cell.DATE:
            cells.append(sheet.cell(value, xlsx.DATE_FORMAT))
        elif kind is xlsx.Cell.TIME:
            cells.append(sheet.cell(datetime.time.fromisoformat(value), xlsx.TIME_FORMAT))
        elif kind is xlsx.Cell.REPORTING_MONEY:
            cells.append(sheet.cell(value, xlsx.money_format(settings.REPORTING_CURRENCY)))
        elif kind is xlsx.Cell.CHARGED_MONEY:
            charged = xlsx.money_format(row[xlsx._CHARGED_CURRENCY]) if value is not None else None
            cells.append(None if value is None else sheet.cell(value, charged))
        elif kind is xlsx.Cell.RATE:
            cells.append(sheet.cell(value, xlsx.RATE_FORMAT))
        elif kind is xlsx.Cell.BOOLEAN:
            cells.append("Yes" if value else "No")
        elif kind is xlsx.Cell.UTC_DATETIME:
            cells.append(sheet.cell(xlsx._moment(value).replace(tzinfo=None), xlsx.DATETIME_FORMAT))
        else:
            local = xlsx._moment(value).astimezone(xlsx._zone(row[xlsx._TIMEZONE])).replace(tzinfo=None)
            cells.append(sheet.cell(local, xlsx.DATETIME_FORMAT))
    return cells


def sheet_facts(content) -> dict:
    sheet = load_workbook(content).active
    cells = [
        [(c.coordinate, c.value, c.data_type, c.number_format, c.font.b, c.fill.fgColor.rgb, c.alignment.wrap_text)
         for c in row]
        for row in sheet.iter_rows()
    ]  # fmt: skip
    widths = {key: dimension.width for key, dimension in sheet.column_dimensions.items()}
    return {"cells": cells, "widths": widths, "frozen": sheet.freeze_panes, "filter": sheet.auto_filter.ref}


def test_expense_workbook_is_cell_for_cell_the_reference(api_client_for, awkward):
    content = export(api_client_for(awkward), "xlsx")

    rows = reference_rows(awkward)
    written, expected = sheet_facts(io.BytesIO(content)), sheet_facts(reference_workbook(rows))
    assert len(written["cells"]) == len(AWKWARD_TEXT) + 1 + 1 + len({row[exports.EXPENSE_COLUMNS.index("currency")]
                                                                     for row in rows}) + 1  # fmt: skip
    for line, (ours, theirs) in enumerate(zip(written["cells"], expected["cells"], strict=True)):
        assert ours == theirs, line
    assert written == expected
    values = [cell[1] for row in written["cells"] for cell in row]
    for text in ["'=SUM(A1:A9)", "'@supper club", "#N/A", "寿司 🍣 and ramen 🍜", "  spaced out  "]:
        assert text in values


def test_an_empty_expense_workbook_is_the_reference(api_client_for, member):
    content = export(api_client_for(member), "xlsx")

    assert sheet_facts(io.BytesIO(content)) == sheet_facts(reference_workbook([]))


def test_expense_workbook_refuses_text_a_workbook_cannot_hold():
    from openpyxl.utils.exceptions import IllegalCharacterError

    with pytest.raises(IllegalCharacterError):
        export_xlsx._string_xml("A1", "bell\x07", "")


# --- PDF ----------------------------------------------------------------------------------------------------------


def test_expense_pdf_lists_every_meal_and_the_totals(api_client_for, awkward):
    reader = PdfReader(io.BytesIO(export(api_client_for(awkward), "pdf")))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))

    rows = reference_rows(awkward)
    at = {name: exports.EXPENSE_COLUMNS.index(name) for name in ("date", "time", "amount", "currency")}
    for row in rows:
        assert f"{row[at['date']].isoformat()} {row[at['time']]}" in text
        assert format_money_code(row[at["amount"]], row[at["currency"]]) in text
    for currency in ("USD", "EUR", "JPY", "GBP"):
        assert f"Total {currency} (3 meals)" in text
    assert f"Total in {settings.REPORTING_CURRENCY} ({len(rows)} meals)" in text
    assert "Page 1 of 1" in text
