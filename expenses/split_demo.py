"""Demo data for itemised bills and splits: one of Alice's dinners gets its items, Bob and two client guests at
the table, a split by items, and Bob settling what he owed. Idempotent: a split Alice already has is kept."""

import datetime

from django.db import transaction

from accounts.models import User
from expenses.choices import MealType
from expenses.models import Expense, Share, Split
from expenses.services import expense_update
from expenses.services.splits import expense_split, line_items_replace, settlement_record
from mealtracker.money import allocate

GUESTS = [
    {"name": "Dana Cruz", "company": "Acme Corp", "relationship": "client"},
    {"name": "Lee Park", "company": "Acme Corp", "relationship": "client"},
]
# description, quantity, weight of the subtotal
DISHES = [("Ribeye", 1, 35), ("Grilled salmon", 1, 30), ("Shared appetisers", 3, 20), ("Bottle of Malbec", 1, 15)]


@transaction.atomic
def seed_split_demo(alice: User, bob: User, *, now: datetime.datetime) -> None:
    """Alice's latest personal dinner, itemised and split by items with Bob and two guests; Bob has paid her back."""
    if Split.objects.filter(expense__owner=alice).exists():
        return
    dinner = (
        Expense.objects.filter(owner=alice, meal_type=MealType.DINNER, is_business=False, occurred_at__lte=now)
        .order_by("-occurred_at", "-id")
        .first()
    )
    if dinner is None:
        return
    dinner = expense_update(expense=dinner, actor=alice, attendees=[{"user": bob.pk}, *GUESTS], party_size=4)
    subtotal = dinner.amount - dinner.tax - dinner.tip - dinner.fees
    amounts = allocate(subtotal, [weight for _, _, weight in DISHES], dinner.currency)
    ribeye, salmon, starters, wine = line_items_replace(
        expense=dinner,
        actor=alice,
        items=[{"description": name, "quantity": quantity, "amount": amount}
               for (name, quantity, _), amount in zip(DISHES, amounts, strict=True)],
    )  # fmt: skip
    people = {attendee.name: f"attendee-{attendee.pk}" for attendee in dinner.attendees.all()}
    bob_key, everyone = f"attendee-{dinner.attendees.get(user=bob).pk}", ["owner", *people.values()]
    expense_split(
        expense=dinner, actor=alice, method="items",
        items={ribeye.pk: ["owner"], salmon.pk: [bob_key], starters.pk: everyone, wine.pk: ["owner", bob_key]},
    )  # fmt: skip
    owed = Share.objects.get(expense=dinner, user=bob).total
    settlement_record(
        payer=bob, payee=alice, amount=owed, currency=dinner.currency, recorded_by=bob,
        settled_on=dinner.occurred_at.date() + datetime.timedelta(days=2), note="Bank transfer",
    )  # fmt: skip
