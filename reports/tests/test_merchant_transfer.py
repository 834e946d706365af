"""The merchant catalogue's files: round trips field for field with the restaurant links, the original app's merchant
export, all or nothing, re-runnable, admins only; and the `merchant` command (list, show, link, export, import)."""

import json
from http import HTTPStatus
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.tests.factories import UserFactory
from expenses.models import Merchant, Restaurant
from expenses.tests.factories import MerchantFactory, RestaurantFactory
from reports.services.merchant_transfer import (
    MerchantImportFailed,
    merchant_record,
    merchants_for_export,
    merchants_import,
    merchants_json,
)
from reports.services.restaurant_imports import restaurant_import_batch_apply, restaurant_import_batch_create
from reports.services.restaurant_transfer import restaurants_for_export, restaurants_json

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(member, outsider):
    chain = MerchantFactory(
        name="Chipotle", short_name="Chipotle", website="https://www.chipotle.com/", description='Burritos, "big"',
        favicon_url="https://www.chipotle.com/favicon.ico", format_category="fast_food_unit", cuisine="Mexican",
        service_level="fast_casual", is_chain=True,
    )  # fmt: skip
    MerchantFactory(name="=Formula Diner", short_name="", is_chain=False)
    RestaurantFactory(
        owner=member, merchant=chain, name="Chipotle", location_name="Harvard Sq", address_line_1="1 Main St",
        city="Cambridge", country="US", place_id="ChIJchipotle0001",
    )  # fmt: skip
    RestaurantFactory(owner=outsider, merchant=chain, name="Chipotle", city="Austin", country="US")
    return chain


def snapshot() -> list[dict]:
    return [merchant_record(merchant) for merchant in merchants_for_export()]


def download(client, file_format: str) -> bytes:
    response = client.get(reverse("reports_api:export-merchants", args=[file_format]))
    assert response.status_code == HTTPStatus.OK
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("file_format", ["csv", "json"])
def test_the_catalogue_exported_and_imported_again_is_the_same_field_for_field_with_its_links(
    file_format, catalogue, site_admin, api_client_for
):
    client = api_client_for(site_admin)
    before = snapshot()
    payload = download(client, file_format)
    Merchant.objects.all().delete()  # restaurants keep their names, without a brand

    answer = client.post(
        reverse("reports_api:merchant-import"),
        {"file": SimpleUploadedFile(f"merchants.{file_format}", payload)},
        format="multipart",
    )

    assert answer.status_code == HTTPStatus.OK, answer.content
    assert answer.json() == {"created": 2, "updated": 0, "unchanged": 0, "linked": 2, "not_found": []}
    assert snapshot() == before


def test_links_follow_restaurants_moved_to_a_fresh_account(catalogue, member, site_admin):
    fresh = UserFactory()
    moved = restaurant_import_batch_create(
        owner=fresh, filename="mine.json", payload=restaurants_json(restaurants_for_export(member)).encode()
    )
    Restaurant.objects.filter(owner=fresh).delete()
    restaurant_import_batch_apply(batch=moved, actor=fresh)
    Restaurant.objects.filter(owner=fresh).update(merchant=None)
    result = merchants_import(
        actor=site_admin, filename="m.json", payload=merchants_json(merchants_for_export()).encode(),
        owners={member.email: fresh.email},
    )  # fmt: skip

    assert result.linked == 1
    assert Restaurant.objects.get(owner=fresh).merchant == catalogue


def test_a_second_import_changes_nothing(catalogue, site_admin):
    payload = merchants_json(merchants_for_export()).encode()

    result = merchants_import(actor=site_admin, filename="m.json", payload=payload)

    assert (result.created, result.updated, result.unchanged, result.linked) == (0, 0, 2, 0)


def test_the_original_apps_merchant_export_is_read(site_admin):
    payload = (
        b"id,name,short_name,website,description,favicon_url,category,menu_focus,cuisine,service_level,format_category,"
        b"is_chain\n3,Shake Shack,Shack,https://shakeshack.com,,,fast_food_unit,burgers,Burgers,fast_casual,,True\n"
    )

    merchants_import(actor=site_admin, filename="merchants.csv", payload=payload)

    shack = Merchant.objects.get(name="Shake Shack")
    assert (shack.short_name, shack.format_category, shack.cuisine, shack.is_chain) == (
        "Shack", "fast_food_unit", "Burgers", True,
    )  # fmt: skip


