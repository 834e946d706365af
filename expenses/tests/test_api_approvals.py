"""The approval workflow through the API: legal transitions write ApprovalEvents, illegal ones are a 409."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from expenses.choices import ExpenseStatus
from expenses.models import ApprovalEvent
from expenses.tests.factories import ExpenseFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def step(client, expense, action, **body):
    return client.post(reverse(f"expenses_api:expense-{action}", kwargs={"pk": expense.pk}), body)


def test_member_submits_and_manager_approves_with_an_audit_trail(member, manager, api_client_for):
    expense = ExpenseFactory(owner=member, business=True)

    submitted = step(api_client_for(member), expense, "submit", comment="Client lunch")
    approved = step(api_client_for(manager), expense, "approve")

    assert (submitted.status_code, approved.status_code) == (HTTPStatus.OK, HTTPStatus.OK)
    assert approved.json()["status"] == ExpenseStatus.APPROVED
    trail = list(ApprovalEvent.objects.filter(expense=expense).values_list("actor", "from_status", "to_status"))
    assert trail == [(member.pk, "draft", "submitted"), (manager.pk, "submitted", "approved")]


def test_events_endpoint_lists_the_trail(member, manager, api_client_for):
    expense = ExpenseFactory(owner=member, business=True)
    step(api_client_for(member), expense, "submit")

    response = api_client_for(manager).get(reverse("expenses_api:expense-events", kwargs={"pk": expense.pk}))

    assert [(e["actor"], e["to_status"]) for e in response.json()] == [(member.email, "submitted")]


def test_reject_needs_a_comment(member, manager, api_client_for):
    expense = ExpenseFactory(owner=member, business=True, status=ExpenseStatus.SUBMITTED)

    response = step(api_client_for(manager), expense, "reject")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "comment" in response.json()["errors"]


def test_rejected_expense_goes_back_to_the_owner_with_the_reason(member, manager, api_client_for):
    expense = ExpenseFactory(owner=member, business=True, status=ExpenseStatus.SUBMITTED)

    response = step(api_client_for(manager), expense, "reject", comment="Attach the receipt.")

    assert response.json()["status"] == ExpenseStatus.REJECTED
    assert ApprovalEvent.objects.get(expense=expense).comment == "Attach the receipt."


def test_approved_expense_is_reimbursed(member, manager, api_client_for):
    expense = ExpenseFactory(owner=member, business=True, status=ExpenseStatus.APPROVED)

    response = step(api_client_for(manager), expense, "reimburse")

    assert response.json()["status"] == ExpenseStatus.REIMBURSED


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (ExpenseStatus.DRAFT, "approve"),
        (ExpenseStatus.DRAFT, "reimburse"),
        (ExpenseStatus.APPROVED, "reject"),
        (ExpenseStatus.REIMBURSED, "approve"),
        (ExpenseStatus.SUBMITTED, "reimburse"),
    ],
)
def test_illegal_transition_is_a_409_and_changes_nothing(status, action, member, manager, api_client_for):
    expense = ExpenseFactory(owner=member, business=True, status=status)

    response = step(api_client_for(manager), expense, action, comment="why not")

    assert response.status_code == HTTPStatus.CONFLICT
    assert response["Content-Type"] == "application/problem+json"
    expense.refresh_from_db()
    assert expense.status == status
    assert not ApprovalEvent.objects.exists()


def test_submitting_twice_is_a_409(member, api_client_for):
    expense = ExpenseFactory(owner=member, business=True, status=ExpenseStatus.SUBMITTED)

    assert step(api_client_for(member), expense, "submit").status_code == HTTPStatus.CONFLICT


def test_personal_meal_cannot_be_submitted(member, api_client_for):
    expense = ExpenseFactory(owner=member)

    assert step(api_client_for(member), expense, "submit").status_code == HTTPStatus.CONFLICT


def test_manager_cannot_approve_own_expense(manager, api_client_for):
    expense = ExpenseFactory(owner=manager, business=True, status=ExpenseStatus.SUBMITTED)

    response = step(api_client_for(manager), expense, "approve")

    assert response.status_code == HTTPStatus.FORBIDDEN
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.SUBMITTED


def test_manager_of_another_team_cannot_see_the_expense_to_approve(member, other_manager, api_client_for):
    expense = ExpenseFactory(owner=member, business=True, status=ExpenseStatus.SUBMITTED)

    assert step(api_client_for(other_manager), expense, "approve").status_code == HTTPStatus.NOT_FOUND
