"""Import and rate files that are too large, of the wrong type or zip bombs are refused on `file`."""

import io
import zipfile
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mealtracker.errors import DomainError
from reports.models import ImportBatch
from reports.services import exchange_rates, importing

IMPORTS = reverse("reports_api:import-list")


def zipped(name: str, size: int) -> bytes:
    """A zip holding `size` bytes of zeros: a few KB on the wire, `size` once inflated."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, b"0" * size)
    return out.getvalue()


def post_import(client, name: str, content: bytes):
    return client.post(IMPORTS, {"file": SimpleUploadedFile(name, content)}, format="multipart")


def assert_refused_on_file(response):
    assert HTTPStatus.BAD_REQUEST <= response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert "file" in response.json()["errors"]
    assert ImportBatch.objects.count() == 0


def test_an_xlsx_zip_bomb_is_refused_before_it_is_inflated(member, api_client_for, monkeypatch):
    monkeypatch.setattr(importing, "XLSX_MAX_INFLATED_BYTES", 1024 * 1024)
    bomb = zipped("xl/worksheets/sheet1.xml", 4 * 1024 * 1024)
    assert len(bomb) < 50_000

    assert_refused_on_file(post_import(api_client_for(member), "bomb.xlsx", bomb))


def test_an_oversized_import_file_is_refused(member, api_client_for, monkeypatch):
    monkeypatch.setattr(importing, "MAX_BYTES", 1024)

    response = post_import(api_client_for(member), "big.csv", b"date,amount\n" + b"2026-01-01,1.00\n" * 200)

    assert_refused_on_file(response)


@pytest.mark.parametrize(
    ("name", "content"),
    [("photo.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100), ("broken.xlsx", b"PK\x03\x04 not really a zip")],
)
def test_an_import_file_of_the_wrong_type_is_refused(name, content, member, api_client_for):
    assert_refused_on_file(post_import(api_client_for(member), name, content))


def test_an_ecb_rates_zip_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(exchange_rates, "ECB_MAX_BYTES", 1024 * 1024)

    with pytest.raises(DomainError) as refused:
        exchange_rates.ecb_csv_text(zipped("eurofxref-hist.csv", 4 * 1024 * 1024))

    assert refused.value.field == "file"


@pytest.mark.django_db
def test_binary_file_posing_as_csv_is_refused_on_the_file_field(api_client_for, member):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    upload = SimpleUploadedFile("statement.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "text/csv")
    response = api_client_for(member).post(reverse("reports_api:import-list"), {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["errors"]
