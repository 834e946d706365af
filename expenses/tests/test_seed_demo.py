from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Team, User
from expenses.models import ApprovalEvent, Expense, Restaurant

pytestmark = pytest.mark.django_db


def counts():
    return {model.__name__: model.objects.count() for model in (User, Team, Restaurant, Expense, ApprovalEvent)}


def test_seed_demo_twice_leaves_the_same_counts():
    out = StringIO()
    call_command("seed_demo", "--expenses", "40", "--no-progress", stdout=out)
    first = counts()
    call_command("seed_demo", "--expenses", "40", "--no-progress", stdout=StringIO())
    assert counts() == first
    assert first["Expense"] == 120
    assert "manager@demo.mealtracker.test" in out.getvalue()


def test_seed_demo_gives_the_manager_submitted_team_expenses_to_approve():
    call_command("seed_demo", "--expenses", "60", "--no-progress", stdout=StringIO())
    manager = User.objects.get(email="manager@demo.mealtracker.test")
    waiting = Expense.objects.filter(status="submitted", owner__team__managers=manager).exclude(owner=manager)
    assert waiting.exists()
    assert User.objects.get(email="alice@demo.mealtracker.test").check_password("Demo-meals-2026")


def test_seed_demo_scales_up_on_request():
    call_command("seed_demo", "--expenses", "10", "--no-progress", stdout=StringIO())
    call_command("seed_demo", "--expenses", "25", "--no-progress", stdout=StringIO())
    assert Expense.objects.count() == 75
