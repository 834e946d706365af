"""A rejected meal tells its owner why at the top of its page."""

import pytest
from django.urls import reverse

from expenses import services
from expenses.choices import ExpenseStatus
from expenses.tests.factories import ExpenseFactory

pytestmark = pytest.mark.django_db


def test_the_owner_sees_the_rejection_reason_above_the_meal(web_client_for, manager, member):
    expense = ExpenseFactory(owner=member, business=True, status=ExpenseStatus.SUBMITTED)
    services.expense_reject(expense=expense, actor=manager, comment="Attach the itemised receipt")

    text = web_client_for(member).get(reverse("expense_detail", args=[expense.pk])).text

    banner = text.index('data-testid="rejection"')
    assert banner < text.index("<h1")
    assert "Attach the itemised receipt" in text[banner : text.index("<h1")]


def test_a_resubmitted_meal_no_longer_shows_the_old_rejection(web_client_for, manager, member):
    expense = ExpenseFactory(owner=member, business=True, status=ExpenseStatus.SUBMITTED)
    expense = services.expense_reject(expense=expense, actor=manager, comment="Wrong project code")
    services.expense_submit(expense=expense, actor=member)

    text = web_client_for(member).get(reverse("expense_detail", args=[expense.pk])).text

    assert 'data-testid="rejection"' not in text
