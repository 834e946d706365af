import datetime
import io
import json
from decimal import Decimal
from http import HTTPStatus
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from expenses.models import Expense
from expenses.tests.factories import ExchangeRateFactory, ExpenseFactory, RestaurantFactory
from reports.models import ImportBatch
from reports.services.importing import parse_date

FIXTURES = Path(__file__).parent / "fixtures"
MESSY = FIXTURES / "messy-bank-export.csv"
BAD_LINES = {6: "date", 7: "amount", 8: "amount", 9: "meal_type", 10: "party_size", 12: "amount", 13: "date",
             14: "exchange_rate"}  # fmt: skip
GOOD_LINES = [2, 3, 4, 5, 16]


def upload(client, path_or_bytes, name="messy-bank-export.csv"):
    payload = path_or_bytes.read_bytes() if isinstance(path_or_bytes, Path) else path_or_bytes
    file = SimpleUploadedFile(name, payload)
    return client.post(reverse("reports_api:import-list"), {"file": file}, format="multipart")


def rows_of(client, batch_id, **params):
    return client.get(reverse("reports_api:import-rows", args=[batch_id]), params).json()["results"]


@pytest.fixture
def client(api_client_for, member):
    return api_client_for(member)


def test_review_reports_each_bad_row_by_line_number(client):
    batch = upload(client, MESSY).json()
    errors = {row["line_number"]: row["errors"] for row in rows_of(client, batch["id"], show="errors")}
    assert set(errors) == set(BAD_LINES)
    for line, field in BAD_LINES.items():
        assert errors[line][0].startswith(f"{field}:"), (line, errors[line])


def test_review_writes_no_expense(client, member):
    upload(client, MESSY)
    assert not Expense.objects.filter(owner=member).exists()


def test_review_reads_aliases_formats_and_bank_signs(client):
    batch = upload(client, MESSY).json()
    rows = {row["line_number"]: row["values"] for row in rows_of(client, batch["id"])}
    assert (rows[2]["restaurant_name"], rows[2]["notes"], rows[2]["amount"]) == (
        "Bistro A",
        "Team lunch, with Sam",
        "42.50",
    )
    assert rows[2]["tags"] == ["client", "team"]
    assert rows[3]["amount"] == "18.25"
    assert rows[4]["occurred_at"] == "2026-03-07T12:00:00"  # a bare date is noon in the owner's timezone
    assert (rows[5]["occurred_at"][:10], rows[5]["amount"], rows[5]["party_size"]) == ("2026-03-12", "1234.50", 6)
    assert rows[16]["restaurant_name"] == '=HYPERLINK("http://evil.example")'


def test_review_shows_matched_restaurant_or_create(client, member):
    bistro = RestaurantFactory(owner=member, name="Bistro A", city="")
    batch = upload(client, MESSY).json()
    matches = {row["line_number"]: row["restaurant_match"] for row in rows_of(client, batch["id"])}
    assert matches[2] == {"id": bistro.pk, "name": "Bistro A", "create": False}
    assert matches[3] == {"id": None, "name": "Joe's Pizza", "create": True}


def test_review_finds_duplicates_within_three_days_and_skips_them(client, member):
    earlier = ExpenseFactory(owner=member, amount=Decimal("42.50"), tax=0, tip=0,
                             occurred_at=datetime.datetime(2026, 3, 4, 18, tzinfo=datetime.UTC))  # fmt: skip
    ExpenseFactory(
        owner=member,
        amount=Decimal("18.25"),
        tax=0,
        tip=0,
        occurred_at=datetime.datetime(2026, 3, 9, 18, tzinfo=datetime.UTC),
    )  # fmt: skip - 5 days away
    batch = upload(client, MESSY).json()
    rows = {row["line_number"]: row for row in rows_of(client, batch["id"])}
    assert (rows[2]["duplicate_ids"], rows[2]["action"]) == ([earlier.pk], "skip")
    assert (rows[3]["duplicate_ids"], rows[3]["action"]) == ([], "apply")


def test_apply_writes_the_good_rows_and_nothing_for_bad_ones(client, member):
    batch = upload(client, MESSY).json()
    response = client.post(reverse("reports_api:import-apply", args=[batch["id"]]))
    assert response.status_code == HTTPStatus.OK
    assert response.json()["result"] == {"created": 5, "skipped": 9, "failed": 0}
    amounts = sorted(Expense.objects.filter(owner=member).values_list("amount", flat=True))
    assert amounts == [Decimal("4.75"), Decimal("9.99"), Decimal("18.25"), Decimal("42.50"), Decimal("1234.50")]


