"""CSV files read back exactly as written, wherever in the file a quoted quote first appears."""

import csv
import io
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from expenses.models import Expense
from mealtracker.errors import DomainError
from reports.models import ImportBatch
from reports.services.importing import read_rows

QUOTED_NOTES = [
    'Tried the "chef\'s special"',
    '"Quoted" from the first character',
    'Ends on a quote: "the usual"',
    'Commas, "quotes", and\na line break',
    '""',
    'A lone " in the middle',
]


def csv_with_late_quotes(delimiter: str = ",") -> tuple[bytes, list[str]]:
    """About 70 KB of plain rows, then rows whose notes hold quotes (written by Python's standard csv writer)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(["Date", "Restaurant", "Amount", "Notes"])
    notes = []
    for index in range(1200):
        notes.append(f"Plain note number {index} with nothing special")
        writer.writerow(["2026-03-02", f"Place {index % 40}", f"{10 + index % 50}.25", notes[-1]])
    for index, note in enumerate(QUOTED_NOTES):
        notes.append(note)
        writer.writerow(["2026-03-03", f'The "{index}" Diner', f"{20 + index}.50", note])
    payload = out.getvalue().encode()
    assert payload.index(b'""') > 64 * 1024
    return payload, notes


def upload_by_api(client, payload: bytes) -> int:
    response = client.post(
        reverse("reports_api:import-list"), {"file": SimpleUploadedFile("meals.csv", payload)}, format="multipart"
    )
    assert response.status_code == HTTPStatus.CREATED, response.content
    return response.json()["id"]


def upload_by_web(client, payload: bytes) -> int:
    response = client.post(reverse("import_upload"), {"file": SimpleUploadedFile("meals.csv", payload)})
    assert response.status_code == HTTPStatus.FOUND, response.content
    return ImportBatch.objects.latest("pk").pk


@pytest.mark.parametrize("path", ["api", "web"])
def test_quotes_first_escaped_past_64_kb_come_back_exactly_as_written(path, member, api_client_for, web_client_for):
    payload, notes = csv_with_late_quotes()
    if path == "api":
        client = api_client_for(member)
        batch_id = upload_by_api(client, payload)
        response = client.post(reverse("reports_api:import-apply", args=[batch_id]))
    else:
        client = web_client_for(member)
        batch_id = upload_by_web(client, payload)
        response = client.post(reverse("import_apply", args=[batch_id]))
    assert response.status_code in {HTTPStatus.OK, HTTPStatus.FOUND}

    saved = Expense.objects.filter(owner=member).select_related("restaurant")
    assert sorted(e.notes for e in saved) == sorted(notes)
    quoted = {e.restaurant.name for e in saved if e.restaurant.name.startswith("The")}
    assert quoted == {f'The "{index}" Diner' for index in range(len(QUOTED_NOTES))}


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_other_delimiters_are_found_from_the_header_and_keep_late_quotes(delimiter):
    payload, notes = csv_with_late_quotes(delimiter)

    _, rows = read_rows("meals.csv", payload)

    assert [row["Notes"] for _, row in rows] == notes


def test_semicolon_file_with_decimal_commas_is_read_by_its_semicolons():
    payload = b"Datum;Betrag;Notiz\n02.03.2026;12,50;Mittag, mit Anna\n03.03.2026;8,00;\n"

    _, rows = read_rows("konto.csv", payload)

    assert [row["Betrag"] for _, row in rows] == ["12,50", "8,00"]


def test_line_numbers_count_rows_as_a_spreadsheet_does_even_with_line_breaks_in_cells():
    payload = b'Date,Amount,Notes\r\n2026-03-02,10.00,"two\r\nlines"\r\n\r\n2026-03-03,11.00,one\r\n'

    _, rows = read_rows("meals.csv", payload)

    assert [line for line, _ in rows] == [2, 4]


def test_backslash_escaped_quotes_are_read_when_standard_quoting_cannot_read_the_file():
    payload = b'Date,Amount,Notes\n2026-03-02,10.00,"Tried the \\"special\\""\n'

    _, rows = read_rows("meals.csv", payload)

    assert rows[0][1]["Notes"] == 'Tried the "special"'


def test_a_broken_quote_is_refused_with_its_line_rather_than_read_differently():
    payload = b'Date,Amount,Notes\n2026-03-02,10.00,fine\n2026-03-03,11.00,"Tried the "special"\n'

    with pytest.raises(DomainError) as refused:
        read_rows("meals.csv", payload)

    assert refused.value.field == "file"
    assert refused.value.message.startswith("Line 3 is not valid CSV")
