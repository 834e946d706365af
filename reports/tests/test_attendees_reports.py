"""Attendees and tips as report figures (API and Reports page), and attendees through exports, imports and
backups."""

import datetime
import json
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from expenses import services
from expenses.models import Expense
from expenses.tests.factories import RestaurantFactory
from reports.services.backups import user_data_export, user_data_import

pytestmark = pytest.mark.django_db
WHEN = timezone.now() - datetime.timedelta(days=2)


def meal(owner, amount="100.00", **fields):
    return services.expense_create(owner=owner, amount=Decimal(amount), occurred_at=WHEN, **fields)


def report(client, kind, **params):
    return client.get(reverse("reports_api:report", args=[kind]), params)


def test_spend_per_guest_company_counts_a_meal_once_per_company(member, api_client_for):
    meal(member, attendees=[{"name": "Ann", "company": "ACME"}, {"name": "Bo", "company": "ACME"}])
    meal(member, "50.00", attendees=[{"name": "Cy", "company": "ACME"}, {"name": "Di", "company": "Globex"}])
    meal(member, "30.00")

    rows = report(api_client_for(member), "attendees", by="company").json()["rows"]

    assert [(r["label"], r["total"], r["visits"], r["people"]) for r in rows] == [
        ("ACME", "150.00", 2, 3),
        ("Globex", "50.00", 1, 1),
    ]


def test_meals_with_a_guest_are_listed_per_guest(member, api_client_for):
    meal(member, attendees=[{"name": "Ann", "company": "ACME", "relationship": "client"}])
    meal(member, "40.00", attendees=["Ann"])

    rows = report(api_client_for(member), "attendees", by="guest").json()["rows"]

    assert [(r["label"], r["total"]) for r in rows] == [("Ann (ACME)", "100.00"), ("Ann", "40.00")]


def test_meals_by_who_was_there(member, teammate, api_client_for):
    meal(member, "10.00")
    meal(member, "20.00", attendees=[teammate])
    meal(member, "30.00", attendees=[teammate, "Ann"])

    rows = report(api_client_for(member), "attendees", by="presence").json()["rows"]

    assert [(r["label"], r["total"]) for r in rows] == [
        ("Alone", "10.00"),
        ("With colleagues only", "20.00"),
        ("With guests", "30.00"),
    ]


def test_a_report_shows_only_the_attendees_of_meals_the_viewer_may_see(member, outsider, api_client_for):
    meal(outsider, attendees=[{"name": "Secret", "company": "Hidden Corp"}])

    assert report(api_client_for(member), "attendees", by="company").json()["rows"] == []


def test_an_unknown_attendee_dimension_is_a_400_naming_by(member, api_client_for):
    response = report(api_client_for(member), "attendees", by="shoe_size")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()["errors"]) == ["by"]


@pytest.mark.parametrize("kind", ["attendees", "tip-trend", "tip-outliers"])
def test_people_and_tip_reports_run_a_constant_number_of_queries(member, api_client_for, kind):
    client = api_client_for(member)
    meal(member, attendees=[{"name": "Ann", "company": "ACME"}], tip=Decimal("10.00"))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert report(client, kind).status_code == HTTPStatus.OK
        return len(captured)

    few = queries()
    for index in range(8):
        restaurant = RestaurantFactory(owner=member)
        guests = [{"name": f"Guest {index}", "company": f"Company {index % 3}"}, "Bo"]
        meal(member, attendees=guests, tip=Decimal("12.00"), restaurant=restaurant)
    assert queries() == few


def test_the_tip_trend_is_tips_over_pre_tax_subtotals(member, api_client_for):
    meal(member, "118.00", tax=Decimal("8.00"), tip=Decimal("18.00"))  # 18 / 92
    meal(member, "54.00", tax=Decimal("4.00"), tip=Decimal("0.00"))  # not tipped: left out

    rows = report(api_client_for(member), "tip-trend", period="year").json()["rows"]

    assert [(r["tip_percent"], r["visits"]) for r in rows] == [("19.6", 1)]