def test_apply_twice_adds_nothing_twice(client, member):
    batch = upload(client, MESSY).json()
    client.post(reverse("reports_api:import-apply", args=[batch["id"]]))
    response = client.post(reverse("reports_api:import-apply", args=[batch["id"]]))
    assert response.json()["result"]["created"] == 0
    assert Expense.objects.filter(owner=member).count() == 5


def test_user_fixes_a_bad_row_and_applies_it(client, member):
    batch = upload(client, MESSY).json()
    row = next(r for r in rows_of(client, batch["id"], show="errors") if r["line_number"] == 14)
    response = client.patch(
        reverse("reports_api:import-row", args=[batch["id"], row["id"]]),
        {"values": {"exchange_rate": "1.25"}, "action": "apply"},
        format="json",
    )
    assert (response.status_code, response.json()["errors"], response.json()["action"]) == (HTTPStatus.OK, [], "apply")
    client.post(reverse("reports_api:import-apply", args=[batch["id"]]))
    chalet = Expense.objects.get(owner=member, restaurant__name="Swiss Chalet")
    assert (chalet.currency, chalet.exchange_rate, chalet.reporting_amount) == (
        "CHF",
        Decimal("1.25"),
        Decimal("37.50"),
    )


def test_user_cannot_apply_a_row_that_still_has_errors(client):
    batch = upload(client, MESSY).json()
    row = rows_of(client, batch["id"], show="errors")[0]
    response = client.patch(
        reverse("reports_api:import-row", args=[batch["id"], row["id"]]), {"action": "apply"}, format="json"
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST


def test_user_skips_a_good_row(client, member):
    batch = upload(client, MESSY).json()
    row = next(r for r in rows_of(client, batch["id"]) if r["line_number"] == 3)
    client.patch(reverse("reports_api:import-row", args=[batch["id"], row["id"]]), {"action": "skip"}, format="json")
    client.post(reverse("reports_api:import-apply", args=[batch["id"]]))
    assert not Expense.objects.filter(owner=member, amount=Decimal("18.25")).exists()


def test_apply_is_all_or_nothing(client, member):
    # The CHF rate known at review is gone by apply: that row fails, so no row at all is written.
    rate = ExchangeRateFactory(currency="CHF", date=datetime.date(2026, 3, 14), rate=Decimal("1.10"))
    batch = upload(client, MESSY).json()
    rate.delete()
    response = client.post(reverse("reports_api:import-apply", args=[batch["id"]]))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()["errors"]) == ["line 14"]
    assert not Expense.objects.filter(owner=member).exists()
    chalet = next(r for r in rows_of(client, batch["id"], show="errors") if r["line_number"] == 14)
    assert chalet["errors"][0].startswith("exchange_rate: No exchange rate from CHF")


def test_review_state_lives_in_the_database(client, api_client_for, member):
    batch_id = upload(client, MESSY).json()["id"]
    another_instance = api_client_for(member)  # a fresh client: nothing kept in a session or on disk
    assert (
        another_instance.get(reverse("reports_api:import-detail", args=[batch_id])).json()["summary"]["with_errors"]
        == 8
    )


