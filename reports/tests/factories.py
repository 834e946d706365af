from decimal import Decimal

import factory

from accounts.tests.factories import TeamFactory, UserFactory
from expenses.choices import MealType
from expenses.models import MealPolicy
from reports.models import Budget, BudgetPeriod


class BudgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Budget

    user = factory.SubFactory(UserFactory)
    team = None
    period = BudgetPeriod.MONTH
    amount = Decimal("100.00")
    currency = "USD"


class MealPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MealPolicy

    team = factory.SubFactory(TeamFactory)
    meal_type = MealType.DINNER
    max_per_person = Decimal("50.00")
    currency = "USD"
