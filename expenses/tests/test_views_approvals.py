"""The manager's approvals queue and team list: one click to decide, only the team's expenses."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from expenses.choices import ExpenseStatus
from expenses.models import ApprovalEvent
from expenses.tests.factories import ExpenseFactory, ReceiptFactory

pytestmark = pytest.mark.django_db


def submitted(owner, **fields):
    return ExpenseFactory(owner=owner, business=True, status=ExpenseStatus.SUBMITTED, **fields)


@pytest.mark.parametrize("rows", [1, 50])
def test_approval_queue_runs_a_constant_number_of_queries(
    web_client_for, manager, member, django_assert_max_num_queries, rows
):
    for _ in range(rows):
        ReceiptFactory(expense=submitted(member))
    client = web_client_for(manager)

    # The seventh counts every meal waiting, once they are more than a page of cards.
    with django_assert_max_num_queries(7):
        response = client.get(reverse("approval_queue"))

    assert response.status_code == HTTPStatus.OK


def test_approval_queue_lists_the_teams_submitted_expenses_only(web_client_for, manager, member, outsider):
    mine = submitted(member, business_purpose="Acme pitch")
    submitted(outsider, business_purpose="Other team pitch")

    response = web_client_for(manager).get(reverse("approval_queue"))

    assert [e.pk for e in response.context["expenses"]] == [mine.pk]
    assert "Other team pitch" not in response.text


def test_approval_queue_shows_the_receipt_preview(web_client_for, manager, member):
    receipt = ReceiptFactory(expense=submitted(member))

    response = web_client_for(manager).get(reverse("approval_queue"))

    assert reverse("receipt_file", args=[receipt.expense_id, receipt.pk]) in response.text


def test_a_member_cannot_open_the_approval_queue(web_client_for, member):
    response = web_client_for(member).get(reverse("approval_queue"))

    assert response.status_code == HTTPStatus.FORBIDDEN


def test_manager_approves_with_one_click(web_client_for, manager, member):
    expense = submitted(member)

    response = web_client_for(manager).post(reverse("expense_approve", args=[expense.pk]), {"comment": "Fine"})

    expense.refresh_from_db()
    assert response.status_code == HTTPStatus.FOUND
    assert expense.status == ExpenseStatus.APPROVED
    assert ApprovalEvent.objects.get(expense=expense, to_status=ExpenseStatus.APPROVED).comment == "Fine"


def test_approving_through_htmx_returns_the_updated_card(web_client_for, manager, member):
    expense = submitted(member)

    response = web_client_for(manager).post(
        reverse("expense_approve", args=[expense.pk]), {"comment": ""}, headers={"HX-Request": "true"}
    )

    assert response.status_code == HTTPStatus.OK
    assert "Approved." in response.text
    assert "<html" not in response.text


def test_rejecting_without_a_comment_explains_why_and_changes_nothing(web_client_for, manager, member):
    expense = submitted(member)

    response = web_client_for(manager).post(
        reverse("expense_reject", args=[expense.pk]), {"comment": ""}, headers={"HX-Request": "true"}
    )

    expense.refresh_from_db()
    assert "Say why the expense is rejected." in response.text
    assert expense.status == ExpenseStatus.SUBMITTED


def test_rejecting_with_a_comment_sends_it_back(web_client_for, manager, member):
    expense = submitted(member)

    web_client_for(manager).post(reverse("expense_reject", args=[expense.pk]), {"comment": "Missing receipt"})

    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.REJECTED


def test_a_manager_cannot_approve_their_own_expense(web_client_for, manager):
    expense = submitted(manager)

    web_client_for(manager).post(reverse("expense_approve", args=[expense.pk]))

    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.SUBMITTED


def test_a_member_cannot_approve_a_teammates_expense(web_client_for, member, teammate):
    expense = submitted(teammate)

    response = web_client_for(member).post(reverse("expense_approve", args=[expense.pk]))

    expense.refresh_from_db()
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert expense.status == ExpenseStatus.SUBMITTED


def test_another_teams_manager_cannot_approve(web_client_for, other_manager, member):
    expense = submitted(member)

    response = web_client_for(other_manager).post(reverse("expense_approve", args=[expense.pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("rows", [1, 50])
def test_team_expense_list_runs_a_constant_number_of_queries(
    web_client_for, manager, member, django_assert_max_num_queries, rows
):
    ExpenseFactory.create_batch(rows, owner=member)
    client = web_client_for(manager)

    # The session, the user, the filter pick lists (one UNION), the team's people, the page, its tags, its total and
    # the navbar's approvals count (whether the user reviews, the team's people, the count); never more with more rows.
    with django_assert_max_num_queries(10):
        response = client.get(reverse("team_expense_list"))

    assert response.status_code == HTTPStatus.OK


def test_team_expense_list_shows_the_team_but_not_other_teams(web_client_for, manager, member, outsider):
    ours, theirs = ExpenseFactory(owner=member), ExpenseFactory(owner=outsider)

    response = web_client_for(manager).get(reverse("team_expense_list"))

    shown = {e.pk for e in response.context["expenses"]}
    assert ours.pk in shown
    assert theirs.pk not in shown


def test_a_member_cannot_open_the_team_list(web_client_for, member):
    response = web_client_for(member).get(reverse("team_expense_list"))

    assert response.status_code == HTTPStatus.FORBIDDEN


def test_a_long_queue_comes_a_page_of_cards_at_a_time(web_client_for, manager, member):
    base = timezone.now() - datetime.timedelta(days=40)
    waiting = [submitted(member, occurred_at=base + datetime.timedelta(hours=n)) for n in range(30)]
    client = web_client_for(manager)

    first = client.get(reverse("approval_queue"))
    second = client.get(reverse("approval_queue"), {"page": 2}, HTTP_HX_REQUEST="true")

    shown = [e.pk for e in first.context["expenses"]] + [e.pk for e in second.context["expenses"]]
    assert shown == [e.pk for e in waiting]  # oldest first, each once
    assert 'data-testid="queue-count">30<' in first.text
    assert 'data-testid="approvals-count">30<' in first.text
    assert first.text.count('<article class="approval card') == 25
    assert 'hx-get="?page=2"' in first.text
    assert "Select all shown" in first.text
    assert second.text.count('<article class="approval card') == 5
    assert "Load more" not in second.text
    assert "<h1" not in second.text
