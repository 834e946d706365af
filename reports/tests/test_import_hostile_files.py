"""Import files built to break the reader (deep JSON, a giant CSV cell) are refused on `file`, API and web alike."""

from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports.models import ImportBatch

IMPORTS = reverse("reports_api:import-list")
DEEP_JSON = b"[" * 2000 + b"]" * 2000
NESTED_EXPENSES = b'{"expenses": ' + b"[" * 100 + b"]" * 100 + b"}"  # parses, but nothing like an export
HUGE_CELL_CSV = b"date,amount,notes\n2026-01-05,12.50,ok\n2026-01-06,9.00," + b"x" * 200_000 + b"\n"

pytestmark = pytest.mark.django_db


def api_upload(client, name, content):
    return client.post(IMPORTS, {"file": SimpleUploadedFile(name, content)}, format="multipart")


@pytest.mark.parametrize(("name", "content"), [("deep.json", DEEP_JSON), ("nested.json", NESTED_EXPENSES)])
def test_deeply_nested_json_is_a_400_on_the_file(member, api_client_for, name, content):
    response = api_upload(api_client_for(member), name, content)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response["Content-Type"] == "application/problem+json"
    assert "levels deep" in response.json()["errors"]["file"][0]
    assert not ImportBatch.objects.exists()


def test_a_csv_cell_of_200_kb_is_a_400_naming_its_line(member, api_client_for):
    response = api_upload(api_client_for(member), "bank.csv", HUGE_CELL_CSV)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"]["file"][0].startswith("Line 3 has a cell longer than")
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [("deep.json", DEEP_JSON, "levels deep"), ("bank.csv", HUGE_CELL_CSV, "Line 3 has a cell longer than")],
)
def test_the_web_upload_refuses_them_as_a_form_error(member, web_client_for, name, content, message):
    response = web_client_for(member).post(reverse("import_upload"), {"file": SimpleUploadedFile(name, content)})

    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR  # the upload page re-shown with the error
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists()
