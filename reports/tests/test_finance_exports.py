"""The files people hand to finance, opened the way finance opens them: the workbook with openpyxl (cell types,
number formats, frozen header, filter, totals) and the PDFs' text with pypdf (labels, filters, totals, pages).

Figures are the `march` data set's (reports/tests/conftest.py): in March the member spent 30.00 + 12.00 USD,
50.00 EUR (55.00 USD) and 1000 JPY (6.70 USD), 103.70 USD in all."""

import datetime
import io
import re
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from expenses import services
from expenses.fields import EXPORT_TITLES
from expenses.tests.factories import ExpenseFactory
from reports.services import exports
from reports.services.importing import HEADER_TO_FIELD, normalise_header
from reports.tests.factories import MealPolicyFactory
from reports.tests.test_exports import MARCH, download

TITLES = [EXPORT_TITLES[column] for column in exports.EXPENSE_COLUMNS]


@pytest.fixture
def client(api_client_for, member, march):
    return api_client_for(member)


def workbook(response):
    assert response.status_code == HTTPStatus.OK, response.content[:500]
    return load_workbook(io.BytesIO(download(response))).active


def pdf_text(response) -> tuple[str, int]:
    """The PDF's text with runs of white space as one space, and its number of pages."""
    assert response.status_code == HTTPStatus.OK, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(download(response)))
    text = " ".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text), len(reader.pages)


def expenses_file(client, file_format, **params):
    return client.get(reverse("reports_api:export-expenses", args=[file_format]), params)


def report_file(client, kind, file_format, **params):
    return client.get(reverse("reports_api:export-report", args=[kind, file_format]), params)


def column(name: str) -> int:
    """The 1-based column of an export column in the workbook."""
    return exports.EXPENSE_COLUMNS.index(name) + 1


# --- XLSX: the expense list -------------------------------------------------------------------------------------


def test_expense_workbook_titles_its_columns_for_people_and_freezes_and_filters_them(client):
    sheet = workbook(expenses_file(client, "xlsx", **MARCH))

    assert [cell.value for cell in sheet[1]] == TITLES
    assert sheet.freeze_panes == "A2"
    last = sheet.cell(row=1, column=len(TITLES)).column_letter
    assert sheet.auto_filter.ref == f"A1:{last}5"  # the header and the four meals, not the totals
    assert sheet.column_dimensions[sheet.cell(row=1, column=column("notes")).column_letter].width == 40


def test_every_workbook_title_reads_back_as_its_column():
    for name, title in EXPORT_TITLES.items():
        assert HEADER_TO_FIELD.get(normalise_header(title), name) == name, title


def test_expense_workbook_cells_are_typed_in_the_owners_time_and_the_rows_currency(client, march):
    sheet = workbook(expenses_file(client, "xlsx", **MARCH))
    dinner = 3  # the second meal: 50 EUR on 2 March at 23:30 in New York

    date = sheet.cell(row=dinner, column=column("date"))
    assert (date.value, date.number_format) == (datetime.datetime(2026, 3, 2), "yyyy-mm-dd")
    time = sheet.cell(row=dinner, column=column("time"))
    assert (time.value, time.number_format) == (datetime.time(23, 30), "hh:mm")
    utc = sheet.cell(row=dinner, column=column("datetime_utc")).value
    assert utc == datetime.datetime(2026, 3, 3, 4, 30)
    amount = sheet.cell(row=dinner, column=column("amount"))
    assert (amount.value, amount.data_type, amount.number_format) == (50, "n", '#,##0.00 "EUR"')
    assert sheet.cell(row=dinner, column=column("tip")).number_format == '#,##0.00 "EUR"'
    reporting = sheet.cell(row=dinner, column=column("reporting_amount"))
    assert (reporting.value, reporting.number_format) == (55, '#,##0.00 "USD"')
    assert sheet.cell(row=dinner, column=column("exchange_rate")).value == pytest.approx(1.1)
    yen = sheet.cell(row=5, column=column("amount"))
    assert (yen.value, yen.number_format) == (1000, '#,##0 "JPY"')
    created = sheet.cell(row=dinner, column=column("created_at"))
    local_created = march["late_dinner"].created_at.astimezone(march["late_dinner"].owner.tzinfo)
    assert created.is_date
    assert abs(created.value - local_created.replace(tzinfo=None)) < datetime.timedelta(milliseconds=1)


