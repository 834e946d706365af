"""Approvals that fit real policies: finance approves second where the team asks, nobody approves their own meal
or both steps, delegates decide for an away manager on the delegation's dates only, reminders reach the approver."""

import datetime
import io
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.delegations import delegation_create
from accounts.tests.factories import AdminFactory, AuditorFactory, FinanceFactory, ManagerFactory
from expenses.approval_chain import approval_chain
from expenses.choices import ExpenseStatus
from expenses.models import ApprovalEvent, Expense
from expenses.services import expense_approve, expense_reject, expense_submit
from expenses.services.reminders import approval_reminders_send
from expenses.tests.factories import CategoryFactory, ExpenseFactory
from mealtracker.errors import DomainError, NotAllowed


@pytest.fixture
def finance(db):
    return FinanceFactory(email="finance@example.com")


def submitted(owner, **fields):
    expense = ExpenseFactory(owner=owner, business=True, **fields)
    return expense_submit(expense=expense, actor=owner)


def test_meal_above_the_teams_limit_waits_for_finance(member, manager, finance, team_a):
    team_a.second_approval_above = Decimal("100")
    team_a.save()
    expense = submitted(member, amount=Decimal("150.00"))

    first = expense_approve(expense=expense, actor=manager)
    second = expense_approve(expense=first, actor=finance)

    assert (first.status, second.status) == (ExpenseStatus.SECOND_REVIEW, ExpenseStatus.APPROVED)
    chain = approval_chain(second)
    assert [(step.label, step.state, step.actor) for step in chain] == [
        ("Manager", "approved", manager),
        ("Finance", "approved", finance),
    ]


def test_meal_under_the_limit_needs_one_approval(member, manager, team_a):
    team_a.second_approval_above = Decimal("100")
    team_a.save()

    approved = expense_approve(expense=submitted(member, amount=Decimal("30.00")), actor=manager)

    assert approved.status == ExpenseStatus.APPROVED


def test_categories_named_by_the_team_need_finance(member, manager, team_a):
    team_a.second_approval_categories = "Gifts, Team outings"
    team_a.save()
    outings = CategoryFactory(owner=member, name="team Outings")

    first = expense_approve(expense=submitted(member, category=outings), actor=manager)

    assert first.status == ExpenseStatus.SECOND_REVIEW


def test_nobody_approves_their_own_meal(manager, team_a):
    expense = submitted(manager)

    with pytest.raises(NotAllowed) as refused:
        expense_approve(expense=expense, actor=manager)

    assert refused.value.code == "own_expense"


def test_the_same_person_cannot_approve_both_steps(member, team_a):
    team_a.second_approval_above = Decimal("10")
    team_a.save()
    admin = AdminFactory()
    first = expense_approve(expense=submitted(member), actor=admin)

    with pytest.raises(NotAllowed) as refused:
        expense_approve(expense=first, actor=admin)

    assert refused.value.code == "same_approver"
    assert Expense.objects.get(pk=first.pk).status == ExpenseStatus.SECOND_REVIEW


def test_finance_does_not_take_the_managers_step(member, finance):
    with pytest.raises(NotAllowed):
        expense_approve(expense=submitted(member), actor=finance)


def test_finance_may_reject_at_the_second_step_with_a_reason(member, manager, finance, team_a):
    team_a.second_approval_above = Decimal("10")
    team_a.save()
    first = expense_approve(expense=submitted(member), actor=manager)

    with pytest.raises(DomainError):
        expense_reject(expense=first, actor=finance, comment=" ")
    rejected = expense_reject(expense=first, actor=finance, comment="Over the client budget")

    assert rejected.status == ExpenseStatus.REJECTED


def test_delegate_decides_for_the_away_manager_on_the_delegations_dates(member, manager, other_manager):
    today = timezone.localdate()
    delegation_create(manager=manager, delegate=other_manager, starts_on=today, ends_on=today)

    approved = expense_approve(expense=submitted(member), actor=other_manager)

    event = ApprovalEvent.objects.get(expense=approved, to_status=ExpenseStatus.APPROVED)
    assert (event.actor, event.on_behalf_of) == (other_manager, manager)


