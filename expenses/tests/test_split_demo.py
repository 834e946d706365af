"""The demo shows a dinner split by items with guests and a settled balance between Alice and Bob."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from expenses.models import Settlement, Share
from expenses.split_selectors import balances_for

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_split_dinner_with_guests_and_a_settled_balance():
    call_command("seed_demo", "--expenses", "30", "--no-progress", stdout=StringIO())
    call_command("seed_demo", "--expenses", "30", "--no-progress", stdout=StringIO())  # idempotent
    alice = User.objects.get(email="alice@demo.mealtracker.test")
    bob = User.objects.get(email="bob@demo.mealtracker.test")

    shares = Share.objects.filter(expense__owner=alice)
    dinner = shares.first().expense
    assert shares.count() == 4
    assert sum(share.total for share in shares) == dinner.amount
    assert sorted(a.name for a in dinner.attendees.filter(user__isnull=True)) == ["Dana Cruz", "Lee Park"]
    assert dinner.line_items.count() == 4
    assert Settlement.objects.filter(payer=bob, payee=alice).count() == 1
    assert [b.net for b in balances_for(alice, other=bob)] == [0]
