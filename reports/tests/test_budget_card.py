"""The dashboard's budgets card (`{% budgets_with_progress %}`) lists what budgets_visible_to lists, in id order, with
the same progress, names and owners, for a member, a manager and an admin, in two queries whatever the budgets."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.template.loader import get_template
from django.utils import timezone

from expenses.tests.factories import CategoryFactory, ExpenseFactory
from reports.models import BudgetPeriod
from reports.services.budgets import budget_progress, budgets_visible_to
from reports.templatetags.reports_tags import budgets_with_progress
from reports.tests.factories import BudgetFactory

pytestmark = pytest.mark.django_db


def as_shown(items):
    return [
        (
            item["budget"].pk,
            str(item["budget"]),
            str(item["budget"].team) if item["budget"].team_id else None,
            item["budget"].category.name if item["budget"].category_id else None,
            item["budget"].user.pk if item["budget"].user_id else None,
            item["progress"],
        )
        for item in items
    ]


def every_column_in_model_order(user):
    budgets = list(budgets_visible_to(user))
    progress = budget_progress(budgets)
    return [{"budget": budget, "progress": progress[budget.pk]} for budget in budgets]


@pytest.fixture
def budgets(member, manager, outsider, team_a, team_b):
    mine = CategoryFactory(owner=member, name="Lunch")
    theirs = CategoryFactory(owner=manager, name="Lunch")
    made = [
        BudgetFactory(user=None, team=team_a, category=theirs, created_by=manager, amount=Decimal("900.00")),
        BudgetFactory(user=member, category=mine, name="Lunches", amount=Decimal("80.00")),
        BudgetFactory(user=member, period=BudgetPeriod.WEEK, amount=Decimal("40.00")),
        BudgetFactory(user=manager, amount=Decimal("500.00")),
        BudgetFactory(user=None, team=team_b, created_by=manager, amount=Decimal("300.00")),
        BudgetFactory(user=outsider, amount=Decimal("70.00")),
    ]
    now = timezone.now()
    for owner, amount, category in ((member, "30.00", mine), (member, "12.50", None), (manager, "45.00", theirs)):
        ExpenseFactory(owner=owner, amount=Decimal(amount), tax=0, tip=0, occurred_at=now, category=category)
    return made


@pytest.mark.parametrize("who", ["member", "manager", "site_admin"])
def test_budget_card_lists_the_visible_budgets_as_before(request, budgets, who, django_assert_num_queries):
    user = request.getfixturevalue(who)

    with django_assert_num_queries(2):  # the budgets with their teams and categories, then one aggregate
        items = budgets_with_progress(user)
        shown = as_shown(items)

    assert shown == as_shown(every_column_in_model_order(user))
    assert [pk for pk, *_ in shown] == sorted(pk for pk, *_ in shown)
    assert len(shown) >= 2


def test_budget_card_renders_the_same_markup(member, budgets):
    source = get_template("reports/_budget_progress.html").template.source
    tag = "{% budgets_with_progress user as budget_items %}"
    assert tag in source
    old = Template(source.replace(tag, "")).render(Context({"budget_items": every_column_in_model_order(member)}))

    rendered = get_template("reports/_budget_progress.html").render({"user": member})

    assert rendered == old
    assert "Lunches · Lunch" in rendered
    assert "$30.00 of $80.00 (37.5%)" in rendered
    assert "Team A · Lunch" in rendered


def test_no_budget_card_for_an_anonymous_visitor():
    from django.contrib.auth.models import AnonymousUser

    assert budgets_with_progress(AnonymousUser()) == []
