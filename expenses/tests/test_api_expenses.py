"""The expenses API through HTTP: create, validate, read, update with ETags, idempotent retries."""

import datetime
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from expenses.choices import ExpenseStatus
from expenses.models import Expense
from expenses.tests.factories import CategoryFactory, ExpenseFactory, RestaurantFactory

LIST = reverse("expenses_api:expense-list")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def detail(expense):
    return reverse("expenses_api:expense-detail", kwargs={"pk": expense.pk})


def yesterday() -> str:
    return (timezone.now() - datetime.timedelta(days=1)).isoformat()


def test_member_creates_an_expense_with_money_as_decimal_strings(member, api_client_for):
    response = api_client_for(member).post(
        LIST, {"amount": "42.10", "tax": "3.10", "tip": "5", "occurred_at": yesterday(), "tags": ["client dinner"]}
    )

    assert response.status_code == HTTPStatus.CREATED
    body = response.json()
    assert (body["amount"], body["tax"], body["tip"], body["currency"]) == ("42.10", "3.10", "5.00", "USD")
    assert body["tags"] == ["client-dinner"]
    assert body["status"] == ExpenseStatus.RECORDED
    assert response["ETag"] == f'"{body["id"]}-1"'


def test_occurred_at_is_shown_in_the_owners_timezone_with_its_offset(member, api_client_for):
    member.timezone = "Europe/Paris"
    member.save()
    expense = ExpenseFactory(owner=member, occurred_at=datetime.datetime(2026, 1, 15, 11, 30, tzinfo=datetime.UTC))

    body = api_client_for(member).get(detail(expense)).json()

    assert body["occurred_at"] == "2026-01-15T12:30:00+01:00"


def test_another_users_category_is_a_400_on_that_field(member, outsider, api_client_for):
    foreign = CategoryFactory(owner=outsider)

    response = api_client_for(member).post(
        LIST, {"amount": "10.00", "occurred_at": yesterday(), "category": foreign.pk}
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()["errors"]) == ["category"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "-5.00"}, "amount"),
        ({"amount": "10.005"}, "amount"),
        ({"amount": "1000.50", "currency": "JPY"}, "amount"),
        ({"tax": "-1.00"}, "tax"),
        ({"tip": "-0.01"}, "tip"),
        ({"party_size": 0}, "party_size"),
        ({"party_size": 51}, "party_size"),
        ({"currency": "XYZ"}, "currency"),
        ({"occurred_at": "2099-01-01T12:00:00+00:00"}, "occurred_at"),
    ],
)
def test_invalid_amounts_and_dates_are_refused_on_their_field(change, field, member, api_client_for):
    response = api_client_for(member).post(LIST, {"amount": "20.00", "occurred_at": yesterday(), **change})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field in response.json()["errors"]
    assert not Expense.objects.exists()


def test_another_users_expense_is_not_found_in_problem_details(member, outsider, api_client_for):
    expense = ExpenseFactory(owner=outsider)

    response = api_client_for(member).get(detail(expense))

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == HTTPStatus.NOT_FOUND


def test_same_idempotency_key_twice_creates_one_expense_and_returns_the_same_body(member, api_client_for):
    client = api_client_for(member)
    payload = {"amount": "18.00", "occurred_at": yesterday(), "notes": "Ramen"}

    first = client.post(LIST, payload, HTTP_IDEMPOTENCY_KEY="lunch-123")
    second = client.post(LIST, payload, HTTP_IDEMPOTENCY_KEY="lunch-123")

    assert (first.status_code, second.status_code) == (HTTPStatus.CREATED, HTTPStatus.CREATED)
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Expense.objects.count() == 1


def test_idempotency_keys_belong_to_one_user(member, teammate, api_client_for):
    payload = {"amount": "18.00", "occurred_at": yesterday()}

    api_client_for(member).post(LIST, payload, HTTP_IDEMPOTENCY_KEY="same-key")
    api_client_for(teammate).post(LIST, payload, HTTP_IDEMPOTENCY_KEY="same-key")

    assert Expense.objects.count() == 2


def test_reusing_an_idempotency_key_for_another_body_is_refused(member, api_client_for):
    client = api_client_for(member)
    client.post(LIST, {"amount": "18.00", "occurred_at": yesterday()}, HTTP_IDEMPOTENCY_KEY="k1")

    response = client.post(LIST, {"amount": "99.00", "occurred_at": yesterday()}, HTTP_IDEMPOTENCY_KEY="k1")

    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert Expense.objects.count() == 1


def test_an_expired_idempotency_key_creates_again(member, api_client_for, settings):
    settings.API_IDEMPOTENCY_TTL = datetime.timedelta(seconds=-1)
    client = api_client_for(member)
    payload = {"amount": "18.00", "occurred_at": yesterday()}

    client.post(LIST, payload, HTTP_IDEMPOTENCY_KEY="old")
    client.post(LIST, payload, HTTP_IDEMPOTENCY_KEY="old")

    assert Expense.objects.count() == 2


def test_two_updates_with_the_same_etag_give_one_412(member, api_client_for):
    expense = ExpenseFactory(owner=member)
    client = api_client_for(member)
    etag = client.get(detail(expense))["ETag"]

    first = client.patch(detail(expense), {"notes": "first"}, HTTP_IF_MATCH=etag)
    second = client.patch(detail(expense), {"notes": "second"}, HTTP_IF_MATCH=etag)

    assert first.status_code == HTTPStatus.OK
    assert second.status_code == HTTPStatus.PRECONDITION_FAILED
    assert second["Content-Type"] == "application/problem+json"
    expense.refresh_from_db()
    assert (expense.notes, expense.version) == ("first", 2)


def test_update_answers_the_new_etag(member, api_client_for):
    expense = ExpenseFactory(owner=member)

    response = api_client_for(member).patch(detail(expense), {"party_size": 2}, HTTP_IF_MATCH=f'"{expense.pk}-1"')

    assert response["ETag"] == f'"{expense.pk}-2"'
    assert response.json()["per_person_amount"] == "12.25"


def test_delete_with_a_stale_etag_is_refused(member, api_client_for):
    expense = ExpenseFactory(owner=member, version=3)

    response = api_client_for(member).delete(detail(expense), HTTP_IF_MATCH=f'"{expense.pk}-2"')

    assert response.status_code == HTTPStatus.PRECONDITION_FAILED
    assert Expense.objects.filter(pk=expense.pk).exists()


def test_update_can_move_an_expense_to_an_own_restaurant_but_not_anothers(member, outsider, api_client_for):
    expense = ExpenseFactory(owner=member)
    mine, theirs = RestaurantFactory(owner=member), RestaurantFactory(owner=outsider)
    client = api_client_for(member)

    assert client.patch(detail(expense), {"restaurant": mine.pk}).status_code == HTTPStatus.OK
    refused = client.patch(detail(expense), {"restaurant": theirs.pk})

    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert list(refused.json()["errors"]) == ["restaurant"]


def test_submitted_expense_cannot_be_edited_by_its_owner(member, api_client_for):
    expense = ExpenseFactory(owner=member, business=True, status=ExpenseStatus.SUBMITTED)

    response = api_client_for(member).patch(detail(expense), {"amount": "1.00"})

    assert response.status_code == HTTPStatus.FORBIDDEN
    expense.refresh_from_db()
    assert expense.amount == Decimal("24.50")
