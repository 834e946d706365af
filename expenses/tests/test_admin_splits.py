"""The back office shows items, shares and settlements read-only, scoped like the pages."""

from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse

from expenses.choices import ExpenseStatus
from expenses.models import Settlement
from expenses.services.splits import expense_split, settlement_record
from expenses.tests.split_factories import dinner_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def settlement(member, manager):
    dinner = dinner_with(manager, member)
    expense_split(expense=dinner, actor=manager, method="even")
    return settlement_record(payer=member, payee=manager, amount=Decimal("5.00"), currency="USD", recorded_by=member)


def test_an_admin_reads_a_settlement_but_cannot_change_or_delete_it(site_admin, settlement, web_client_for):
    client = web_client_for(site_admin)

    page = client.get(reverse("admin:expenses_settlement_change", args=[settlement.pk]))
    delete = client.post(reverse("admin:expenses_settlement_delete", args=[settlement.pk]), {"post": "yes"})
    add = client.get(reverse("admin:expenses_settlement_add"))

    assert page.status_code == HTTPStatus.OK
    assert b'name="_save"' not in page.content
    assert delete.status_code == HTTPStatus.FORBIDDEN
    assert add.status_code == HTTPStatus.FORBIDDEN
    assert Settlement.objects.filter(pk=settlement.pk).exists()


def test_a_manager_sees_only_settlements_they_paid_or_received(other_manager, manager, settlement, web_client_for):
    listed = web_client_for(manager).get(reverse("admin:expenses_settlement_changelist")).context["cl"].result_list
    hidden = web_client_for(other_manager).get(reverse("admin:expenses_settlement_changelist"))

    assert [s.pk for s in listed] == [settlement.pk]
    assert list(hidden.context["cl"].result_list) == []


def test_a_manager_sees_shares_of_a_team_meal_only_once_submitted(manager, member, teammate, web_client_for):
    dinner = dinner_with(member, teammate, is_business=True, status=ExpenseStatus.DRAFT)
    expense_split(expense=dinner, actor=member, method="even")
    url = reverse("admin:expenses_share_changelist")

    before = web_client_for(manager).get(url).context["cl"].result_list
    dinner.status = ExpenseStatus.SUBMITTED
    dinner.save()
    after = web_client_for(manager).get(url).context["cl"].result_list

    assert list(before) == []
    assert len(after) == 2
