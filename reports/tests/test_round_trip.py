"""Export → import → export gives the same rows: nothing a user entered is lost on the way."""

import csv
import io
import json
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from accounts.tests.factories import UserFactory
from expenses.fields import EXPORT_TITLES
from reports.services.exports import EXPENSE_COLUMNS

# Identity and bookkeeping columns belong to the copy, not to the meal.
NOT_COMPARED = {"id", "owner_email", "created_at", "updated_at"}


def read(file_format: str, payload: bytes) -> list[dict]:
    if file_format == "csv":
        return list(csv.DictReader(io.StringIO(payload.decode("utf-8-sig"))))
    if file_format == "json":
        return [{k: "" if v is None else str(v) for k, v in row.items()} for row in json.loads(payload)["expenses"]]
    rows = list(load_workbook(io.BytesIO(payload), read_only=True).active.iter_rows(values_only=True))
    columns = {title: column for column, title in EXPORT_TITLES.items()}
    meals = rows[1 : rows.index(())]  # the totals follow a blank line
    return [{columns[h]: "" if v is None else str(v) for h, v in zip(rows[0], row, strict=True)} for row in meals]


def comparable(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in row.items() if k not in NOT_COMPARED} for row in rows]


def export(client, file_format):
    response = client.get(reverse("reports_api:export-expenses", args=[file_format]))
    assert response.status_code == HTTPStatus.OK
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "json"])
def test_export_then_import_is_lossless(api_client_for, member, march, file_format):
    march["lunch"].notes = "=1+2 looks like a formula\nand has two lines"
    march["lunch"].save(update_fields=["notes"])
    original = export(api_client_for(member), file_format)
    copy_owner = UserFactory(email="copy@example.com", timezone=member.timezone)
    client = api_client_for(copy_owner)
    batch = client.post(
        reverse("reports_api:import-list"),
        {"file": SimpleUploadedFile(f"expenses.{file_format}", original)},
        format="multipart",
    ).json()
    assert batch["summary"]["with_errors"] == 0
    assert client.post(reverse("reports_api:import-apply", args=[batch["id"]])).json()["result"]["created"] == 5
    copied = read(file_format, export(client, file_format))
    assert list(copied[0]) == EXPENSE_COLUMNS
    assert comparable(copied) == comparable(read(file_format, original))
