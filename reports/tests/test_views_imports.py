from decimal import Decimal
from http import HTTPStatus
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from expenses.models import Expense
from reports.models import ImportBatch

MESSY = Path(__file__).parent / "fixtures" / "messy-bank-export.csv"


@pytest.fixture
def client(web_client_for, member):
    return web_client_for(member)


@pytest.fixture
def batch(client):
    client.post(reverse("import_upload"), {"file": SimpleUploadedFile("bank.csv", MESSY.read_bytes())})
    return ImportBatch.objects.get()


def test_upload_leads_to_the_review_page(client):
    response = client.post(reverse("import_upload"), {"file": SimpleUploadedFile("bank.csv", MESSY.read_bytes())})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("import_review", args=[ImportBatch.objects.get().pk])


def test_review_page_shows_bad_rows_by_line_and_writes_nothing(client, member, batch):
    body = client.get(reverse("import_review", args=[batch.pk]), {"show": "errors"}).content.decode()
    assert "Line 6" in body
    assert "date: &#x27;not a date&#x27; is not a date" in body
    assert "Line 2" not in body
    assert not Expense.objects.filter(owner=member).exists()


def test_review_page_runs_a_bounded_number_of_queries(client, batch, assert_max_app_queries):
    with assert_max_app_queries(8):
        assert client.get(reverse("import_review", args=[batch.pk])).status_code == HTTPStatus.OK


def test_user_edits_a_row_then_imports(client, member, batch):
    row = batch.rows.get(line_number=14)
    client.post(reverse("import_row_change", args=[batch.pk, row.pk]), {"exchange_rate": "1.25", "action": "apply"})
    response = client.post(reverse("import_apply", args=[batch.pk]), follow=True)
    assert "Imported 6 expenses" in response.content.decode()
    assert Expense.objects.get(owner=member, currency="CHF").reporting_amount == Decimal("37.50")


def test_user_skips_a_row(client, member, batch):
    row = batch.rows.get(line_number=3)
    client.post(reverse("import_row_change", args=[batch.pk, row.pk]), {"action": "skip"})
    client.post(reverse("import_apply", args=[batch.pk]))
    assert Expense.objects.filter(owner=member).count() == 4


def test_discarding_writes_nothing(client, member, batch):
    client.post(reverse("import_discard", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "discarded"
    assert not Expense.objects.filter(owner=member).exists()


def test_unreadable_file_is_a_form_error(client):
    response = client.post(reverse("import_upload"), {"file": SimpleUploadedFile("x.json", b"{not json")})
    assert "not a readable JSON file" in response.content.decode()


def test_someone_elses_review_is_not_found(web_client_for, outsider, batch):
    assert web_client_for(outsider).get(reverse("import_review", args=[batch.pk])).status_code == HTTPStatus.NOT_FOUND
