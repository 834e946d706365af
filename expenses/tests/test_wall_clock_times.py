"""A time written without a UTC offset is the owner's wall-clock time, on every path that records a meal."""

import datetime
import zoneinfo
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse

from expenses import services
from expenses.models import Expense
from expenses.tests.factories import ExpenseFactory

pytestmark = pytest.mark.django_db
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


@pytest.fixture
def new_yorker(member):
    member.timezone = "America/New_York"
    member.save()
    return member


def test_api_reads_a_time_without_offset_in_the_owners_timezone(api_client_for, new_yorker):
    response = api_client_for(new_yorker).post(
        reverse("expenses_api:expense-list"),
        {"amount": "42.00", "currency": "USD", "occurred_at": "2026-11-20T19:45:00"},
        format="json",
    )
    assert response.status_code == HTTPStatus.CREATED, response.json()
    assert response.json()["occurred_at"] == "2026-11-20T19:45:00-05:00"
    stored = Expense.objects.get(pk=response.json()["id"]).occurred_at
    assert stored == datetime.datetime(2026, 11, 21, 0, 45, tzinfo=datetime.UTC)


def test_api_keeps_an_explicit_offset_as_written(api_client_for, new_yorker):
    response = api_client_for(new_yorker).post(
        reverse("expenses_api:expense-list"),
        {"amount": "42.00", "currency": "USD", "occurred_at": "2026-11-20T19:45:00Z"},
        format="json",
    )
    assert response.json()["occurred_at"] == "2026-11-20T14:45:00-05:00"


def test_api_patch_without_offset_is_the_owners_wall_clock(api_client_for, new_yorker):
    expense = ExpenseFactory(owner=new_yorker)
    response = api_client_for(new_yorker).patch(
        reverse("expenses_api:expense-detail", args=[expense.pk]), {"occurred_at": "2026-07-04T12:30"}, format="json"
    )
    assert response.status_code == HTTPStatus.OK, response.json()
    assert response.json()["occurred_at"] == "2026-07-04T12:30:00-04:00"  # summer time


def test_service_places_a_naive_time_in_the_owners_timezone(new_yorker):
    expense = services.expense_create(
        owner=new_yorker, amount=Decimal("10.00"), currency="USD", occurred_at=datetime.datetime(2026, 11, 20, 19, 45)
    )
    assert expense.occurred_at.astimezone(NEW_YORK).strftime("%Y-%m-%d %H:%M") == "2026-11-20 19:45"


def test_schema_documents_the_rule(api_client_for, member):
    schema = api_client_for(member).get(reverse("api-schema"), {"format": "json"}).json()
    expense = schema["components"]["schemas"]["Expense"]["properties"]["occurred_at"]
    assert "owner's timezone" in expense["description"]
