"""A split or a settlement tells both people's open pages that their balance moved, once it is committed."""

from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse

from expenses.services import splits
from expenses.tests.split_factories import dinner_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def pushes(monkeypatch):
    sent = []
    monkeypatch.setattr(splits, "push", lambda user_ids, event: sent.append((set(user_ids), event)))
    return sent


def test_splitting_a_meal_tells_the_payer_and_the_colleague(
    member, teammate, outsider, pushes, django_capture_on_commit_callbacks
):
    dinner = dinner_with(member, teammate, guests=["Ann Lee"], amount="90.00", tax="0", tip="0")
    with django_capture_on_commit_callbacks(execute=True):
        splits.expense_split(expense=dinner, actor=member, method="even")
    assert pushes == [({member.pk, teammate.pk}, {"event": "balance.changed", "expense": dinner.pk})]


def test_nothing_is_pushed_before_the_split_commits(member, teammate, pushes, django_capture_on_commit_callbacks):
    dinner = dinner_with(member, teammate, amount="90.00", tax="0", tip="0")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        splits.expense_split(expense=dinner, actor=member, method="even")
    assert pushes == []
    for callback in callbacks:
        callback()
    assert pushes[0][0] == {member.pk, teammate.pk}


def test_a_colleague_dropped_from_a_split_is_told_too(member, teammate, pushes, django_capture_on_commit_callbacks):
    dinner = dinner_with(member, teammate, amount="90.00", tax="0", tip="0")
    splits.expense_split(expense=dinner, actor=member, method="even")
    with django_capture_on_commit_callbacks(execute=True):
        splits.expense_split(expense=dinner, actor=member, method="even", people=["owner"])
    assert pushes[-1][0] == {member.pk, teammate.pk}


def test_removing_a_split_tells_everyone_who_had_a_share(member, teammate, pushes, django_capture_on_commit_callbacks):
    dinner = dinner_with(member, teammate, amount="90.00", tax="0", tip="0")
    splits.expense_split(expense=dinner, actor=member, method="even")
    with django_capture_on_commit_callbacks(execute=True):
        splits.split_remove(expense=dinner, actor=member)
    assert pushes[-1] == ({member.pk, teammate.pk}, {"event": "balance.changed", "expense": dinner.pk})


def test_a_settlement_tells_the_payer_and_the_payee(member, teammate, pushes, django_capture_on_commit_callbacks):
    dinner = dinner_with(member, teammate, amount="90.00", tax="0", tip="0")
    splits.expense_split(expense=dinner, actor=member, method="even")
    with django_capture_on_commit_callbacks(execute=True):
        splits.settlement_record(
            payer=teammate, payee=member, amount=Decimal("45.00"), currency="USD", recorded_by=teammate
        )
    assert pushes[-1] == ({member.pk, teammate.pk}, {"event": "balance.changed", "expense": None})


def test_the_balances_pages_mark_what_a_live_update_refreshes(web_client_for, member, teammate):
    dinner = dinner_with(member, teammate, amount="90.00", tax="0", tip="0")
    splits.expense_split(expense=dinner, actor=member, method="even")
    client = web_client_for(member)
    balances = client.get(reverse("balances"))
    assert balances.status_code == HTTPStatus.OK
    assert 'data-live-region="balances"' in balances.content.decode()
    with_teammate = client.get(reverse("balance_with", args=[teammate.pk])).content.decode()
    assert 'data-live-region="balance"' in with_teammate
    assert 'data-live-region="balance-details"' in with_teammate
