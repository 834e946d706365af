"""Items, splits, shares, balances and settlements through the HTTP API."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from expenses.models import Settlement
from expenses.tests.split_factories import dinner_with, key_of

pytestmark = pytest.mark.django_db


def test_a_dinner_is_itemised_split_by_items_and_owed_by_the_colleague(member, teammate, api_client_for):
    dinner = dinner_with(member, teammate, amount="57.50", tax="4.50", tip="8.00", fees="0")
    payer = api_client_for(member)

    items = payer.put(reverse("expenses_api:expense-items", args=[dinner.pk]), {"items": [
        {"description": "Burger", "amount": "18.00"}, {"description": "Salad", "amount": "15.00"},
        {"description": "Fries", "quantity": "2", "amount": "12.00"}]}, format="json")  # fmt: skip
    assert items.status_code == HTTPStatus.OK
    assert (items.json()["items_total"], items.json()["bill_mismatch"]) == ("45.00", "0.00")
    burger, salad, fries = (item["id"] for item in items.json()["items"])

    colleague = key_of(dinner, teammate)
    split = payer.put(reverse("expenses_api:expense-split", args=[dinner.pk]), {"method": "items", "items": {
        str(burger): ["owner"], str(salad): [colleague], str(fries): ["owner", colleague]}}, format="json")  # fmt: skip

    assert split.status_code == HTTPStatus.OK
    shares = {share["name"]: share for share in split.json()["shares"]}
    mine, theirs = shares[member.display_name], shares[teammate.display_name]
    assert (mine["subtotal"], mine["tax"], mine["tip"], mine["total"]) == ("24.00", "2.40", "4.27", "30.67")
    assert (theirs["subtotal"], theirs["tax"], theirs["tip"], theirs["total"]) == ("21.00", "2.10", "3.73", "26.83")

    owed = api_client_for(teammate).get(reverse("expenses_api:share-list")).json()["results"]
    assert [(share["total"], share["paid_by"]) for share in owed] == [("26.83", member.pk)]
    balances = api_client_for(teammate).get(reverse("expenses_api:balance-list")).json()["results"]
    assert [(b["user"]["id"], b["currency"], b["net"]) for b in balances] == [(member.pk, "USD", "-26.83")]


def test_settling_up_through_the_api_leaves_the_balance_at_zero(member, teammate, api_client_for):
    dinner = dinner_with(member, teammate, amount="40.00", tax="0", tip="0")
    api_client_for(member).put(reverse("expenses_api:expense-split", args=[dinner.pk]), {"method": "even"},
                               format="json")  # fmt: skip
    debtor = api_client_for(teammate)

    response = debtor.post(reverse("expenses_api:settlement-list"), {"payer": teammate.pk, "payee": member.pk,
                                                                      "amount": "20.00", "currency": "USD"},
                           format="json")  # fmt: skip

    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["recorded_by"] == teammate.pk
    assert debtor.get(reverse("expenses_api:balance-list")).json()["results"][0]["net"] == "0.00"
    listed = api_client_for(member).get(reverse("expenses_api:settlement-list")).json()["results"]
    assert [s["amount"] for s in listed] == ["20.00"]


def test_settlements_cannot_be_changed_or_deleted(member, teammate, api_client_for):
    dinner = dinner_with(member, teammate)
    api_client_for(member).put(reverse("expenses_api:expense-split", args=[dinner.pk]), {"method": "even"},
                               format="json")  # fmt: skip
    client = api_client_for(member)
    created = client.post(reverse("expenses_api:settlement-list"), {"payer": member.pk, "payee": teammate.pk,
                                                                     "amount": "1.00", "currency": "USD"},
                          format="json").json()  # fmt: skip
    url = reverse("expenses_api:settlement-detail", args=[created["id"]])

    assert client.delete(url).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert client.patch(url, {"amount": "2.00"}, format="json").status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert Settlement.objects.get().amount == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [({"method": "halves"}, "method"), ({"method": "exact", "amounts": {"owner": "1.00"}}, "amounts"),
     ({"method": "shares", "weights": {"attendee-999999": "1"}}, "weights"),
     ({"method": "items", "items": {"abc": ["owner"]}}, "items")],
)  # fmt: skip
def test_a_bad_split_is_a_400_naming_the_field(member, teammate, api_client_for, body, field):
    dinner = dinner_with(member, teammate)

    response = api_client_for(member).put(reverse("expenses_api:expense-split", args=[dinner.pk]), body,
                                          format="json")  # fmt: skip

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field in response.json()["errors"]


def test_items_with_too_many_decimals_for_the_currency_are_refused(member, api_client_for):
    dinner = dinner_with(member, amount="3000", tax="0", tip="0", currency="JPY")

    response = api_client_for(member).put(reverse("expenses_api:expense-items", args=[dinner.pk]),
                                          {"items": [{"description": "Ramen", "amount": "1200.50"}]},
                                          format="json")  # fmt: skip

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "items" in response.json()["errors"]


def test_settling_with_a_stranger_is_refused_on_the_payee(member, outsider, api_client_for):
    response = api_client_for(member).post(reverse("expenses_api:settlement-list"), {
        "payer": member.pk, "payee": outsider.pk, "amount": "5.00", "currency": "USD"}, format="json")  # fmt: skip

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "payee" in response.json()["errors"]


def test_the_debtor_cannot_open_the_payers_split(member, teammate, api_client_for):
    dinner = dinner_with(member, teammate)

    response = api_client_for(teammate).get(reverse("expenses_api:expense-split", args=[dinner.pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    ("route", "params"),
    [("expenses_api:share-list", {"direction": "owed_by_me"}), ("expenses_api:share-list", {"direction": "owed_to_me"}),
     ("expenses_api:balance-list", {}), ("expenses_api:settlement-list", {})],
)  # fmt: skip
def test_the_lists_read_a_constant_number_of_queries(
    member, teammate, outsider, api_client_for, django_assert_max_num_queries, route, params
):
    from expenses.services.splits import expense_split, settlement_record

    def add(count):
        for _ in range(count):
            for other in (teammate, outsider):
                for payer, debtor in ((member, other), (other, member)):
                    dinner = dinner_with(payer, debtor, amount="30.00", tax="0", tip="0")
                    expense_split(expense=dinner, actor=payer, method="even")
                settlement_record(payer=other, payee=member, amount="1.00", currency="USD", recorded_by=other)

    client = api_client_for(member)
    add(1)
    with django_assert_max_num_queries(10) as few:
        client.get(reverse(route), params)
    add(4)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse(route), params).status_code == HTTPStatus.OK


def test_fees_are_entered_through_the_api_and_counted_in_the_check(member, api_client_for):
    client = api_client_for(member)
    created = client.post(reverse("expenses_api:expense-list"), {"amount": "30.00", "tax": "2.00", "tip": "3.00",
                                                                  "fees": "1.50", "occurred_at": "2026-03-02T19:00:00"},
                          format="json").json()  # fmt: skip
    client.put(reverse("expenses_api:expense-items", args=[created["id"]]),
               {"items": [{"description": "Curry", "amount": "23.50"}]}, format="json")  # fmt: skip

    body = client.get(reverse("expenses_api:expense-detail", args=[created["id"]])).json()
    assert (body["fees"], body["items_total"], body["bill_mismatch"]) == ("1.50", "23.50", "0.00")

    refused = client.patch(reverse("expenses_api:expense-detail", args=[created["id"]]), {"fees": "40.00"},
                           format="json")  # fmt: skip
    assert refused.status_code == HTTPStatus.BAD_REQUEST
