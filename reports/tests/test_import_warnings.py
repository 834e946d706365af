"""What an import reads differently from the file is shown on the row, never dropped without a word."""

import io
import re
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from expenses.models import Expense
from reports.models import ImportBatch
from reports.services.importing import normalise_row

HEADER = "date,restaurant,city,country,amount,payment_method,tags\n"
ATLANTIS = "2026-03-02,Poseidon Grill,Atlantis City,Atlantis,25.00,,\n"
FRANCE = "2026-03-03,Chez Marie,Paris,France,30.00,,\n"


def upload(client, text: str) -> dict:
    file = SimpleUploadedFile("meals.csv", text.encode())
    response = client.post(reverse("reports_api:import-list"), {"file": file}, format="multipart")
    assert response.status_code == HTTPStatus.CREATED, response.content
    return response.json()


def rows_of(client, batch_id, **params) -> list[dict]:
    return client.get(reverse("reports_api:import-rows", args=[batch_id]), params).json()["results"]


@pytest.fixture
def client(api_client_for, member):
    return api_client_for(member)


@pytest.mark.parametrize(
    ("written", "code"),
    [("United States", "US"), ("United States of America", "US"), ("USA", "US"), ("U.S.A.", "US"), ("us", "US"),
     ("United Kingdom", "GB"), ("UK", "GB"), ("GBR", "GB"), ("Germany", "DE"), ("Türkiye", "TR"), ("Turkey", "TR"),
     ("South Korea", "KR"), ("Côte d'Ivoire", "CI"), ("Cote d'Ivoire", "CI"), ("The Netherlands", "NL"),
     ("St. Lucia", "LC")],
)  # fmt: skip
def test_country_names_and_codes_become_iso_3166_codes(written, code):
    values, errors = normalise_row({"date": "2026-03-02", "amount": "1.00", "country": written}, default_currency="USD")

    assert (values["restaurant_country"], values.get("warnings"), errors) == (code, None, {})


def test_a_country_we_cannot_place_is_a_warning_on_the_row_not_a_silent_blank(client):
    batch = upload(client, HEADER + ATLANTIS + FRANCE)

    rows = rows_of(client, batch["id"])

    assert rows[0]["warnings"] == [
        "restaurant_country: 'Atlantis' is not a country we know (ISO 3166); the restaurant is saved without a country"
    ]
    assert (rows[0]["raw"]["country"], rows[0]["errors"], rows[0]["action"]) == ("Atlantis", [], "apply")
    assert (rows[1]["values"]["restaurant_country"], rows[1]["warnings"]) == ("FR", [])
    assert batch["summary"]["with_warnings"] == 1
    assert [row["line_number"] for row in rows_of(client, batch["id"], show="warnings")] == [2]


def test_a_row_with_a_warning_still_imports(client, member):
    batch = upload(client, HEADER + ATLANTIS)

    client.post(reverse("reports_api:import-apply", args=[batch["id"]]))

    restaurant = Expense.objects.get(owner=member).restaurant
    assert (restaurant.name, restaurant.city, restaurant.country) == ("Poseidon Grill", "Atlantis City", "")


def test_correcting_the_country_clears_the_warning(client):
    batch = upload(client, HEADER + ATLANTIS)
    row = rows_of(client, batch["id"])[0]

    response = client.patch(
        reverse("reports_api:import-row", args=[batch["id"], row["id"]]),
        {"values": {"restaurant_country": "Greece"}},
        format="json",
    )

    assert (response.json()["values"]["restaurant_country"], response.json()["warnings"]) == ("GR", [])


def test_the_review_page_shows_the_warning(web_client_for, member):
    client = web_client_for(member)
    client.post(reverse("import_upload"), {"file": SimpleUploadedFile("meals.csv", (HEADER + ATLANTIS).encode())})
    batch = ImportBatch.objects.get(owner=member)

    body = client.get(reverse("import_review", args=[batch.pk]), {"show": "warnings"}).content.decode()

    assert "Warning: restaurant_country: &#x27;Atlantis&#x27; is not a country we know (ISO 3166)" in body
    assert re.search(r"With warnings <span[^>]*>1</span>", body)


def test_other_values_read_differently_are_warnings_too(client):
    long_name = "The " + "Very " * 30 + "Long Diner"
    batch = upload(client, HEADER + f"2026-03-02,{long_name},,,25.00,bitcoin,Client dinner;ok\n")

    warnings = rows_of(client, batch["id"])[0]["warnings"]

    assert [warning.split(":")[0] for warning in warnings] == ["payment_method", "restaurant_name", "tags"]
    assert "'bitcoin' is not one of card, corporate_card, cash, mobile, voucher, other; it is left blank" in warnings[0]
    assert "it is cut to 100" in warnings[1]
    assert "'Client dinner' is saved as 'Client-dinner'" in warnings[2]


def test_the_command_lists_warnings_by_line(member, tmp_path):
    path = tmp_path / "meals.csv"
    path.write_text(HEADER + FRANCE + ATLANTIS)
    out = io.StringIO()

    call_command("import_expenses", str(path), "--user", member.email, stdout=out, stderr=io.StringIO())

    assert "line 3: warning: restaurant_country: 'Atlantis' is not a country we know" in out.getvalue()
    assert "line 2:" not in out.getvalue()
    assert Expense.objects.filter(owner=member).count() == 2
