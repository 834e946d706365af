"""Reports and exports of the largest meals an amount can hold answer, on both databases (their sums outgrow one
amount's twelve digits)."""

from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from expenses.tests.factories import ExpenseFactory
from mealtracker.money import MAX_AMOUNT
from reports.selectors.reports import REPORTS
from reports.tests.factories import BudgetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_huge_meals(member):
    return ExpenseFactory.create_batch(
        2, owner=member, amount=MAX_AMOUNT, reporting_amount=MAX_AMOUNT, tax=Decimal(0), tip=Decimal(0)
    )


@pytest.mark.parametrize("kind", sorted(REPORTS))
@pytest.mark.parametrize("who", ["member", "manager"])
def test_every_report_of_huge_meals_answers(two_huge_meals, request, api_client_for, kind, who):
    response = api_client_for(request.getfixturevalue(who)).get(reverse("reports_api:report", args=[kind]))

    assert response.status_code == HTTPStatus.OK, response.content


@pytest.mark.parametrize("file_format", ["csv", "json", "xlsx"])
def test_exports_of_huge_meals_answer(two_huge_meals, member, api_client_for, file_format):
    response = api_client_for(member).get(reverse("reports_api:export-expenses", args=[file_format]))

    assert response.status_code == HTTPStatus.OK


def test_a_tiny_budget_against_huge_meals_answers(two_huge_meals, member, api_client_for):
    for meal in two_huge_meals:
        meal.occurred_at = timezone.now()
        meal.save()
    BudgetFactory(user=member, amount=Decimal("0.01"))

    response = api_client_for(member).get(reverse("reports_api:budget-list"))

    assert response.status_code == HTTPStatus.OK, response.content
