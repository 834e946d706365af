import csv
import io
import json
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from openpyxl import load_workbook

from expenses.fields import EXPORT_TITLES
from expenses.tests.factories import ExpenseFactory, TagFactory
from reports.services.exports import EXPENSE_COLUMNS

MARCH = {"date_from": "2026-03-01", "date_to": "2026-03-31"}


def download(response) -> bytes:
    if isinstance(response, StreamingHttpResponse) or response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(download(response).decode("utf-8-sig"))))


@pytest.fixture
def client(api_client_for, member, march):
    return api_client_for(member)


def export(client, file_format, **params):
    return client.get(reverse("reports_api:export-expenses", args=[file_format]), params)


def test_expense_csv_streams_the_documented_columns(client):
    response = export(client, "csv", **MARCH)
    assert response.status_code == HTTPStatus.OK
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response)
    assert list(rows[0]) == EXPENSE_COLUMNS
    assert [(r["date"], r["time"], r["amount"], r["currency"], r["reporting_amount"]) for r in rows] == [
        ("2026-03-02", "12:00", "30.00", "USD", "30.00"),
        ("2026-03-02", "23:30", "50.00", "EUR", "55.00"),
        ("2026-03-15", "08:00", "12.00", "USD", "12.00"),
        ("2026-03-31", "23:30", "1000.00", "JPY", "6.70"),
    ]


def test_expense_export_holds_only_the_callers_expenses(client, teammate):
    emails = {row["owner_email"] for row in csv_rows(export(client, "csv"))}
    assert emails == {"member@example.com"}


def test_csv_cells_that_would_run_as_formulas_are_neutralised(client, member):
    ExpenseFactory(owner=member, notes='=HYPERLINK("http://evil.example","x")', restaurant__name="@SUM(A1)")
    row = next(r for r in csv_rows(export(client, "csv")) if r["notes"].startswith("'"))
    assert row["notes"] == '\'=HYPERLINK("http://evil.example","x")'
    assert row["restaurant_name"] == "'@SUM(A1)"


def test_expense_xlsx_opens_with_openpyxl(client):
    response = export(client, "xlsx", **MARCH)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(download(response)), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [EXPORT_TITLES[column] for column in EXPENSE_COLUMNS]
    assert rows[2][EXPENSE_COLUMNS.index("reporting_amount")] == 55
    assert rows[6][0] == "Total EUR (1 meal)"  # after the four meals and a blank line


def test_expense_pdf_is_a_pdf_document(client):
    response = export(client, "pdf", **MARCH)
    assert response["Content-Type"] == "application/pdf"
    assert download(response).startswith(b"%PDF")


def test_expense_json_holds_money_as_strings_and_a_schema_version(client):
    body = json.loads(download(export(client, "json", **MARCH)))
    assert (body["kind"], body["schema_version"], len(body["expenses"])) == ("mealtracker.expenses", 1, 4)
    assert body["expenses"][1]["amount"] == "50.00"
    assert body["expenses"][1]["exchange_rate"] == "1.10000000"


def test_expense_export_uses_a_fixed_number_of_queries(client, member, assert_max_app_queries):
    for _ in range(30):
        expense = ExpenseFactory(owner=member, amount=Decimal("10.00"))
        TagFactory(owner=member).expenses.add(expense, through_defaults={})
    with assert_max_app_queries(4):
        rows = csv_rows(export(client, "csv"))
    assert len(rows) == 35


def test_unknown_export_format_is_not_found(client):
    assert export(client, "docx").status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "pdf"])
def test_every_report_exports_in_every_format(client, file_format):
    for kind in ["summary", "totals", "breakdown", "top-restaurants", "heatmap", "over-policy"]:
        response = client.get(reverse("reports_api:export-report", args=[kind, file_format]), MARCH)
        assert response.status_code == HTTPStatus.OK, kind
        assert response["Content-Disposition"].startswith(f'attachment; filename="report-{kind}-')


def test_report_csv_has_the_reports_columns_and_figures(client):
    response = client.get(reverse("reports_api:export-report", args=["totals", "csv"]), {**MARCH, "period": "day"})
    rows = csv_rows(response)
    assert [(r["Day starting"], r["Total"]) for r in rows] == [
        ("2026-03-02", "85.00"),
        ("2026-03-15", "12.00"),
        ("2026-03-31", "6.70"),
    ]


def test_report_xlsx_keeps_money_numeric(client):
    response = client.get(
        reverse("reports_api:export-report", args=["breakdown", "xlsx"]), {**MARCH, "by": "meal_type"}
    )
    rows = list(load_workbook(io.BytesIO(download(response)), read_only=True).active.iter_rows(values_only=True))
    assert rows[0] == ("Spending by meal type",)
    assert rows[4][:2] == ("Meal Type", "Total")
    assert rows[5][:2] == ("Dinner", 55)


def test_member_cannot_export_the_team_report(client):
    response = client.get(reverse("reports_api:export-report", args=["summary", "csv"]), {"scope": "team"})
    assert response.status_code == HTTPStatus.FORBIDDEN