def test_someone_elses_import_is_not_found(client, api_client_for, outsider):
    batch_id = upload(client, MESSY).json()["id"]
    response = api_client_for(outsider).post(reverse("reports_api:import-apply", args=[batch_id]))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_xlsx_with_excel_dates_is_imported(client, member):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Transaction Date", "Merchant", "Total", "Description"])
    sheet.append([datetime.datetime(2026, 3, 5, 19, 30), "Noodle Bar", 23.4, "dinner with Ann"])
    sheet.append([46090, "Bagel Shop", 6, ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    batch = upload(client, buffer.getvalue(), name="card.xlsx").json()
    client.post(reverse("reports_api:import-apply", args=[batch["id"]]))
    saved = {e.restaurant.name: e for e in Expense.objects.filter(owner=member)}
    assert saved["Noodle Bar"].amount == Decimal("23.40")
    assert saved["Noodle Bar"].occurred_at == datetime.datetime(2026, 3, 5, 19, 30, tzinfo=datetime.UTC)
    assert saved["Bagel Shop"].occurred_at.date() == datetime.date(2026, 3, 9)


def test_json_list_from_the_original_app_is_imported(client, member):
    payload = json.dumps([
        {"date": "2026-03-05", "amount": 12.5, "restaurant_name": "Taqueria", "meal_type": "late night",
         "order_type": "takeout", "datetime_utc": "2026-03-05T23:15:00Z", "tags": "friday"}
    ]).encode()  # fmt: skip
    batch = upload(client, payload, name="expenses.json").json()
    client.post(reverse("reports_api:import-apply", args=[batch["id"]]))
    expense = Expense.objects.get(owner=member)
    assert (expense.amount, expense.meal_type, expense.order_type) == (Decimal("12.50"), "late_night", "takeout")
    assert expense.occurred_at == datetime.datetime(2026, 3, 5, 23, 15, tzinfo=datetime.UTC)


def test_ten_thousand_rows_are_reviewed(client, member):
    lines = ["date,payee,amount"] + [
        f"2026-0{1 + i % 9}-{1 + i % 28:02d},Place {i % 50},{1 + i % 97}.25" for i in range(10_000)
    ]
    batch = upload(client, "\n".join(lines).encode(), name="big.csv").json()
    assert (batch["row_count"], batch["summary"]["to_apply"]) == (10_000, 10_000)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-07", datetime.date(2026, 3, 7)),
        ("03/07/2026", datetime.date(2026, 3, 7)),
        ("3/7/26", datetime.date(2026, 3, 7)),
        ("7-Mar-26", datetime.date(2026, 3, 7)),
        ("Mar 7, 2026", datetime.date(2026, 3, 7)),
        ("46088", datetime.date(2026, 3, 7)),
        (46088.5, datetime.datetime(2026, 3, 7, 12, 0)),
    ],
)
def test_dates_are_read_in_common_formats(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("header", "cells", "expected"),
    [
        # No offset: the importing user's wall-clock time (New York, UTC-5 in November).
        ("date,time", "2026-11-20,19:45", datetime.datetime(2026, 11, 21, 0, 45, tzinfo=datetime.UTC)),
        ("occurred_at", "2026-11-20T19:45:00", datetime.datetime(2026, 11, 21, 0, 45, tzinfo=datetime.UTC)),
        ("date", "2026-11-20", datetime.datetime(2026, 11, 20, 17, 0, tzinfo=datetime.UTC)),
        # The file says where: an offset, UTC columns (the original app's export) or the row's own timezone.
        ("occurred_at", "2026-11-20T19:45:00+01:00", datetime.datetime(2026, 11, 20, 18, 45, tzinfo=datetime.UTC)),
        ("datetime_utc", "2026-11-20T19:45:00", datetime.datetime(2026, 11, 20, 19, 45, tzinfo=datetime.UTC)),
        ("date,time_utc", "2026-11-20,19:45:00", datetime.datetime(2026, 11, 20, 19, 45, tzinfo=datetime.UTC)),
        ("date,time,timezone", "2026-11-20,19:45,Asia/Tokyo",
         datetime.datetime(2026, 11, 20, 10, 45, tzinfo=datetime.UTC)),
    ],
)  # fmt: skip
def test_a_time_without_offset_is_the_importing_users_local_time(client, member, header, cells, expected):
    member.timezone = "America/New_York"
    member.save(update_fields=["timezone"])
    batch = upload(client, f"{header},amount\n{cells},10.00\n".encode(), name="times.csv").json()
    client.post(reverse("reports_api:import-apply", args=[batch["id"]]))

    assert Expense.objects.get(owner=member).occurred_at == expected


def test_command_imports_good_rows_and_lists_bad_ones_by_line(member):
    out = io.StringIO()
    call_command("import_expenses", str(MESSY), "--user", member.email, stdout=out, stderr=io.StringIO())
    output = out.getvalue()
    for line in BAD_LINES:
        assert f"line {line}:" in output
    assert "Created 5 expenses; skipped 1; failed 8" in output
    assert Expense.objects.filter(owner=member).count() == 5


def test_command_dry_run_writes_nothing(member):
    out = io.StringIO()
    call_command("import_expenses", str(MESSY), "--user", member.email, "--dry-run", stdout=out, stderr=io.StringIO())
    assert "Dry run, nothing written: would create 5 expenses" in out.getvalue()
    assert not Expense.objects.exists()
    assert not ImportBatch.objects.exists()


def test_command_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="No user"):
        call_command("import_expenses", str(MESSY), "--user", "nobody@example.com")
