"""The import review page: 50 rows a page through htmx, counts per state, local times, a filled-in correction form."""

import csv
import io
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from expenses.models import Expense
from reports.models import ImportBatch

pytestmark = pytest.mark.django_db


def upload(client, rows: int) -> ImportBatch:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["date", "time", "payee", "amount", "currency", "meal_type"])
    for line in range(rows):
        writer.writerow([f"2026-03-{line % 28 + 1:02d}", "19:45", f"Place {line}", "12.50", "USD", "dinner"])
    client.post(reverse("import_upload"), {"file": SimpleUploadedFile("meals.csv", out.getvalue().encode())})
    return ImportBatch.objects.get()


@pytest.fixture
def client(web_client_for, member):
    member.timezone = "America/New_York"
    member.save(update_fields=["timezone"])
    return web_client_for(member)


def test_the_review_shows_fifty_rows_and_loads_the_next_fifty_in_place(client):
    batch = upload(client, 120)

    first = client.get(reverse("import_review", args=[batch.pk]))
    following = client.get(
        reverse("import_review", args=[batch.pk]), {"after": first.context["next_after"]}, HTTP_HX_REQUEST="true"
    )

    assert len(first.context["rows"]) == 50
    assert first.text.count('class="list-group-item import-row') == 50
    assert "Next 50 rows" in first.text
    assert "<html" not in following.text
    assert [row.line_number for row in following.context["rows"]][:1] == [52]  # line 1 is the header
    assert following.text.count('class="list-group-item import-row') == 50


def test_the_review_counts_every_state(client):
    batch = upload(client, 3)
    row = batch.rows.order_by("line_number").first()
    client.post(reverse("import_row_change", args=[batch.pk, row.pk]), {"action": "skip"})

    text = client.get(reverse("import_review", args=[batch.pk])).text

    assert 'Skipped <span class="badge bg-secondary-subtle text-secondary-emphasis">1</span>' in text
    assert 'To import <span class="badge bg-success-subtle text-success-emphasis">2</span>' in text


def test_a_skipped_row_reads_skipped(client):
    batch = upload(client, 1)
    row = batch.rows.get()
    client.post(reverse("import_row_change", args=[batch.pk, row.pk]), {"action": "skip"})

    text = client.get(reverse("import_review", args=[batch.pk])).text

    assert ">Skipped</span>" in text.split(f'id="import-row-{row.pk}"')[1]


def test_the_review_shows_the_time_in_the_users_timezone_as_it_will_be_saved(client, member):
    batch = upload(client, 1)

    text = client.get(reverse("import_review", args=[batch.pk])).text
    client.post(reverse("import_apply", args=[batch.pk]))

    saved = Expense.objects.get(owner=member).occurred_at.astimezone(member.tzinfo)
    assert saved.strftime("%H:%M") == "19:45"
    assert f"{timezone.localtime(saved, member.tzinfo):%a %-d %b %Y}, 19:45" in text


def test_edit_opens_the_rows_current_values(client):
    batch = upload(client, 1)
    row = batch.rows.get()

    response = client.get(reverse("import_row_edit", args=[batch.pk, row.pk]), HTTP_HX_REQUEST="true")

    assert response.status_code == HTTPStatus.OK
    assert "<html" not in response.text
    form = response.context["form"]
    assert (form["date"].value(), form["time"].value(), form["amount"].value()) == ("2026-03-01", "19:45", "12.50")
    assert form["restaurant_name"].value() == "Place 0"
    assert "form-control" in response.text


def test_edit_without_htmx_is_a_page_of_its_own(client):
    batch = upload(client, 1)

    response = client.get(reverse("import_row_edit", args=[batch.pk, batch.rows.get().pk]))

    assert "<html" in response.text
    assert "Correct line 2" in response.text


def test_someone_elses_row_cannot_be_opened(client, web_client_for, outsider):
    batch = upload(client, 1)

    response = web_client_for(outsider).get(reverse("import_row_edit", args=[batch.pk, batch.rows.get().pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND
