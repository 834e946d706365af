"""The original Flask app's own expense export (CSV and JSON) imports with every field as it was written."""

import datetime
import io
from decimal import Decimal
from http import HTTPStatus
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from accounts.tests.factories import UserFactory
from expenses.models import Expense

FIXTURES = Path(__file__).parent / "fixtures"
ORIGINAL = {"csv": FIXTURES / "original-app-expenses.csv", "json": FIXTURES / "original-app-expenses.json"}


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=datetime.UTC)


# The fixture's six meals as the original app wrote them: times in UTC, full country names, place ids, tags
# as "a, b", notes with quotes, commas and a line break, floats for amounts, "" for an unknown party size.
EXPECTED = [
    {"occurred_at": utc(2026, 3, 6, 3, 15), "amount": Decimal("23.40"), "tax": Decimal("0.00"),
     "tip": Decimal("0.00"), "currency": "USD", "meal_type": "late_night", "order_type": "takeout", "party_size": 1,
     "notes": 'He said "bring cash, only cash" and he meant it', "cleared_on": None, "category": "Fast Food",
     "tags": ["late", "pizza"], "restaurant": ("Joe's Pizza - Carmine St", "7 Carmine St", "New York", "NY", "10014",
                                                "US", "ChIJbfAlv5lZwokRX2C9CJD3FNA")},
    {"occurred_at": utc(2026, 3, 4, 0, 45), "amount": Decimal("96.75"), "tax": Decimal("0.00"),
     "tip": Decimal("0.00"), "currency": "USD", "meal_type": "dinner", "order_type": "dine_in", "party_size": 3,
     "notes": "Booked for 7:30pm\nBill split three ways, \"Chef's table\"", "cleared_on": datetime.date(2026, 3, 5),
     "category": "Restaurants", "tags": ["client-dinner", "team"],
     "restaurant": ("Dishoom - Covent Garden", "12 Upper St Martin's Ln", "London", "", "WC2H 9FB", "GB",
                    "ChIJ8Qz7hs4EdkgRcXmP4y6CMyY")},
    {"occurred_at": utc(2026, 3, 2, 17, 30), "amount": Decimal("42.50"), "tax": Decimal("0.00"),
     "tip": Decimal("0.00"), "currency": "USD", "meal_type": "lunch", "order_type": "dine_in", "party_size": 2,
     "notes": 'Tried the "chef\'s special", loved it', "cleared_on": datetime.date(2026, 3, 3),
     "category": "Restaurants", "tags": ["business"],
     "restaurant": ("Starbucks - Downtown", "100 Broadway", "New York", "NY", "10005", "US",
                    "ChIJ6a0bXRZawokR8jTQn5f0VdA")},
    {"occurred_at": utc(2026, 2, 27, 11, 5), "amount": Decimal("18.90"), "tax": Decimal("0.00"),
     "tip": Decimal("0.00"), "currency": "USD", "meal_type": "brunch", "order_type": "dine_in", "party_size": 1,
     "notes": "", "cleared_on": None, "category": "Restaurants", "tags": [],
     "restaurant": ("Café Einstein Stammhaus", "Kurfürstenstraße 58", "Berlin", "", "10785", "DE",
                    "ChIJY8vJ5E9QqEcRVxn6zG5tQ8c")},
    {"occurred_at": utc(2026, 2, 20, 9, 0), "amount": Decimal("4.00"), "tax": Decimal("0.00"),
     "tip": Decimal("0.00"), "currency": "USD", "meal_type": "snacks", "order_type": "other", "party_size": 1,
     "notes": "Vending machine, 2nd floor", "cleared_on": None, "category": "Snacks & Vending", "tags": [],
     "restaurant": None},
    {"occurred_at": utc(2026, 2, 14, 12, 30), "amount": Decimal("31.25"), "tax": Decimal("0.00"),
     "tip": Decimal("0.00"), "currency": "USD", "meal_type": "lunch", "order_type": "delivery", "party_size": 2,
     "notes": "Ordered from the hotel, 1 ½ portions", "cleared_on": datetime.date(2026, 2, 16),
     "category": "Restaurants", "tags": ["travel"],
     "restaurant": ("Çiya Kebap", "Güneşli Bahçe Sk. No:43", "Istanbul", "", "34710", "TR",
                    "ChIJ1W2cN8y5yhQRBn2k1x6Tz3A")},
]  # fmt: skip


def restaurant_fields(restaurant) -> tuple:
    return (restaurant.name, restaurant.address_line_1, restaurant.city, restaurant.region, restaurant.postal_code,
            restaurant.country, restaurant.place_id)  # fmt: skip


def imported_fields(owner) -> list[dict]:
    """Every field the original export carries, read back from the database, newest first as it exports them."""
    expenses = (
        Expense.objects.filter(owner=owner)
        .select_related("restaurant", "category")
        .prefetch_related("tags")
        .order_by("-occurred_at")
    )
    return [
        {
            "occurred_at": e.occurred_at,
            "amount": e.amount,
            "tax": e.tax,
            "tip": e.tip,
            "currency": e.currency,
            "meal_type": e.meal_type,
            "order_type": e.order_type,
            "party_size": e.party_size,
            "notes": e.notes,
            "cleared_on": e.cleared_on,
            "category": e.category.name if e.category else None,
            "tags": sorted(tag.name for tag in e.tags.all()),
            "restaurant": restaurant_fields(e.restaurant) if e.restaurant else None,
        }
        for e in expenses
    ]


def import_file(client, file_format: str) -> dict:
    path = ORIGINAL[file_format]
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    response = client.post(reverse("reports_api:import-list"), {"file": upload}, format="multipart")
    assert response.status_code == HTTPStatus.CREATED, response.content
    return response.json()


def apply(client, batch: dict) -> dict:
    response = client.post(reverse("reports_api:import-apply", args=[batch["id"]]))
    assert response.status_code == HTTPStatus.OK, response.content
    return response.json()["result"]


@pytest.fixture
def new_yorker(db):
    # Not UTC, so a time the file states in UTC visibly stays UTC.
    return UserFactory(email="ny@example.com", timezone="America/New_York")


@pytest.mark.parametrize("file_format", ["csv", "json"])
def test_original_export_imports_with_every_field_as_written(api_client_for, new_yorker, file_format):
    client = api_client_for(new_yorker)
    batch = import_file(client, file_format)
    assert batch["summary"] == {"rows": 6, "to_apply": 6, "skipped": 0, "with_errors": 0, "with_warnings": 0,
                                "with_duplicates": 0, "imported": 0}  # fmt: skip

    assert apply(client, batch) == {"created": 6, "skipped": 0, "failed": 0}

    assert imported_fields(new_yorker) == EXPECTED


def test_original_export_reads_the_same_as_csv_and_as_json(api_client_for, new_yorker):
    from_json = UserFactory(email="json@example.com", timezone="America/New_York")
    apply(api_client_for(new_yorker), import_file(api_client_for(new_yorker), "csv"))
    apply(api_client_for(from_json), import_file(api_client_for(from_json), "json"))

    assert imported_fields(new_yorker) == imported_fields(from_json)


@pytest.mark.parametrize(("first", "again"), [("csv", "csv"), ("json", "json"), ("csv", "json")])
def test_importing_the_same_export_again_skips_every_meal_as_a_duplicate(api_client_for, new_yorker, first, again):
    client = api_client_for(new_yorker)
    apply(client, import_file(client, first))

    batch = import_file(client, again)
    rows = client.get(reverse("reports_api:import-rows", args=[batch["id"]])).json()["results"]

    assert batch["summary"]["with_duplicates"] == 6
    assert all(row["duplicate_ids"] and row["action"] == "skip" for row in rows)
    assert apply(client, batch) == {"created": 0, "skipped": 6, "failed": 0}
    assert Expense.objects.filter(owner=new_yorker).count() == 6


def test_the_second_import_matches_restaurants_by_place_id(api_client_for, new_yorker):
    client = api_client_for(new_yorker)
    apply(client, import_file(client, "csv"))

    batch = import_file(client, "json")
    rows = client.get(reverse("reports_api:import-rows", args=[batch["id"]])).json()["results"]

    assert [row["restaurant_match"]["create"] for row in rows] == [False] * 6


def test_the_command_imports_the_original_export_with_every_field_as_written(new_yorker):
    out = io.StringIO()

    call_command("import_expenses", str(ORIGINAL["csv"]), "--user", new_yorker.email, stdout=out, stderr=io.StringIO())

    assert "Created 6 expenses; skipped 0; failed 0" in out.getvalue()
    assert imported_fields(new_yorker) == EXPECTED
