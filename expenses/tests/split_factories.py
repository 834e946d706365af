"""Factories and builders for itemised bills, splits and settlements."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from expenses.models import Attendee, LineItem, Settlement
from expenses.tests.factories import ExpenseFactory


class LineItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LineItem

    expense = factory.SubFactory(ExpenseFactory)
    position = factory.Sequence(lambda n: n)
    description = factory.Sequence(lambda n: f"Dish {n}")
    quantity = Decimal(1)
    amount = Decimal("10.00")


class SettlementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Settlement

    amount = Decimal("10.00")
    currency = "USD"
    settled_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    recorded_by = factory.SelfAttribute("payer")


def dinner_with(owner, *colleagues, guests=(), amount="100.00", tax="8.00", tip="12.00", fees="0.00", **fields):
    """A meal `owner` paid, with colleagues (users) and guests (names) at the table."""
    expense = ExpenseFactory(
        owner=owner, amount=Decimal(amount), tax=Decimal(tax), tip=Decimal(tip), fees=Decimal(fees),
        party_size=1 + len(colleagues) + len(guests), **fields,
    )  # fmt: skip
    position = 0
    for user in colleagues:
        Attendee.objects.create(expense=expense, user=user, name=user.display_name or user.email, position=position)
        position += 1
    for name in guests:
        Attendee.objects.create(expense=expense, name=name, position=position)
        position += 1
    return expense


def key_of(expense, user=None, *, name=None):
    """The split key of a person at `expense`: the owner, a colleague (by user) or a guest (by name)."""
    if user is not None and user.pk == expense.owner_id:
        return "owner"
    for attendee in expense.attendees.all():
        if (user is not None and attendee.user_id == user.pk) or (name is not None and attendee.name == name):
            return f"attendee-{attendee.pk}"
    raise LookupError(user or name)
