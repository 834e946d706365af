import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from expenses.tests.factories import ExpenseFactory, MerchantFactory, RestaurantFactory

pytestmark = pytest.mark.django_db


def test_per_person_amount_rounds_half_up():
    expense = ExpenseFactory.build(amount=Decimal("10.00"), party_size=3)
    assert expense.per_person_amount == Decimal("3.33")
    expense.amount = Decimal("0.05")
    expense.party_size = 2
    assert expense.per_person_amount == Decimal("0.03")


def test_model_validation_names_the_amount_field():
    expense = ExpenseFactory.build(amount=Decimal("-1.00"))
    with pytest.raises(ValidationError) as error:
        expense.full_clean(exclude=["owner", "restaurant"])
    assert "amount" in error.value.message_dict


def test_model_validation_refuses_tax_and_tip_above_total():
    expense = ExpenseFactory.build(amount=Decimal("10.00"), tax=Decimal("6.00"), tip=Decimal("5.00"))
    with pytest.raises(ValidationError) as error:
        expense.full_clean(exclude=["owner", "restaurant"])
    assert "amount" in error.value.message_dict


def test_model_validation_names_party_size():
    expense = ExpenseFactory.build(party_size=60)
    with pytest.raises(ValidationError) as error:
        expense.full_clean(exclude=["owner", "restaurant"])
    assert "party_size" in error.value.message_dict


def test_occurred_at_is_shown_in_the_owners_timezone():
    expense = ExpenseFactory(
        owner__timezone="America/Los_Angeles",
        occurred_at=datetime.datetime(2026, 3, 1, 6, 30, tzinfo=datetime.UTC),
    )
    local = expense.local_occurred_at()
    assert (local.date(), local.hour) == (datetime.date(2026, 2, 28), 22)


def test_restaurant_display_name_prefers_the_merchant_short_name_and_branch():
    merchant = MerchantFactory(name="Starbucks Corporation", short_name="Starbucks")
    restaurant = RestaurantFactory(name="Starbucks #123", merchant=merchant, location_name="Airport")
    assert restaurant.display_name == "Starbucks - Airport"
