"""The database itself refuses invalid rows, whatever code path writes them (both SQLite and PostgreSQL)."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from accounts.models import User
from accounts.tests.factories import UserFactory
from expenses.choices import ExpenseStatus
from expenses.models import Category, Expense, Restaurant, Tag
from expenses.tests.factories import (
    CategoryFactory,
    ExpenseFactory,
    RestaurantFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


def refused_by_database(update_fields: dict, model=Expense, instance=None):
    """Write with QuerySet.update (no model validation) and report whether the database said no."""
    instance = instance or ExpenseFactory()
    try:
        with transaction.atomic():
            model.objects.filter(pk=instance.pk).update(**update_fields)
    except IntegrityError:
        return True
    return False


@pytest.mark.parametrize(
    "fields",
    [
        {"amount": Decimal("0.00")},
        {"amount": Decimal("-5.00")},
        {"tax": Decimal("-0.01")},
        {"tip": Decimal("-1.00")},
        {"tax": Decimal("20.00"), "tip": Decimal("10.00")},  # more than the 24.50 total
        {"party_size": 0},
        {"party_size": 51},
        {"reporting_amount": Decimal("0")},
        {"exchange_rate": Decimal("0")},
        {"meal_type": "second_breakfast"},
        {"order_type": "teleport"},
        {"status": ExpenseStatus.APPROVED},  # a personal meal never enters the approval flow
    ],
    ids=lambda f: ",".join(f"{k}={v}" for k, v in f.items()),
)
def test_database_refuses_invalid_expense(fields):
    assert refused_by_database(fields)


def test_database_refuses_recorded_status_on_business_meal():
    expense = ExpenseFactory(business=True)
    assert refused_by_database({"status": ExpenseStatus.RECORDED}, instance=expense)


def test_database_accepts_valid_update():
    assert not refused_by_database({"amount": Decimal("30.00"), "party_size": 50})


def test_restaurant_with_same_name_and_address_in_other_case_is_refused():
    first = RestaurantFactory(
        name="Chez Panisse", address_line_1="1517 Shattuck Ave", city="Berkeley", postal_code="94709a"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Restaurant.objects.create(
            owner=first.owner, name="CHEZ PANISSE", address_line_1="1517 SHATTUCK AVE", city="berkeley",
            postal_code="94709A", country="US",
        )  # fmt: skip


def test_restaurant_without_address_cannot_be_duplicated():
    # The original app allowed this because NULL != NULL; our blank address parts are real values.
    first = RestaurantFactory(name="Food Truck", city="", country="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Restaurant.objects.create(owner=first.owner, name="Food Truck", city="", country="")


def test_two_branches_in_one_city_at_different_addresses_are_allowed():
    first = RestaurantFactory(name="Starbucks", address_line_1="1 Main St", city="New York")
    Restaurant.objects.create(owner=first.owner, name="Starbucks", address_line_1="200 Park Ave", city="New York")
    assert Restaurant.objects.filter(owner=first.owner, name="Starbucks").count() == 2


def test_two_places_with_one_name_and_address_are_allowed():
    # A place id is the identity when there is one: two Google places are two restaurants.
    first = RestaurantFactory(name="Starbucks", city="New York", place_id="ChIJbranch1")
    Restaurant.objects.create(owner=first.owner, name="Starbucks", city="New York", country="US", place_id="ChIJb2")
    assert Restaurant.objects.filter(owner=first.owner, name="Starbucks").count() == 2


def test_two_users_may_have_the_same_restaurant():
    first = RestaurantFactory(name="Chez Panisse", city="Berkeley")
    RestaurantFactory(name="Chez Panisse", city="Berkeley")
    assert Restaurant.objects.filter(name="Chez Panisse").count() == 2
    assert first.pk


def test_same_place_id_twice_for_one_user_is_refused():
    first = RestaurantFactory(place_id="ChIJ123")
    with pytest.raises(IntegrityError), transaction.atomic():
        Restaurant.objects.create(owner=first.owner, name="Other name", place_id="ChIJ123")


def test_many_restaurants_without_place_id_are_allowed():
    owner = UserFactory()
    RestaurantFactory(owner=owner, place_id=None)
    RestaurantFactory(owner=owner, place_id=None)
    assert Restaurant.objects.filter(owner=owner, place_id__isnull=True).count() == 2


@pytest.mark.parametrize(("field", "value"), [("price_level", 5), ("rating", 0), ("rating", 6)])
def test_database_refuses_out_of_range_restaurant_values(field, value):
    restaurant = RestaurantFactory()
    assert refused_by_database({field: value}, model=Restaurant, instance=restaurant)


def test_category_names_are_unique_per_user_ignoring_case():
    category = CategoryFactory(name="Coffee")
    with pytest.raises(IntegrityError), transaction.atomic():
        Category.objects.create(owner=category.owner, name="coffee")


def test_tag_names_are_unique_per_user_ignoring_case():
    tag = TagFactory(name="client")
    with pytest.raises(IntegrityError), transaction.atomic():
        Tag.objects.create(owner=tag.owner, name="CLIENT")


def test_user_emails_are_unique_ignoring_case():
    UserFactory(email="sam@example.com")
    other = UserFactory(email="other@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=other.pk).update(email="SAM@example.com")


def test_deleting_a_restaurant_keeps_its_expenses():
    expense = ExpenseFactory()
    expense.restaurant.delete()
    expense.refresh_from_db()
    assert expense.restaurant is None


def test_deleting_a_category_keeps_its_expenses():
    expense = ExpenseFactory()
    expense.category = CategoryFactory(owner=expense.owner)
    expense.save()
    expense.category.delete()
    expense.refresh_from_db()
    assert expense.category is None