def test_a_restaurant_far_from_the_usual_tip_is_an_outlier(member, api_client_for):
    usual, generous = RestaurantFactory(owner=member, name="Usual"), RestaurantFactory(owner=member, name="Generous")
    for _ in range(4):
        meal(member, "115.00", tip=Decimal("15.00"), restaurant=usual)  # 15 %
    for _ in range(2):
        meal(member, "130.00", tip=Decimal("30.00"), restaurant=generous)  # 30 %

    body = report(api_client_for(member), "tip-outliers").json()

    assert [(r["restaurant"], r["tip_percent"]) for r in body["rows"]] == [("Generous", "30.0")]


def test_the_reports_page_shows_guest_companies_and_tip_outliers(member, web_client_for):
    meal(member, attendees=[{"name": "Ann", "company": "ACME"}], tip=Decimal("10.00"))

    page = web_client_for(member).get(reverse("reports")).content.decode()

    assert "Spend per guest company" in page
    assert "ACME" in page
    assert 'data-testid="tip-outliers"' in page


def csv_export(client) -> bytes:
    response = client.get(reverse("reports_api:export-expenses", args=["csv"]))
    return b"".join(response.streaming_content)


def test_the_export_writes_colleagues_with_their_email_and_guests_with_company(member, teammate, api_client_for):
    meal(member, attendees=[teammate, {"name": "Ann Lee", "company": "ACME, Inc.", "relationship": "client"}])

    text = csv_export(api_client_for(member)).decode()

    assert f'"{teammate} <{teammate.email}>; Ann Lee | ACME, Inc. | client"' in text


def import_file(client, payload: bytes, name: str) -> dict:
    batch = client.post(
        reverse("reports_api:import-list"), {"file": SimpleUploadedFile(name, payload)}, format="multipart"
    ).json()
    return client.post(reverse("reports_api:import-apply", args=[batch["id"]])).json()


def test_an_exported_meal_imports_with_its_attendees_as_rows(member, teammate, api_client_for):
    meal(member, attendees=[teammate, {"name": "Ann", "company": "ACME", "relationship": "client"}], party_size=4)
    payload = csv_export(api_client_for(member))
    colleague = UserFactory(email="colleague@example.com", team=member.team)  # same team as the exported colleague

    import_file(api_client_for(colleague), payload, "expenses.csv")

    copy = Expense.objects.get(owner=colleague)
    assert list(copy.attendees.values_list("user_id", "name", "company", "relationship")) == [
        (teammate.pk, str(teammate), "", ""),
        (None, "Ann", "ACME", "client"),
    ]
    assert copy.party_size == 4


def test_an_imported_colleague_of_someone_else_stays_a_named_guest(member, teammate, outsider, api_client_for):
    meal(member, attendees=[teammate])
    payload = csv_export(api_client_for(member))

    import_file(api_client_for(outsider), payload, "expenses.csv")

    copy = Expense.objects.get(owner=outsider)
    assert list(copy.attendees.values_list("user_id", "name")) == [(None, str(teammate))]


def test_the_original_apps_party_size_becomes_anonymous_covers(member, api_client_for):
    payload = b"date,amount,restaurant_name,party_size\n2026-03-02,42.50,Dishoom,3\n"

    import_file(api_client_for(member), payload, "original.csv")

    copy = Expense.objects.get(owner=member)
    assert (copy.party_size, copy.attendees.count()) == (3, 0)


def test_a_backup_restores_attendees_with_colleagues_by_email(member, teammate):
    meal(member, attendees=[teammate, {"name": "Ann", "company": "ACME"}], party_size=5)
    backup = json.loads(user_data_export(member))
    assert backup["expenses"][0]["attendees"][0]["email"] == teammate.email
    backup["user"]["email"] = "restored@example.com"

    restored = user_data_import(backup)

    copy = Expense.objects.get(owner=restored)
    assert list(copy.attendees.values_list("user_id", "name", "company")) == [
        (teammate.pk, str(teammate), ""),
        (None, "Ann", "ACME"),
    ]
    assert copy.party_size == 5


def test_an_older_backups_free_text_attendees_become_guests(member):
    meal(member, party_size=3)
    backup = json.loads(user_data_export(member))
    backup.update(schema_version=2)
    backup["expenses"][0]["attendees"] = "Ann, Bo"
    backup["user"]["email"] = "restored@example.com"

    copy = Expense.objects.get(owner=user_data_import(backup))

    assert list(copy.attendees.values_list("name", flat=True)) == ["Ann", "Bo"]
