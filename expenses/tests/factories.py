import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from expenses.choices import ExpenseStatus, MealType, OrderType
from expenses.models import (
    ApprovalEvent,
    Attendee,
    Category,
    ExchangeRate,
    Expense,
    ExpenseTag,
    Merchant,
    Receipt,
    Restaurant,
    Tag,
)


class MerchantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Merchant

    name = factory.Sequence(lambda n: f"Chain {n}")
    short_name = factory.LazyAttribute(lambda m: m.name)
    is_chain = True


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Category {n}")
    color = "#336699"


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"tag-{n}")


class RestaurantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Restaurant

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Bistro {n}")
    city = "Boston"
    country = "US"
    cuisine = "French"


class ExpenseFactory(factory.django.DjangoModelFactory):
    """A personal meal by default; `business=True` makes a draft business meal."""

    class Meta:
        model = Expense

    class Params:
        business = factory.Trait(is_business=True, status=ExpenseStatus.DRAFT, business_purpose="Client lunch")

    owner = factory.SubFactory(UserFactory)
    restaurant = factory.SubFactory(RestaurantFactory, owner=factory.SelfAttribute("..owner"))
    category = None
    occurred_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    meal_type = MealType.LUNCH
    order_type = OrderType.DINE_IN
    party_size = 1
    amount = Decimal("24.50")
    tax = Decimal("2.00")
    tip = Decimal("3.50")
    currency = "USD"
    reporting_amount = factory.SelfAttribute("amount")
    exchange_rate = Decimal(1)
    status = ExpenseStatus.RECORDED


class AttendeeFactory(factory.django.DjangoModelFactory):
    """A guest of a meal; pass `user=` (and the user's name) for a colleague."""

    class Meta:
        model = Attendee

    expense = factory.SubFactory(ExpenseFactory, party_size=2)
    user = None
    name = factory.Sequence(lambda n: f"Guest {n}")
    company = ""
    relationship = ""
    position = factory.Sequence(lambda n: n)


class ExpenseTagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpenseTag

    expense = factory.SubFactory(ExpenseFactory)
    tag = factory.SubFactory(TagFactory, owner=factory.SelfAttribute("..expense.owner"))


class ReceiptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Receipt

    expense = factory.SubFactory(ExpenseFactory)
    file = factory.django.FileField(filename="receipt.png", data=b"\x89PNG\r\n\x1a\nfake")
    original_name = "receipt.png"
    content_type = "image/png"
    size = 12
    sha256 = factory.Sequence(lambda n: f"{n:064x}")


class ApprovalEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApprovalEvent

    expense = factory.SubFactory(ExpenseFactory, business=True)
    actor = factory.SelfAttribute("expense.owner")
    from_status = ExpenseStatus.DRAFT
    to_status = ExpenseStatus.SUBMITTED


class ExchangeRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExchangeRate
        django_get_or_create = ["currency", "date"]

    date = factory.LazyFunction(lambda: timezone.now().date())
    currency = "EUR"
    rate = Decimal("1.10000000")
    source = "test"
