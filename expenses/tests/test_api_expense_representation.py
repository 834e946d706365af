"""The expense API's hand-written rendering equals DRF's generic rendering of the declared fields, field for field.

`ExpenseSerializer.to_representation` writes each field out directly because DRF's walk over ~30 fields was
half of a list page's time; this test keeps the two from drifting apart when a field is added or changed.
"""

import datetime
from decimal import Decimal

import pytest
from rest_framework import serializers as drf_serializers
from rest_framework.test import APIRequestFactory

from expenses import selectors
from expenses.api.serializers import ExpenseSerializer
from expenses.models import Expense
from expenses.tests.factories import (
    AttendeeFactory,
    CategoryFactory,
    ExpenseFactory,
    ExpenseTagFactory,
    MerchantFactory,
    ReceiptFactory,
    RestaurantFactory,
)

pytestmark = pytest.mark.django_db


def generic_rendering(serializer, expense):
    data = drf_serializers.ModelSerializer.to_representation(serializer, expense)
    data["occurred_at"] = expense.occurred_at.astimezone(expense.owner.tzinfo).isoformat()
    return data


def serializer_for(user):
    request = APIRequestFactory().get("/api/v1/expenses/")
    request.user = user
    return ExpenseSerializer(context={"request": request})


def test_every_declared_field_is_rendered(member):
    ExpenseFactory(owner=member)
    expense = selectors.expenses_listed_for(member).get()

    assert list(serializer_for(member).to_representation(expense)) == ExpenseSerializer.Meta.fields


@pytest.mark.parametrize(
    "variant",
    ["plain", "no_restaurant", "chain_with_location", "category_and_tags", "foreign_currency", "business_cleared"],
)
def test_hand_written_rendering_matches_drf(member, variant):
    member.timezone = "Europe/Paris"
    member.save()
    fields = {"owner": member}
    if variant == "no_restaurant":
        fields["restaurant"] = None
    if variant == "chain_with_location":
        merchant = MerchantFactory(short_name="Spoon")
        fields["restaurant"] = RestaurantFactory(owner=member, merchant=merchant, location_name="Harbour")
    if variant == "category_and_tags":
        fields["category"] = CategoryFactory(owner=member)
    if variant == "foreign_currency":
        fields.update(currency="EUR", amount=Decimal("33.33"), exchange_rate=Decimal("1.08123456"),
                      reporting_amount=Decimal("36.04"), party_size=3)  # fmt: skip
    if variant == "business_cleared":
        fields.update(business=True, cleared_on=datetime.date(2026, 3, 2), notes="=SUM(A1)", party_size=3)
    created = ExpenseFactory(**fields)
    if variant == "business_cleared":
        AttendeeFactory(expense=created, name="Ann", company="ACME", relationship="client")
        AttendeeFactory(expense=created, user=member, name=str(member))
    if variant == "category_and_tags":
        ExpenseTagFactory(expense=created)
        ExpenseTagFactory(expense=created)
        ReceiptFactory(expense=created)
    listed = selectors.expenses_listed_for(member).get(pk=created.pk)
    plain = Expense.objects.select_related("owner", "restaurant__merchant", "category").get(pk=created.pk)
    serializer = serializer_for(member)

    assert serializer.to_representation(listed) == generic_rendering(serializer, listed)
    assert serializer.to_representation(plain) == generic_rendering(serializer, plain)  # no receipt_count annotation
