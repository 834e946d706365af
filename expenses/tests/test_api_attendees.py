"""Attendees, substantiation and the tip rate in the expenses API, through HTTP."""

import datetime
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from expenses import services
from expenses.models import Expense
from expenses.tests.factories import ReceiptFactory, RestaurantFactory

pytestmark = pytest.mark.django_db
LIST = reverse("expenses_api:expense-list")
COLLEAGUES = reverse("expenses_api:colleague-list")


def detail(expense):
    return reverse("expenses_api:expense-detail", kwargs={"pk": expense.pk})


def yesterday() -> str:
    return (timezone.now() - datetime.timedelta(days=1)).isoformat()


def business_dinner(owner, **fields):
    values = {
        "amount": Decimal("60.00"),
        "occurred_at": timezone.now() - datetime.timedelta(days=1),
        "is_business": True,
        "business_purpose": "Pitch",
        "restaurant": RestaurantFactory(owner=owner),
    }
    return services.expense_create(owner=owner, **{**values, **fields})


def test_an_expense_is_created_with_a_colleague_and_a_guest(member, teammate, api_client_for):
    attendees = [{"user": teammate.pk}, {"name": "Ann Lee", "company": "ACME", "relationship": "client"}]

    response = api_client_for(member).post(
        LIST, {"amount": "90.00", "occurred_at": yesterday(), "attendees": attendees}, format="json"
    )

    assert response.status_code == HTTPStatus.CREATED
    body = response.json()
    assert [(a["user"], a["name"], a["company"], a["relationship"]) for a in body["attendees"]] == [
        (teammate.pk, str(teammate), "", ""),
        (None, "Ann Lee", "ACME", "client"),
    ]
    assert (body["party_size"], body["anonymous_covers"], body["per_person_amount"]) == (3, 0, "30.00")


def test_a_colleague_of_another_team_is_a_400_on_attendees(member, outsider, api_client_for):
    response = api_client_for(member).post(
        LIST, {"amount": "90.00", "occurred_at": yesterday(), "attendees": [{"user": outsider.pk}]}, format="json"
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()["errors"]) == ["attendees"]
    assert not Expense.objects.exists()


def test_an_attendee_without_user_or_name_is_a_400_naming_it(member, api_client_for):
    response = api_client_for(member).post(
        LIST, {"amount": "90.00", "occurred_at": yesterday(), "attendees": [{"company": "ACME"}]}, format="json"
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert any(key.startswith("attendees") for key in response.json()["errors"])


def test_a_party_smaller_than_its_people_is_a_400_on_party_size(member, api_client_for):
    response = api_client_for(member).post(
        LIST,
        {"amount": "90.00", "occurred_at": yesterday(), "party_size": 1, "attendees": [{"name": "Ann"}]},
        format="json",
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()["errors"]) == ["party_size"]


def test_patching_attendees_replaces_them_and_keeps_the_party_size(member, api_client_for):
    expense = services.expense_create(
        owner=member, amount=Decimal("80.00"), occurred_at=timezone.now(), attendees=["Ann"], party_size=4
    )

    response = api_client_for(member).patch(
        detail(expense), {"attendees": [{"name": "Bo"}, {"name": "Cy"}]}, format="json"
    )

    assert response.status_code == HTTPStatus.OK
    assert [a["name"] for a in response.json()["attendees"]] == ["Bo", "Cy"]
    assert (response.json()["party_size"], response.json()["anonymous_covers"]) == (4, 1)


def test_the_manager_reads_the_attendees_and_an_outsider_gets_a_404(member, manager, outsider, api_client_for):
    expense = business_dinner(member, attendees=["Ann"])

    assert [a["name"] for a in api_client_for(manager).get(detail(expense)).json()["attendees"]] == ["Ann"]
    assert api_client_for(outsider).get(detail(expense)).status_code == HTTPStatus.NOT_FOUND


def test_the_list_reads_attendees_in_a_constant_number_of_queries(
    member, teammate, api_client_for, django_assert_max_num_queries
):
    client = api_client_for(member)
    business_dinner(member, attendees=[teammate, "Ann"])
    with django_assert_max_num_queries(30) as few:
        client.get(LIST)
    for _ in range(6):
        business_dinner(member, attendees=[teammate, "Ann", "Bo"])

    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(LIST).json()
    assert len(body["results"]) == 7


def test_the_colleague_list_is_the_callers_team(member, teammate, manager, outsider, api_client_for):
    body = api_client_for(member).get(COLLEAGUES).json()

    assert sorted(person["email"] for person in body) == sorted([teammate.email, manager.email])


def test_missing_substantiation_is_listed(member, api_client_for):
    expense = business_dinner(member, party_size=3, restaurant=None, amount=Decimal("100.00"))

    gaps = api_client_for(member).get(detail(expense)).json()["missing_substantiation"]

    assert [gap["item"] for gap in gaps] == ["who", "where", "receipt"]


def test_a_blocking_team_refuses_the_submit_naming_what_is_missing(member, team_a, api_client_for):
    team_a.substantiation_blocking = True
    team_a.save()
    expense = business_dinner(member, party_size=2, amount=Decimal("100.00"))
    submit = reverse("expenses_api:expense-submit", kwargs={"pk": expense.pk})

    response = api_client_for(member).post(submit, {}, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert (response.json()["code"], sorted(response.json()["errors"])) == ("unsubstantiated", ["attendees", "receipt"])
    services.expense_update(expense=expense, actor=member, attendees=["Ann"])
    ReceiptFactory(expense=expense)
    assert api_client_for(member).post(submit, {}, format="json").status_code == HTTPStatus.OK


def test_a_team_that_does_not_block_submits_with_gaps(member, api_client_for):
    expense = business_dinner(member, party_size=2)
    submit = reverse("expenses_api:expense-submit", kwargs={"pk": expense.pk})

    assert api_client_for(member).post(submit, {}, format="json").status_code == HTTPStatus.OK


def test_the_tip_rate_is_on_the_pre_tax_subtotal(member, api_client_for):
    expense = services.expense_create(
        owner=member, amount=Decimal("118.00"), tax=Decimal("8.00"), tip=Decimal("18.00"), occurred_at=timezone.now()
    )

    assert api_client_for(member).get(detail(expense)).json()["tip_percent"] == "19.6"  # 18 / 92