def test_a_bad_merchant_refuses_the_whole_file_naming_its_line(site_admin):
    payload = b"name,website\nGood Burger,https://good.example\nBad,not a url\n"

    with pytest.raises(MerchantImportFailed) as failed:
        merchants_import(actor=site_admin, filename="m.csv", payload=payload)

    assert list(failed.value.errors) == ["line 3"]
    assert "website" in failed.value.errors["line 3"][0]
    assert not Merchant.objects.exists()


def test_only_admins_export_and_import_the_catalogue(catalogue, member, manager, api_client_for, web_client_for):
    upload = {"file": SimpleUploadedFile("m.csv", b"name\nSneaky\n")}

    assert api_client_for(member).get(reverse("reports_api:export-merchants", args=["csv"])).status_code == 403
    assert api_client_for(manager).post(reverse("reports_api:merchant-import"), upload).status_code == 403
    assert web_client_for(member).get(reverse("merchant_import")).status_code == HTTPStatus.NOT_FOUND
    assert web_client_for(manager).get(reverse("merchant_export", args=["json"])).status_code == HTTPStatus.NOT_FOUND
    assert not Merchant.objects.filter(name="Sneaky").exists()


def test_the_admin_page_imports_a_file(site_admin, web_client_for):
    client = web_client_for(site_admin)

    page = client.get(reverse("merchant_import"))
    answer = client.post(reverse("merchant_import"), {"file": SimpleUploadedFile("m.csv", b"name\nNoodle Bar\n")})
    exported = client.get(reverse("merchant_export", args=["json"]))

    assert page.status_code == HTTPStatus.OK
    assert answer.status_code == HTTPStatus.FOUND
    assert [m["name"] for m in json.loads(exported.content)["merchants"]] == ["Noodle Bar"]


def run(*args) -> str:
    out = StringIO()
    call_command("merchant", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_command_lists_and_shows_merchants(catalogue):
    listed = run("list")
    shown = run("show", "chipotle")

    assert "Chipotle chain  (2 restaurants)" in listed
    assert "2 merchants." in listed
    assert "cuisine: Mexican" in shown
    assert "Chipotle (Harvard Sq, Cambridge)" in shown


def test_the_command_links_restaurants_by_id_or_every_matching_one(catalogue, member, site_admin):
    unlinked = RestaurantFactory(owner=member, name="Chipotle Mexican Grill", city="Boston")
    loose = RestaurantFactory(owner=member, name="Taqueria", city="Boston")

    dry = run("link", "Chipotle", "--admin", site_admin.email, "--matching", "--dry-run")
    done = run("link", "Chipotle", "--admin", site_admin.email, "--matching", "--restaurant", str(loose.pk))

    assert "would link 1 restaurants" in dry
    assert "Linked 2 restaurants to Chipotle." in done
    unlinked.refresh_from_db()
    assert unlinked.merchant == catalogue


def test_the_command_exports_and_imports_and_needs_an_admin(catalogue, member, site_admin, tmp_path):
    target = tmp_path / "m.json"
    call_command("merchant", "export", "--format", "json", "--output", str(target), stderr=StringIO())
    Merchant.objects.all().delete()

    with pytest.raises(CommandError):
        run("import", str(target), "--admin", member.email)
    dry = run("import", str(target), "--admin", site_admin.email, "--dry-run")
    done = run("import", str(target), "--admin", site_admin.email)

    assert "Dry run, nothing written: would create 2 merchants" in dry
    assert "Created 2 merchants, updated 0, 0 unchanged; 2 restaurant links." in done
    assert Restaurant.objects.get(owner=member).merchant.name == "Chipotle"


def test_the_brands_page_links_admins_to_the_catalogue_files(site_admin, member, web_client_for):
    url = reverse("merchant_link_review")

    assert reverse("merchant_import") in web_client_for(site_admin).get(url).content.decode()
    assert reverse("merchant_import") not in web_client_for(member).get(url).content.decode()
