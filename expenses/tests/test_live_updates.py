"""Product events reach the open pages of the people concerned, and nobody else's."""

import pytest

from accounts.tests.factories import ManagerFactory
from expenses import services
from expenses.services import events
from expenses.tests.factories import ExpenseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pushes(monkeypatch, settings):
    settings.REALTIME_BACKEND = "channels"
    sent = []
    monkeypatch.setattr(events, "push", lambda user_ids, event: sent.append((set(user_ids), event)))
    return sent


def business_meal(owner):
    return ExpenseFactory(owner=owner, business=True)


def recipients(pushes):
    return set().union(*(user_ids for user_ids, _ in pushes)) if pushes else set()


def test_submission_reaches_the_team_managers_and_the_owner_only(
    member, teammate, manager, outsider, other_manager, pushes, django_capture_on_commit_callbacks
):
    expense = business_meal(member)
    with django_capture_on_commit_callbacks(execute=True):
        services.expense_submit(expense=expense, actor=member)
    assert recipients(pushes) == {manager.pk, member.pk}
    assert pushes[-1][1] == {"event": "expense.submitted", "expense": expense.pk, "report": None, "status": "submitted"}


def test_nothing_is_pushed_before_the_change_commits(member, manager, pushes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.expense_submit(expense=business_meal(member), actor=member)
    assert pushes == []
    for callback in callbacks:
        callback()
    assert recipients(pushes) == {manager.pk, member.pk}


def test_decision_reaches_the_owner_and_the_other_approvers_queues(
    member, manager, team_a, outsider, pushes, django_capture_on_commit_callbacks
):
    second_manager = ManagerFactory(email="second.manager@example.com", team=team_a)
    team_a.managers.add(second_manager)
    expense = business_meal(member)
    services.expense_submit(expense=expense, actor=member)
    with django_capture_on_commit_callbacks(execute=True):
        services.expense_approve(expense=expense, actor=manager)
    approved = [(user_ids, event) for user_ids, event in pushes if event["event"] == "expense.approved"]
    assert approved[0][0] == {member.pk, manager.pk, second_manager.pk}
    assert approved[0][1]["status"] == "approved"
    assert outsider.pk not in recipients(pushes)


def test_a_push_that_fails_never_breaks_the_change(member, manager, settings, monkeypatch):
    from accounts import realtime

    settings.REALTIME_BACKEND = "channels"

    def broken_layer():
        raise ConnectionError("channel layer down")

    monkeypatch.setattr("channels.layers.get_channel_layer", broken_layer)
    realtime.push([member.pk], {"event": "expense.submitted"})  # logged, not raised
