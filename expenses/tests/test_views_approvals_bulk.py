"""The approvals queue: sorted newest or oldest first, counted, several meals approved in one action."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from expenses.choices import ExpenseStatus
from expenses.models import ApprovalEvent
from expenses.tests.factories import ExpenseFactory

pytestmark = pytest.mark.django_db


def submitted(owner, days_ago=0, **fields):
    when = timezone.now() - datetime.timedelta(days=days_ago)
    return ExpenseFactory(owner=owner, business=True, status=ExpenseStatus.SUBMITTED, occurred_at=when, **fields)


def test_the_queue_lists_the_oldest_meal_first_unless_asked_for_the_newest(web_client_for, manager, member):
    old, new = submitted(member, days_ago=10), submitted(member, days_ago=1)
    client = web_client_for(manager)

    oldest_first = client.get(reverse("approval_queue"))
    newest_first = client.get(reverse("approval_queue"), {"sort": "newest"})

    assert [e.pk for e in oldest_first.context["expenses"]] == [old.pk, new.pk]
    assert [e.pk for e in newest_first.context["expenses"]] == [new.pk, old.pk]


def test_the_queue_and_the_navigation_count_the_meals_waiting(web_client_for, manager, member):
    submitted(member)
    submitted(member)

    response = web_client_for(manager).get(reverse("approval_queue"))

    assert '<span class="badge rounded-pill text-bg-secondary align-middle" data-testid="queue-count">2</span>' in (
        response.text
    )
    assert 'data-testid="approvals-count">2<' in response.text


def test_the_navigation_counts_waiting_meals_on_every_page_of_a_manager(web_client_for, manager, member):
    submitted(member)

    response = web_client_for(manager).get(reverse("expense_list"))

    assert 'data-testid="approvals-count">1<' in response.text


def test_a_member_has_no_approvals_entry(web_client_for, member):
    response = web_client_for(member).get(reverse("home"))

    assert reverse("approval_queue") not in response.text


def test_approving_several_meals_records_each_decision(web_client_for, manager, member, teammate):
    first, second = submitted(member), submitted(teammate)

    response = web_client_for(manager).post(
        reverse("approvals_approve_selected"), {"expense": [first.pk, second.pk], "sort": "newest"}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("approval_queue") + "?sort=newest"
    for expense in (first, second):
        expense.refresh_from_db()
        assert expense.status == ExpenseStatus.APPROVED
        assert ApprovalEvent.objects.filter(expense=expense, to_status=ExpenseStatus.APPROVED, actor=manager).exists()


def test_approving_several_skips_and_names_the_meals_not_waiting_for_this_manager(
    web_client_for, manager, member, outsider
):
    mine = submitted(manager)
    foreign = submitted(outsider)
    done = ExpenseFactory(owner=member, business=True, status=ExpenseStatus.APPROVED)
    waiting = submitted(member)

    response = web_client_for(manager).post(
        reverse("approvals_approve_selected"), {"expense": [mine.pk, foreign.pk, done.pk, waiting.pk]}, follow=True
    )

    text = response.content.decode()
    assert "Approved 1 meal." in text
    for refused in (mine, foreign, done):
        assert f"#{refused.pk}: no longer waiting for your decision" in text
        refused.refresh_from_db()
        assert refused.status != ExpenseStatus.APPROVED or refused == done
    waiting.refresh_from_db()
    assert waiting.status == ExpenseStatus.APPROVED


def test_approving_nothing_says_to_tick_meals_first(web_client_for, manager):
    response = web_client_for(manager).post(reverse("approvals_approve_selected"), {}, follow=True)

    assert "Tick the meals to approve first." in response.content.decode()


def test_a_member_cannot_approve_several(web_client_for, member, teammate):
    expense = submitted(teammate)

    response = web_client_for(member).post(reverse("approvals_approve_selected"), {"expense": [expense.pk]})

    assert response.status_code == HTTPStatus.FORBIDDEN
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.SUBMITTED
