"""Restaurant export and import: round trips field for field, the original app's export, the review (duplicates by
place id, then name and address; errors by line), all or nothing, re-runnable; web, API and commands."""

import json
from decimal import Decimal
from http import HTTPStatus
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from accounts.tests.factories import UserFactory
from expenses.models import Restaurant
from expenses.tests.factories import MerchantFactory, RestaurantFactory
from reports.models import ImportAction, ImportBatch
from reports.services.restaurant_imports import (
    RestaurantImportFailed,
    restaurant_import_batch_apply,
    restaurant_import_batch_create,
)
from reports.services.restaurant_transfer import RESTAURANT_COLUMNS, restaurant_record

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def full_restaurants(member):
    brand = MerchantFactory(name="Joe's Pizza Co", short_name="Joe's")
    return [
        RestaurantFactory(
            owner=member, merchant=brand, name="Joe's Pizza", location_name="Carmine St", located_within="",
            address_line_1="7 Carmine St", address_line_2="Floor 1", city="New York", region="NY",
            postal_code="10014", country="US", latitude=Decimal("40.730575"), longitude=Decimal("-74.002191"),
            cuisine="Pizza", service_level="quick_service", price_level=1, rating=4, phone="+1 212-366-1182",
            website="https://www.joespizzanyc.com/", place_id="ChIJbfAlv5lZwokRX2C9CJD3FNA",
            notes='=SUM(A1) is not a formula\nsecond line, "quoted"',
        ),
        RestaurantFactory(
            owner=member, name="Food Truck", city="", country="", cuisine="", latitude=None, longitude=None,
            notes="", place_id=None,
        ),
        RestaurantFactory(
            owner=member, name="Dishoom", location_name="Covent Garden", city="London", country="GB",
            postal_code="WC2H 9FB", address_line_1="12 Upper St Martin's Ln", price_level=0, rating=5,
            service_level="casual_dining", latitude=Decimal("-0.000001"), longitude=Decimal("179.999999"),
        ),
    ]  # fmt: skip


def export(client, file_format: str) -> bytes:
    response = client.get(reverse("reports_api:export-restaurants", kwargs={"file_format": file_format}))
    assert response.status_code == HTTPStatus.OK
    return b"".join(response.streaming_content) if response.streaming else response.content


def import_file(client, name: str, payload: bytes) -> dict:
    upload = SimpleUploadedFile(name, payload)
    created = client.post(reverse("reports_api:restaurant-import-list"), {"file": upload}, format="multipart")
    assert created.status_code == HTTPStatus.CREATED, created.content
    applied = client.post(reverse("reports_api:restaurant-import-apply", kwargs={"pk": created.json()["id"]}))
    assert applied.status_code == HTTPStatus.OK, applied.content
    return applied.json()


def records(user) -> list[dict]:
    return [restaurant_record(r) for r in Restaurant.objects.filter(owner=user).order_by("name", "pk")]


@pytest.mark.parametrize("file_format", ["csv", "json"])
def test_an_export_imported_into_a_fresh_account_gives_the_same_restaurants_field_for_field(
    file_format, member, full_restaurants, api_client_for
):
    payload = export(api_client_for(member), file_format)
    fresh = UserFactory()

    result = import_file(api_client_for(fresh), f"restaurants.{file_format}", payload)

    assert result["result"]["created"] == len(full_restaurants)
    assert records(fresh) == records(member)
    assert {column.name for column in RESTAURANT_COLUMNS} == set(records(fresh)[0])


def test_the_csv_export_keeps_a_formula_like_note_from_running_in_a_spreadsheet(
    member, full_restaurants, api_client_for
):
    text = export(api_client_for(member), "csv").decode("utf-8-sig")

    assert "'=SUM(A1) is not a formula" in text


@pytest.mark.parametrize("fixture", ["original-app-restaurants.csv", "original-app-restaurants.json"])
def test_the_original_apps_restaurant_export_is_read_column_for_column(fixture, member, api_client_for):
    result = import_file(api_client_for(member), fixture, (FIXTURES / fixture).read_bytes())

    joes = Restaurant.objects.get(owner=member, name="Joe's Pizza")
    assert restaurant_record(joes) == {
        "name": "Joe's Pizza", "location_name": "Carmine St", "located_within": "", "address_line_1": "7 Carmine St",
        "address_line_2": "", "city": "New York", "region": "NY", "postal_code": "10014", "country": "US",
        "latitude": "40.730575", "longitude": "-74.002191", "cuisine": "Pizza", "service_level": "quick_service",
        "price_level": 1, "rating": 5, "phone": "+1 212-366-1182", "website": "https://www.joespizzanyc.com/",
        "place_id": "ChIJbfAlv5lZwokRX2C9CJD3FNA", "notes": 'Cash only, "really"', "merchant": "",
    }  # fmt: skip
    cafe = Restaurant.objects.get(owner=member, name="Corner Cafe")
    assert (cafe.located_within, cafe.address_line_2, cafe.region, cafe.place_id, cafe.rating) == (
        "Union Station", "Suite 4", "DC", None, 3,
    )  # fmt: skip
    assert result["result"]["created"] == (3 if fixture.endswith(".csv") else 2)


