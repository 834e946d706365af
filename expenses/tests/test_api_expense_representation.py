"""The expense API's hand-written rendering equals DRF's generic rendering of the declared fields, field for field.

`ExpenseSerializer.to_representation` writes each field out directly because DRF's walk over ~30 fields was
half of a list page's time; this test keeps the two from drifting apart when a field is added or changed.
"""

import datetime
from decimal import Decimal

import pytest
from rest_framework import serializers as drf_serializers
from rest_framework.test import APIRequestFactory

from accounts.models import User
from expenses import selectors
from expenses.api.serializers import ExpenseSerializer
from expenses.models import Expense, Tag
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
    expense = selectors.with_listed_relations([selectors.expenses_listed_for(member).get()], reader=member)[0]

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
    listed = selectors.with_listed_relations([selectors.expenses_listed_for(member).get(pk=created.pk)], reader=member)[
        0
    ]
    plain = Expense.objects.select_related("owner", "restaurant__merchant", "category").get(pk=created.pk)
    serializer = serializer_for(member)

    assert serializer.to_representation(listed) == generic_rendering(serializer, listed)
    assert serializer.to_representation(plain) == generic_rendering(serializer, plain)  # no receipt_count annotation


@pytest.mark.parametrize("scope", ["mine", "team"])
def test_a_page_read_together_renders_each_meal_as_read_alone(
    member, teammate, manager, scope, django_assert_num_queries
):
    """Tags (in name order) and attendees (in their order) read for a whole page land on their own meals, a team's
    meals keep their own owners, and the restaurant and category names read as columns are the ones shown for the
    rows: a chain's short name with the location, a chain without a short name, a plain restaurant, none."""
    owners = [manager] if scope == "mine" else [member, teammate, manager]
    manager.team.receipt_threshold = Decimal("20.00")  # under the meals' 24.50: each business meal lacks a receipt
    manager.team.save()
    places = [
        lambda owner: RestaurantFactory(
            owner=owner, merchant=MerchantFactory(short_name="Spoon"), location_name="Pier"
        ),
        lambda owner: RestaurantFactory(owner=owner, merchant=MerchantFactory(short_name=""), location_name=""),
        lambda owner: RestaurantFactory(owner=owner, location_name="Old Town"),
        lambda owner: None,
    ]
    for number, owner in enumerate(owners * 4):
        expense = ExpenseFactory(
            owner=owner, party_size=4, business=number % 2 == 0, restaurant=places[number % 4](owner),
            category=CategoryFactory(owner=owner) if number % 3 else None,
        )  # fmt: skip
        for name in ["zeta", "alpha", f"own-{number}"][: number % 4]:
            ExpenseTagFactory(expense=expense, tag=Tag.objects.get_or_create(owner=owner, name=name)[0])
        for position in range(number % 3, 0, -1):
            AttendeeFactory(expense=expense, name=f"Guest {number}.{position}", position=position)
    reader = User.objects.get(pk=manager.pk)  # as a request reads its user: without the team
    page = list(selectors.with_listed_columns(selectors.expenses_listed_for(reader, scope=scope), scope=scope))
    selectors.with_listed_relations(page, reader=reader)
    serializer = serializer_for(manager)

    assert len(page) == len(owners) * 4
    with django_assert_num_queries(0):  # the owners and their teams came with the page
        shown = [serializer.to_representation(listed) for listed in page]
    for listed in page:
        alone = Expense.objects.select_related("owner__team", "restaurant__merchant", "category").get(pk=listed.pk)
        alone.receipt_count = listed.receipt_count
        assert serializer.to_representation(listed) == serializer.to_representation(alone)
        assert listed.listed_tag_names == sorted(listed.listed_tag_names)
        assert listed.owner.email == alone.owner.email
    assert {"Spoon - Pier", None} <= {row["restaurant_name"] for row in shown}  # a chain with a location; no place
    assert {"receipt"} <= {gap["item"] for row in shown for gap in row["missing_substantiation"]}