def test_expense_workbook_writes_choices_as_their_labels(client):
    sheet = workbook(expenses_file(client, "xlsx", **MARCH))

    meals = [sheet.cell(row=row, column=column("meal_type")).value for row in range(2, 6)]
    assert meals == ["Lunch", "Dinner", "Breakfast", "Drinks"]
    assert sheet.cell(row=4, column=column("order_type")).value == "Takeout"
    assert sheet.cell(row=2, column=column("status")).value == "Recorded"
    assert sheet.cell(row=2, column=column("is_business")).value == "No"


def test_expense_workbook_ends_with_totals_per_currency_and_in_the_reporting_currency(client):
    sheet = workbook(expenses_file(client, "xlsx", **MARCH))
    totals = {
        sheet.cell(row=row, column=1).value: (
            sheet.cell(row=row, column=column("amount")).value,
            sheet.cell(row=row, column=column("tip")).value,
            sheet.cell(row=row, column=column("reporting_amount")).value,
            sheet.cell(row=row, column=column("amount")).number_format,
        )
        for row in range(7, sheet.max_row + 1)
    }

    assert sheet.cell(row=6, column=1).value is None  # a blank line between the meals and their totals
    assert totals == {
        "Total EUR (1 meal)": (50, 5, 55, '#,##0.00 "EUR"'),
        "Total JPY (1 meal)": (1000, 0, pytest.approx(6.7), '#,##0 "JPY"'),
        "Total USD (2 meals)": (42, 4, 42, '#,##0.00 "USD"'),
        "Total in USD, the reporting currency (4 meals)": (None, None, pytest.approx(103.7), "General"),
    }
    assert sheet.cell(row=7, column=1).font.bold


def test_workbook_text_that_would_run_as_a_formula_is_neutralised(client, member):
    ExpenseFactory(owner=member, notes="=HYPERLINK(1)", restaurant__name="@SUM(A1)")
    sheet = workbook(expenses_file(client, "xlsx"))

    notes = [sheet.cell(row=row, column=column("notes")) for row in range(2, 8)]
    neutralised = next(cell for cell in notes if cell.value and cell.value.startswith("'"))
    assert (neutralised.value, neutralised.data_type) == ("'=HYPERLINK(1)", "s")


def test_an_empty_expense_workbook_has_its_header_and_zero_totals(client):
    sheet = workbook(expenses_file(client, "xlsx", date_from="2020-01-01", date_to="2020-01-31"))

    assert [cell.value for cell in sheet[1]] == TITLES
    assert sheet.cell(row=3, column=1).value == "Total in USD, the reporting currency (0 meals)"


# --- XLSX: reports -----------------------------------------------------------------------------------------------


def test_report_workbook_prints_its_filters_and_types_and_totals_its_figures(client):
    sheet = workbook(report_file(client, "breakdown", "xlsx", **MARCH, by="meal_type", meal_type="dinner,lunch"))

    assert sheet["A1"].value == "Spending by meal type"
    assert "Dates: 1 Mar 2026 to 31 Mar 2026" in sheet["A2"].value
    assert "Meal: Dinner, Lunch" in sheet["A2"].value
    assert sheet["A5"].value == "Meal Type"
    assert sheet.freeze_panes == "A6"
    assert sheet.auto_filter.ref.startswith("A5:")
    assert (sheet["A6"].value, sheet["B6"].value, sheet["B6"].number_format) == ("Dinner", 55, '#,##0.00 "USD"')
    assert sheet["F6"].number_format == '0.0"%"'
    assert (sheet["A8"].value, sheet["B8"].value, sheet["C8"].value) == ("Total", 85, 2)


def test_a_breakdown_by_tag_has_no_totals_row(client):
    sheet = workbook(report_file(client, "breakdown", "xlsx", **MARCH, by="tag"))

    assert "Total" not in [cell.value for cell in sheet["A"]]


# --- PDF ---------------------------------------------------------------------------------------------------------


def test_expense_pdf_prints_its_filters_labels_and_totals(client):
    text, pages = pdf_text(expenses_file(client, "pdf", **MARCH, meal_type="dinner,drinks,lunch,breakfast"))

    assert "Dates: 1 Mar 2026 to 31 Mar 2026 · Whose: My expenses · Meal: Dinner, Drinks, Lunch, Breakfast" in text
    assert "Restaurant Meal Order type" in text
    assert "Trattoria B Dinner Dine in" in text
    assert " dinner " not in text
    assert "Total EUR (1 meal) 50.00 EUR 55.00 USD" in text
    assert "Total JPY (1 meal) 1,000 JPY 6.70 USD" in text
    assert "Total in USD (4 meals) 103.70 USD" in text
    assert f"Page 1 of {pages}" in text