def test_the_original_apps_half_star_rating_is_rounded_with_a_warning_on_its_line(member):
    batch = restaurant_import_batch_create(
        owner=member, filename="r.csv", payload=(FIXTURES / "original-app-restaurants.csv").read_bytes()
    )

    row = batch.rows.get(line_number=2)
    assert row.values["warnings"] == {"rating": "4.5 is rounded to 5 (ratings are whole stars)"}


def test_importing_the_same_file_again_adds_nothing_twice(member, api_client_for):
    payload = (FIXTURES / "original-app-restaurants.csv").read_bytes()
    client = api_client_for(member)
    import_file(client, "restaurants.csv", payload)

    again = import_file(client, "restaurants.csv", payload)

    assert again["result"] == {"created": 0, "matched": 0, "skipped": 3, "failed": 0}
    assert (again["summary"]["to_apply"], again["summary"]["created"]) == (0, 0)
    assert again["summary"]["with_duplicates"] == 3
    assert Restaurant.objects.filter(owner=member).count() == 3


def test_duplicates_are_found_by_place_id_then_by_name_and_address(member):
    RestaurantFactory(owner=member, name="Renamed Pizza", place_id="ChIJbfAlv5lZwokRX2C9CJD3FNA")
    RestaurantFactory(owner=member, name="CORNER cafe", address_line_1="50 Massachusetts Ave NE",
                      city="Washington", postal_code="20002", country="US")  # fmt: skip
    payload = (FIXTURES / "original-app-restaurants.csv").read_bytes()

    batch = restaurant_import_batch_create(owner=member, filename="r.csv", payload=payload)

    by_line = {row.line_number: row for row in batch.rows.all()}
    assert by_line[2].values["warnings"]["duplicate"] == "you already have Renamed Pizza"
    assert "you already have" in by_line[4].values["warnings"]["duplicate"]
    assert [by_line[line].action for line in (2, 3, 4)] == [ImportAction.SKIP, ImportAction.APPLY, ImportAction.SKIP]


def test_a_line_repeating_an_earlier_line_is_a_duplicate_too(member):
    payload = b"name,city,country\nBistro,Paris,FR\n bistro ,PARIS,fr\nBistro,Lyon,FR\n"

    batch = restaurant_import_batch_create(owner=member, filename="r.csv", payload=payload)

    rows = list(batch.rows.order_by("line_number"))
    assert [row.action for row in rows] == [ImportAction.APPLY, ImportAction.SKIP, ImportAction.APPLY]
    assert rows[1].values["warnings"]["duplicate"] == "the same restaurant as line 2"


def test_row_errors_are_reported_by_line_and_such_rows_cannot_be_applied(member, api_client_for):
    payload = (
        b"name,latitude,price_level,rating,website\n,1,2,3,\nOk,91,2,3,\nFine,1,7,3,\nGood,1,2,0,\nNice,1,1,1,nope\n"
    )
    client = api_client_for(member)

    batch = client.post(
        reverse("reports_api:restaurant-import-list"),
        {"file": SimpleUploadedFile("r.csv", payload)},
        format="multipart",
    ).json()
    rows = client.get(reverse("reports_api:restaurant-import-rows", kwargs={"pk": batch["id"]})).json()["results"]
    forced = client.patch(
        reverse("reports_api:restaurant-import-row", kwargs={"pk": batch["id"], "row_pk": rows[1]["id"]}),
        {"action": "apply"},
        format="json",
    )

    assert [(row["line_number"], row["errors"][0].split(":")[0]) for row in rows] == [
        (2, "name"), (3, "latitude"), (4, "price_level"), (5, "rating"), (6, "website"),
    ]  # fmt: skip
    assert batch["summary"]["with_errors"] == 5
    assert (batch["summary"]["to_apply"], batch["summary"]["skipped"]) == (0, 5)
    assert forced.status_code == HTTPStatus.BAD_REQUEST
    assert set(forced.json()["errors"]) == {"action"}


