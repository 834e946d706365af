"""Finance hears when a manager's approval leaves a meal, or lines of a report, waiting for its second approval:
under the bell with a link to the item, and by e-mail as each finance user chose (instant, digest or none)."""

from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts.models import NotificationKind, NotificationPreferences
from accounts.tests.factories import FinanceFactory
from expenses.choices import ExpenseStatus
from expenses.models import Notification
from expenses.services import expense_submit
from expenses.services.expense_reports import report_create, report_submit
from expenses.tests.factories import ExpenseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance_team(db):
    """Two finance users (one reads e-mail in a daily digest) and one who has left."""
    instant = FinanceFactory(email="finance@example.com")
    digest = FinanceFactory(email="payables@example.com")
    NotificationPreferences.objects.create(user=digest, delivery="digest")
    FinanceFactory(email="left@example.com", is_active=False)
    return instant, digest


@pytest.fixture
def limit(team_a):
    team_a.second_approval_above = Decimal("100.00")
    team_a.save()


def submitted(owner, amount: str):
    expense = ExpenseFactory(owner=owner, business=True, amount=Decimal(amount), tax=0, tip=0)
    return expense_submit(expense=expense, actor=owner)


def finance_notifications():
    return Notification.objects.filter(kind=NotificationKind.SECOND_APPROVAL).order_by("recipient__email")


def test_a_meal_left_for_finance_tells_every_active_finance_user(
    member, manager, finance_team, limit, api_client_for, django_capture_on_commit_callbacks
):
    expense = submitted(member, "150.00")

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client_for(manager).post(reverse("expenses_api:expense-approve", kwargs={"pk": expense.pk}))

    assert response.status_code == HTTPStatus.OK
    assert response.json()["status"] == ExpenseStatus.SECOND_REVIEW
    told = finance_notifications()
    assert [n.recipient.email for n in told] == ["finance@example.com", "payables@example.com"]
    assert {n.link for n in told} == {reverse("expense_detail", args=[expense.pk])}
    assert all(n.expense_id == expense.pk and n.actor_id == manager.pk for n in told)
    assert "waits for finance's approval" in told[0].title
    instant, _ = finance_team
    instant.refresh_from_db()
    assert instant.unread_notifications == 1
    assert [m.to for m in mail.outbox] == [["finance@example.com"]]  # the digest reader waits for the digest


def test_the_digest_reader_gets_it_in_the_daily_digest(member, manager, finance_team, limit, api_client_for):
    expense = submitted(member, "150.00")
    api_client_for(manager).post(reverse("expenses_api:expense-approve", kwargs={"pk": expense.pk}))

    call_command("send_notification_digests")

    assert [m.to for m in mail.outbox] == [["payables@example.com"]]
    assert "waits for finance's approval" in mail.outbox[0].body
    assert reverse("expense_detail", args=[expense.pk]) in mail.outbox[0].body


def test_a_meal_approved_in_one_step_tells_finance_nothing(member, manager, finance_team, limit, api_client_for):
    expense = submitted(member, "40.00")

    response = api_client_for(manager).post(reverse("expenses_api:expense-approve", kwargs={"pk": expense.pk}))

    assert response.json()["status"] == ExpenseStatus.APPROVED
    assert not finance_notifications().exists()


def test_finances_own_decision_tells_finance_nothing_more(member, manager, finance_team, limit, api_client_for):
    expense = submitted(member, "150.00")
    api_client_for(manager).post(reverse("expenses_api:expense-approve", kwargs={"pk": expense.pk}))

    response = api_client_for(finance_team[0]).post(reverse("expenses_api:expense-approve", kwargs={"pk": expense.pk}))

    assert response.json()["status"] == ExpenseStatus.APPROVED
    assert finance_notifications().count() == 2


def test_a_reports_lines_left_for_finance_are_announced_once_per_finance_user(
    member, manager, finance_team, limit, api_client_for
):
    meals = [ExpenseFactory(owner=member, business=True, amount=Decimal(a), tax=0, tip=0) for a in
             ("150.00", "180.00", "30.00")]  # fmt: skip
    report = report_create(
        owner=member, title="March clients", purpose="Client meals", expense_ids=[m.pk for m in meals]
    )
    report_submit(report=report, actor=member)

    response = api_client_for(manager).post(reverse("expenses_api:report-approve", kwargs={"pk": report.pk}), {},
                                            format="json")  # fmt: skip

    assert response.status_code == HTTPStatus.OK, response.json()
    told = finance_notifications()
    assert [n.recipient.email for n in told] == ["finance@example.com", "payables@example.com"]
    assert {n.link for n in told} == {reverse("report_detail", args=[report.pk])}
    assert all(n.report_id == report.pk for n in told)
    assert '2 lines of the report "March clients"' in told[0].title
