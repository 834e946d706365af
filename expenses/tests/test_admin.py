from http import HTTPStatus

import pytest
from django.urls import reverse

from expenses.choices import ExpenseStatus
from expenses.models import ApprovalEvent
from expenses.tests.factories import ExpenseFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:expenses_expense_changelist")


def submitted(owner):
    return ExpenseFactory(owner=owner, business=True, status=ExpenseStatus.SUBMITTED)


def run_action(client, action, expenses, **extra):
    data = {"action": action, "_selected_action": [e.pk for e in expenses], **extra}
    return client.post(CHANGELIST, data, follow=True)


def test_manager_sees_own_team_expenses_only(web_client_for, manager, member, outsider):
    mine, teams, others = ExpenseFactory(owner=manager), ExpenseFactory(owner=member), ExpenseFactory(owner=outsider)
    response = web_client_for(manager).get(CHANGELIST)
    shown = {row.pk for row in response.context["cl"].result_list}
    assert shown == {mine.pk, teams.pk}
    assert others.pk not in shown


def test_manager_cannot_open_another_teams_expense(web_client_for, manager, outsider):
    expense = ExpenseFactory(owner=outsider, notes="secret client name")
    response = web_client_for(manager).get(reverse("admin:expenses_expense_change", args=[expense.pk]), follow=True)
    assert b"secret client name" not in response.content
    assert response.redirect_chain  # sent back to the admin index: "doesn't exist"


def test_manager_approves_a_team_members_submitted_expense(web_client_for, manager, member):
    expense = submitted(member)
    response = run_action(web_client_for(manager), "approve_selected", [expense])
    assert response.status_code == HTTPStatus.OK
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.APPROVED
    event = ApprovalEvent.objects.get(expense=expense)
    assert (event.actor, event.from_status, event.to_status) == (manager, "submitted", "approved")


def test_manager_cannot_approve_own_expense_in_admin(web_client_for, manager):
    expense = submitted(manager)
    run_action(web_client_for(manager), "approve_selected", [expense])
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.SUBMITTED
    assert not ApprovalEvent.objects.exists()


def test_manager_cannot_approve_another_teams_expense_by_posting_its_id(web_client_for, manager, outsider):
    expense = submitted(outsider)
    run_action(web_client_for(manager), "approve_selected", [expense])
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.SUBMITTED


def test_reject_asks_for_a_reason_then_records_it(web_client_for, manager, member):
    expense = submitted(member)
    client = web_client_for(manager)
    page = run_action(client, "reject_selected", [expense])
    assert b"Tell the owner why" in page.content
    run_action(client, "reject_selected", [expense], comment="Missing itemised receipt")
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.REJECTED
    assert ApprovalEvent.objects.get(expense=expense).comment == "Missing itemised receipt"


def test_admin_sees_and_approves_any_team(web_client_for, site_admin, member, outsider):
    expenses = [submitted(member), submitted(outsider)]
    client = web_client_for(site_admin)
    shown = {row.pk for row in client.get(CHANGELIST).context["cl"].result_list}
    assert {e.pk for e in expenses} <= shown
    run_action(client, "approve_selected", expenses)
    for expense in expenses:
        expense.refresh_from_db()
        assert expense.status == ExpenseStatus.APPROVED


def test_member_cannot_use_the_admin(web_client_for, member):
    response = web_client_for(member).get(CHANGELIST)
    assert response.status_code == HTTPStatus.FOUND
    assert reverse("admin:login") in response["Location"]


def test_manager_cannot_change_expenses_or_see_user_admin(web_client_for, manager, member):
    client = web_client_for(manager)
    expense = ExpenseFactory(owner=member)
    page = client.get(reverse("admin:expenses_expense_change", args=[expense.pk]))
    assert page.status_code == HTTPStatus.OK
    assert b'name="_save"' not in page.content  # view-only
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == HTTPStatus.FORBIDDEN


def test_admin_expense_list_runs_a_fixed_number_of_queries(web_client_for, site_admin, django_assert_max_num_queries):
    client = web_client_for(site_admin)
    ExpenseFactory.create_batch(2)
    with django_assert_max_num_queries(12) as few:
        client.get(CHANGELIST)
    ExpenseFactory.create_batch(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(CHANGELIST)


@pytest.mark.parametrize(
    "name",
    [
        "accounts_user", "accounts_team", "expenses_expense", "expenses_restaurant", "expenses_merchant",
        "expenses_category", "expenses_tag", "expenses_receipt", "expenses_approvalevent", "expenses_exchangerate",
    ],
)  # fmt: skip
def test_admin_changelist_of_every_model_opens(web_client_for, site_admin, name):
    assert web_client_for(site_admin).get(reverse(f"admin:{name}_changelist")).status_code == HTTPStatus.OK