def test_apply_is_all_or_nothing_naming_the_failing_line(member):
    batch = restaurant_import_batch_create(owner=member, filename="r.csv", payload=b"name\nAlpha\nBeta\n")
    broken = batch.rows.get(line_number=3)
    broken.values["rating"] = 9  # changed behind the review's back
    broken.save()

    with pytest.raises(RestaurantImportFailed) as failed:
        restaurant_import_batch_apply(batch=batch, actor=member)

    assert list(failed.value.errors) == ["line 3"]
    assert not Restaurant.objects.filter(owner=member).exists()
    batch.refresh_from_db()
    assert batch.status == "review"


def test_a_merchant_is_linked_by_its_catalogue_name_and_an_unknown_one_is_a_warning(member):
    brand = MerchantFactory(name="Starbucks")
    payload = b"name,city,merchant\nStarbucks Reserve,Seattle,STARBUCKS\nOther,Seattle,Nobody Inc\n"

    batch = restaurant_import_batch_create(owner=member, filename="r.csv", payload=payload)
    restaurant_import_batch_apply(batch=batch, actor=member)

    assert Restaurant.objects.get(owner=member, name="Starbucks Reserve").merchant == brand
    other = batch.rows.get(line_number=3)
    assert "not in the merchant catalogue" in other.values["warnings"]["merchant"]


def test_another_users_restaurant_import_is_not_found(member, outsider, api_client_for):
    batch = restaurant_import_batch_create(owner=member, filename="r.csv", payload=b"name\nAlpha\n")
    client = api_client_for(outsider)

    answers = [
        client.get(reverse("reports_api:restaurant-import-detail", kwargs={"pk": batch.pk})).status_code,
        client.post(reverse("reports_api:restaurant-import-apply", kwargs={"pk": batch.pk})).status_code,
        client.get(
            reverse("reports_api:import-detail", kwargs={"pk": batch.pk}), HTTP_ACCEPT="application/json"
        ).status_code,
    ]

    assert answers == [HTTPStatus.NOT_FOUND] * 3


def test_restaurant_imports_stay_out_of_the_expense_imports(member, api_client_for):
    restaurant_import_batch_create(owner=member, filename="r.csv", payload=b"name\nAlpha\n")

    listed = api_client_for(member).get(reverse("reports_api:import-list")).json()["results"]

    assert listed == []


def test_the_web_pages_upload_review_skip_and_import(member, web_client_for):
    client = web_client_for(member)
    payload = b"name,city\nAlpha,Paris\nBeta,Rome\n"

    uploaded = client.post(reverse("restaurant_import_upload"), {"file": SimpleUploadedFile("r.csv", payload)})
    batch = ImportBatch.objects.get(owner=member)
    review = client.get(uploaded["Location"])
    beta = batch.rows.get(line_number=3)
    client.post(reverse("restaurant_import_row_choose", args=[batch.pk, beta.pk]), {"action": "skip"})
    applied = client.post(reverse("restaurant_import_apply", args=[batch.pk]))

    assert review.status_code == HTTPStatus.OK
    assert "Line 2" in review.content.decode()
    assert "To import 2" in review.content.decode()
    assert applied.status_code == HTTPStatus.FOUND
    assert list(Restaurant.objects.filter(owner=member).values_list("name", flat=True)) == ["Alpha"]


def test_the_web_export_downloads_csv_and_json(member, full_restaurants, web_client_for):
    client = web_client_for(member)

    csv_answer = client.get(reverse("restaurant_export", args=["csv"]))
    json_answer = client.get(reverse("restaurant_export", args=["json"]))
    other = client.get(reverse("restaurant_export", args=["pdf"]))

    assert b"".join(csv_answer.streaming_content).decode("utf-8-sig").startswith("name,location_name,")
    assert len(json.loads(json_answer.content)["restaurants"]) == 3
    assert other.status_code == HTTPStatus.NOT_FOUND


def test_the_commands_export_and_import_and_a_second_run_adds_nothing(member, full_restaurants, tmp_path):
    target = tmp_path / "mine.json"
    call_command("export_restaurants", "--user", member.email, "--format", "json", "--output", str(target))
    fresh = UserFactory()
    out = StringIO()

    call_command("import_restaurants", str(target), "--user", fresh.email, "--dry-run", stdout=out)
    assert not Restaurant.objects.filter(owner=fresh).exists()
    call_command("import_restaurants", str(target), "--user", fresh.email, stdout=out)
    call_command("import_restaurants", str(target), "--user", fresh.email, stdout=out)

    lines = out.getvalue().splitlines()
    assert "Dry run, nothing written: would add 3 restaurants; 0 already saved; 0 rows skipped." in lines
    assert "Added 3 restaurants; 0 already saved; 0 rows skipped." in lines
    assert "Added 0 restaurants; 0 already saved; 3 rows skipped." in lines
    assert records(fresh) == records(member)