def test_a_long_expense_pdf_numbers_its_pages_and_repeats_the_column_titles(client, member):
    ExpenseFactory.create_batch(70, owner=member, meal_type="late_night")
    text, pages = pdf_text(expenses_file(client, "pdf"))

    assert pages == 2
    assert "Page 1 of 2" in text
    assert "Page 2 of 2" in text
    assert text.count("Restaurant Meal Order type") == 2
    assert "Late night" in text
    assert "Total in USD (75 meals)" in text


def test_an_expense_pdf_past_its_row_limit_says_so_and_totals_every_meal(client, monkeypatch):
    monkeypatch.setattr(exports, "PDF_MAX_ROWS", 2)
    text, _ = pdf_text(expenses_file(client, "pdf", **MARCH))

    assert "The first 2 of 4 meals are listed; the totals cover all 4." in text
    assert "Total in USD (4 meals) 103.70 USD" in text
    assert "Breakfast" not in text


def test_a_team_expense_pdf_names_each_meals_owner(api_client_for, manager, member, teammate, march):
    text, _ = pdf_text(expenses_file(api_client_for(manager), "pdf", scope="team", **MARCH))

    assert "Whose: My teams' expenses" in text
    assert "Owner" in text
    assert "teammate@example.com" in text


def test_report_pdf_prints_its_filters_labels_totals_and_pages(client):
    text, pages = pdf_text(report_file(client, "totals", "pdf", **MARCH, period="month", category=""))

    assert "Totals by month" in text
    assert "Dates: 1 Mar 2026 to 31 Mar 2026 · Whose: My expenses" in text
    assert "Days and hours in America/New_York · amounts in USD" in text
    assert "Mar 2026 $103.70 4" in text
    assert "Total $103.70 4" in text
    assert f"Page 1 of {pages}" in text


def test_over_policy_pdf_writes_statuses_as_labels(client, member, team_a):
    MealPolicyFactory(team=team_a, meal_type="dinner", max_per_person=Decimal("20.00"))
    services.expense_create(
        owner=member, amount=Decimal("90.00"), occurred_at=timezone.now() - datetime.timedelta(hours=1),
        currency="USD", meal_type="dinner", is_business=True, business_purpose="Client dinner",
    )  # fmt: skip
    text, _ = pdf_text(report_file(client, "over-policy", "pdf"))

    assert "Dinner 1 $90.00 $90.00 $20.00 $70.00 Draft" in text


def test_summary_pdf_shows_the_figures_of_the_reports_page(client):
    response = client.get(reverse("reports_api:export-summary"), {**MARCH, "period": "week"})
    text, pages = pdf_text(response)

    assert response["Content-Disposition"].startswith('attachment; filename="spending-summary-')
    for shown in [
        "Spending summary",
        "Dates: 1 Mar 2026 to 31 Mar 2026",
        "Total spent $103.70 4 visits · 5 people",
        "Average per visit $25.93",
        "Spending by week",
        "By category",
        "Category Total Visits Average per visit Share %",
        "Against the previous period +418.5% $20.00 from 29 Jan 2026 to 28 Feb 2026",
        "Dining $42.00 2",
        "Top restaurants by spend",
        "Bistro A French $42.00 2",
        "Top restaurants by visits",
        "By meal type",
        "By weekday",
        "Monday",
        "By hour of day",
        "23:00",
        f"Page {pages} of {pages}",
    ]:
        assert shown in text, shown


def test_member_cannot_print_the_team_summary(client):
    response = client.get(reverse("reports_api:export-summary"), {"scope": "team"})

    assert response.status_code == HTTPStatus.FORBIDDEN


def test_reports_page_offers_the_summary_pdf(web_client_for, member):
    page = web_client_for(member).get(reverse("reports")).content.decode()

    assert reverse("reports_api:export-summary") + "?" in page


def test_summary_pdf_of_a_backwards_range_is_a_400_naming_the_date(client):
    response = client.get(reverse("reports_api:export-summary"), {"date_from": "2026-03-31", "date_to": "2026-03-01"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "date_from" in response.json()["errors"]


def test_summary_pdf_of_ten_years_by_day_answers(client):
    response = client.get(
        reverse("reports_api:export-summary"), {"date_from": "2016-04-01", "date_to": "2026-03-31", "period": "day"}
    )

    text, _ = pdf_text(response)
    assert "Spending by day" in text
