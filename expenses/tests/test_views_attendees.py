"""Attendees, substantiation and the tip rate on the web: the meal form, its page and the approval queue."""

import datetime
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from expenses import services
from expenses.choices import ExpenseStatus
from expenses.models import Expense
from expenses.tests.factories import RestaurantFactory

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    return {
        "amount": "120.00",
        "currency": "USD",
        "occurred_at": (timezone.now() - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "meal_type": "dinner",
        "order_type": "dine_in",
        "party_size": "3",
        "tax": "8.00",
        "tip": "16.00",
        "is_business": "on",
        "business_purpose": "Renewal talk",
        **overrides,
    }


def business_dinner(owner, **fields):
    values = {
        "amount": Decimal("100.00"),
        "occurred_at": timezone.now() - datetime.timedelta(days=1),
        "is_business": True,
        "business_purpose": "Pitch",
        "restaurant": RestaurantFactory(owner=owner),
    }
    return services.expense_create(owner=owner, **{**values, **fields})


def test_the_form_offers_the_teams_colleagues_and_guest_rows(web_client_for, member, teammate, outsider):
    page = web_client_for(member).get(reverse("expense_create")).content.decode()

    assert f'name="attendees" value="{teammate.pk}"' in page
    assert f'name="attendees" value="{outsider.pk}"' not in page
    assert 'name="guest_1_relationship"' in page


def test_a_meal_is_saved_with_a_colleague_and_a_guest(web_client_for, member, teammate):
    data = form_data(
        attendees=[teammate.pk], guest_0_name="Ann Lee", guest_0_company="ACME", guest_0_relationship="client"
    )

    response = web_client_for(member).post(reverse("expense_create"), data)

    assert response.status_code == HTTPStatus.FOUND
    expense = Expense.objects.get(owner=member)
    assert list(expense.attendees.values_list("user_id", "name", "company", "relationship")) == [
        (teammate.pk, str(teammate), "", ""),
        (None, "Ann Lee", "ACME", "client"),
    ]


def test_a_party_too_small_for_its_people_shows_the_error_on_party_size(web_client_for, member):
    data = form_data(party_size="1", guest_0_name="Ann", guest_1_name="Bo")

    response = web_client_for(member).post(reverse("expense_create"), data)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "party_size" in response.context["form"].errors
    assert not Expense.objects.exists()


def test_editing_shows_the_guests_and_keeps_them(web_client_for, member):
    expense = business_dinner(member, attendees=[{"name": "Ann", "company": "ACME"}])
    client = web_client_for(member)

    page = client.get(reverse("expense_edit", args=[expense.pk])).content.decode()

    assert 'value="Ann"' in page
    assert 'value="ACME"' in page


def test_the_meal_page_lists_people_gaps_and_the_tip_rate(web_client_for, member, teammate):
    expense = business_dinner(member, attendees=[teammate], party_size=3, tax=Decimal("8.00"), tip=Decimal("16.00"))

    page = web_client_for(member).get(reverse("expense_detail", args=[expense.pk])).content.decode()

    assert str(teammate) in page
    assert "+ 1 not named" in page
    assert 'data-gap="who"' in page
    assert 'data-gap="receipt"' in page
    assert "21.1 %" in page  # 16 / 76


def test_a_blocking_team_refuses_the_web_submit(web_client_for, member, team_a):
    team_a.substantiation_blocking = True
    team_a.save()
    expense = business_dinner(member, party_size=2)

    web_client_for(member).post(reverse("expense_submit", args=[expense.pk]), follow=True)

    assert Expense.objects.get(pk=expense.pk).status == ExpenseStatus.DRAFT


def test_the_approvers_card_lists_what_is_missing_in_constant_queries(
    web_client_for, member, manager, django_assert_max_num_queries
):
    client = web_client_for(manager)
    for _ in range(2):
        services.expense_submit(expense=business_dinner(member, party_size=2, attendees=["Ann"]), actor=member)
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("approval_queue"))
    for _ in range(5):
        services.expense_submit(expense=business_dinner(member, party_size=3, attendees=["Bo"]), actor=member)

    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("approval_queue")).content.decode()
    assert page.count('data-gap="receipt"') == 7
    assert page.count('data-gap="who"') == 5
