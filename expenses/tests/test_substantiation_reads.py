"""What substantiation reads: the owner's team only for a business meal without a receipt (its threshold)."""

from decimal import Decimal

import pytest

from accounts.models import User
from expenses.models import Expense
from expenses.substantiation import substantiation_gaps
from expenses.tests.factories import ExpenseFactory, ReceiptFactory

pytestmark = pytest.mark.django_db


def listed(expense):
    """The meal as an API list reads it: the owner without the team, the receipt count annotated."""
    found = Expense.objects.get(pk=expense.pk)
    found.owner = User.objects.get(pk=expense.owner_id)
    found.receipt_count = found.receipts.count()
    found.listed_attendees = []
    return found


def test_a_meal_with_a_receipt_does_not_read_the_team(member, django_assert_num_queries):
    expense = ExpenseFactory(owner=member, business=True, party_size=1, amount=Decimal("500.00"))
    ReceiptFactory(expense=expense)
    meal = listed(expense)

    with django_assert_num_queries(0):
        assert substantiation_gaps(meal) == []


def test_a_meal_without_a_receipt_is_judged_against_the_team_threshold(member, django_assert_num_queries):
    member.team.receipt_threshold = Decimal("40.00")
    member.team.save()
    over = listed(ExpenseFactory(owner=member, business=True, party_size=1, amount=Decimal("40.01")))
    under = listed(ExpenseFactory(owner=member, business=True, party_size=1, amount=Decimal("40.00")))

    with django_assert_num_queries(1):  # the team's row, for its threshold
        assert [gap.field for gap in substantiation_gaps(over)] == ["receipt"]
    assert substantiation_gaps(under) == []