def test_delegation_outside_its_dates_gives_no_rights(member, manager, other_manager):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    delegation_create(manager=manager, delegate=other_manager, starts_on=tomorrow, ends_on=tomorrow)

    with pytest.raises(NotAllowed):
        expense_approve(expense=submitted(member), actor=other_manager)


def test_delegation_needs_another_manager_and_ordered_dates(manager, member):
    today = timezone.localdate()
    with pytest.raises(DomainError) as to_member:
        delegation_create(manager=manager, delegate=member, starts_on=today, ends_on=today)
    with pytest.raises(DomainError) as backwards:
        delegation_create(
            manager=manager, delegate=ManagerFactory(), starts_on=today, ends_on=today - datetime.timedelta(days=1)
        )

    assert (to_member.value.field, backwards.value.field) == ("delegate", "ends_on")


def test_delegation_through_the_api(manager, other_manager, api_client_for):
    response = api_client_for(manager).post(
        reverse("accounts_api:delegation-list"),
        {"delegate": other_manager.email, "starts_on": "2026-07-01", "ends_on": "2026-07-14"},
        format="json",
    )

    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["manager"] == manager.email


def test_reminders_reach_managers_and_finance_for_meals_waiting_too_long(member, manager, finance, team_a):
    team_a.second_approval_above = Decimal("10")
    team_a.save()
    old = submitted(member)
    waiting_for_finance = expense_approve(expense=submitted(member), actor=manager)
    fresh = submitted(member)
    long_ago = timezone.now() - datetime.timedelta(days=5)
    ApprovalEvent.objects.filter(expense__in=[old, waiting_for_finance]).update(created_at=long_ago)

    reminders = {r.approver: r.expenses for r in approval_reminders_send(days=3, dry_run=True)}

    assert [e.pk for e in reminders[manager]] == [old.pk]
    assert [e.pk for e in reminders[finance]] == [waiting_for_finance.pk]
    assert fresh.pk not in {e.pk for expenses in reminders.values() for e in expenses}


def test_reminders_command_says_who_was_reminded(member, manager):
    expense = submitted(member)
    ApprovalEvent.objects.filter(expense=expense).update(created_at=timezone.now() - datetime.timedelta(days=9))
    out = io.StringIO()

    call_command("send_approval_reminders", "--days", "7", stdout=out)

    assert f"{manager.email}: 1 waiting" in out.getvalue()
    assert "1 approver(s) reminded." in out.getvalue()


def test_auditor_reads_the_team_and_changes_nothing(member, api_client_for):
    auditor = AuditorFactory()
    auditor.audited_teams.add(member.team)
    expense = submitted(member)
    client = api_client_for(auditor)

    read = client.get(reverse("expenses_api:expense-detail", kwargs={"pk": expense.pk}))
    approve = client.post(reverse("expenses_api:expense-approve", kwargs={"pk": expense.pk}))

    assert read.status_code == HTTPStatus.OK
    assert approve.status_code == HTTPStatus.FORBIDDEN


def test_auditor_cannot_write_on_web_pages(member, web_client_for):
    auditor = AuditorFactory()
    auditor.audited_teams.add(member.team)
    expense = submitted(member)

    response = web_client_for(auditor).post(reverse("expense_delete", kwargs={"pk": expense.pk}))

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert Expense.objects.filter(pk=expense.pk).exists()


def test_auditor_of_another_team_sees_nothing(member, outsider, api_client_for):
    auditor = AuditorFactory()
    auditor.audited_teams.add(outsider.team)
    expense = submitted(member)

    response = api_client_for(auditor).get(reverse("expenses_api:expense-detail", kwargs={"pk": expense.pk}))

    assert response.status_code == HTTPStatus.NOT_FOUND
