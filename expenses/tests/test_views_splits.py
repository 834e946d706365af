"""The bill's items, the split page, balances and settling up, through the web pages."""

from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse

from expenses.models import LineItem, Settlement, Share
from expenses.services.splits import expense_split, settlement_record
from expenses.tests.split_factories import LineItemFactory, dinner_with, key_of

pytestmark = pytest.mark.django_db


def _items_post(*rows):
    data = {"items-TOTAL_FORMS": str(len(rows)), "items-INITIAL_FORMS": "0"}
    for index, (description, quantity, amount) in enumerate(rows):
        data.update({f"items-{index}-description": description, f"items-{index}-quantity": quantity,
                     f"items-{index}-amount": amount})  # fmt: skip
    return data


def test_the_owner_enters_items_and_blank_rows_are_dropped(member, web_client_for):
    dinner = dinner_with(member, amount="50.00", tax="4.00", tip="6.00")

    response = web_client_for(member).post(
        reverse("line_items_edit", args=[dinner.pk]), _items_post(("Pasta", "2", "30.00"), ("Wine", "", "10.00"),
                                                                  ("", "", ""))
    )  # fmt: skip

    assert response.status_code == HTTPStatus.FOUND
    assert list(LineItem.objects.values_list("description", "quantity", "amount")) == [
        ("Pasta", Decimal(2), Decimal("30.00")), ("Wine", Decimal(1), Decimal("10.00"))]  # fmt: skip


def test_a_bill_that_does_not_add_up_shows_the_difference_and_keeps_the_figures(member, web_client_for):
    dinner = dinner_with(member, amount="50.00", tax="4.00", tip="6.00")
    LineItemFactory(expense=dinner, description="Pasta", amount=Decimal("38.50"))

    page = web_client_for(member).get(reverse("expense_detail", args=[dinner.pk])).content.decode()
    form = web_client_for(member).get(reverse("expense_edit", args=[dinner.pk])).content.decode()

    assert 'data-testid="bill-mismatch"' in page
    assert "$1.50" in page
    assert "less than the $50.00 paid" in page
    assert 'data-testid="bill-mismatch"' in form
    dinner.refresh_from_db()
    assert dinner.amount == Decimal("50.00")


def test_the_api_shows_the_mismatch_without_fixing_it(member, api_client_for):
    dinner = dinner_with(member, amount="50.00", tax="4.00", tip="6.00", fees="2.00")
    LineItemFactory(expense=dinner, amount=Decimal("39.00"))

    body = api_client_for(member).get(reverse("expenses_api:expense-detail", args=[dinner.pk])).json()

    assert (body["fees"], body["items_total"], body["bill_mismatch"]) == ("2.00", "39.00", "1.00")


def test_splitting_by_items_on_the_page_shows_each_persons_share(member, teammate, web_client_for):
    dinner = dinner_with(member, teammate, guests=["Ann Lee"], amount="60.00", tax="5.00", tip="5.00")
    steak = LineItemFactory(expense=dinner, description="Steak", amount=Decimal("30.00"))
    fish = LineItemFactory(expense=dinner, description="Fish", amount=Decimal("20.00"))
    client = web_client_for(member)

    response = client.post(reverse("split_edit", args=[dinner.pk]), {
        "method": "items", f"item-{steak.pk}": ["owner"],
        f"item-{fish.pk}": [key_of(dinner, teammate), key_of(dinner, name="Ann Lee")],
    })  # fmt: skip

    assert response.status_code == HTTPStatus.FOUND
    page = client.get(reverse("expense_detail", args=[dinner.pk])).content.decode()
    assert page.count("data-share") == 3
    assert "$36.00" in page  # the owner: 30 + 3 tax + 3 tip
    assert "$12.00" in page  # each of the other two: 10 + 1 + 1


def test_a_split_that_does_not_work_says_why(member, teammate, web_client_for):
    dinner = dinner_with(member, teammate, amount="60.00", tax="0", tip="0")

    response = web_client_for(member).post(reverse("split_edit", args=[dinner.pk]),
                                           {"method": "exact", "amount-owner": "10.00"})  # fmt: skip

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "not the 60.00 paid" in response.content.decode()
    assert not Share.objects.exists()


def test_only_the_payer_opens_the_items_and_split_pages(member, teammate, manager, web_client_for):
    dinner = dinner_with(member, teammate)
    for user in (teammate, manager):
        for name in ("split_edit", "line_items_edit"):
            assert web_client_for(user).get(reverse(name, args=[dinner.pk])).status_code == HTTPStatus.NOT_FOUND


def test_the_debtor_sees_who_paid_and_what_they_owe(member, teammate, web_client_for):
    dinner = dinner_with(member, teammate, amount="46.80", tax="0", tip="0")
    expense_split(expense=dinner, actor=member, method="even")

    page = web_client_for(teammate).get(reverse("balances")).content.decode()

    assert f"<strong>{member}</strong> paid, you owe" in page
    assert "you owe $23.40" in page


def test_settling_up_records_a_settlement_and_clears_the_balance(member, teammate, web_client_for):
    dinner = dinner_with(member, teammate, amount="46.80", tax="0", tip="0")
    expense_split(expense=dinner, actor=member, method="even")
    client = web_client_for(teammate)
    url = reverse("balance_with", args=[member.pk])

    assert 'value="23.40"' in client.get(url).content.decode()  # offered: what is owed
    response = client.post(url, {"direction": "paid", "amount": "23.40", "currency": "USD",
                                 "settled_on": "2026-01-02", "note": "cash"})  # fmt: skip

    assert response.status_code == HTTPStatus.FOUND
    settlement = Settlement.objects.get()
    assert (settlement.payer, settlement.payee, settlement.recorded_by) == (teammate, member, teammate)
    page = client.get(url).content.decode()
    assert "Settled up" in page
    assert "you owe" not in page  # the meal's share row says settled, not owed
    assert f"<strong>{member}</strong> paid, your share" in page
    overview = web_client_for(member).get(reverse("balances")).content.decode()
    assert "owes you" not in overview
    assert f"<strong>{teammate}</strong>'s share" in overview


def test_a_balance_page_with_a_stranger_is_not_found(member, outsider, web_client_for):
    response = web_client_for(member).get(reverse("balance_with", args=[outsider.pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_the_balances_page_reads_a_constant_number_of_queries(
    member, teammate, outsider, web_client_for, django_assert_max_num_queries
):
    client = web_client_for(member)

    def build(count):
        for _ in range(count):
            for other in (teammate, outsider):
                mine = dinner_with(member, other, amount="20.00", tax="0", tip="0")
                expense_split(expense=mine, actor=member, method="even")
                theirs = dinner_with(other, member, amount="10.00", tax="0", tip="0")
                expense_split(expense=theirs, actor=other, method="even")
                settlement_record(payer=other, payee=member, amount=Decimal("1"), currency="USD", recorded_by=other)

    build(1)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("balances"))
    build(5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("balances"))
    assert response.content.decode().count("data-balance") == 2


def test_the_balance_with_one_person_reads_a_constant_number_of_queries(
    member, teammate, web_client_for, django_assert_max_num_queries
):
    client = web_client_for(member)
    url = reverse("balance_with", args=[teammate.pk])

    def build(count):
        for _ in range(count):
            mine = dinner_with(member, teammate, amount="20.00", tax="0", tip="0")
            expense_split(expense=mine, actor=member, method="even")
            theirs = dinner_with(teammate, member, amount="10.00", tax="0", tip="0")
            expense_split(expense=theirs, actor=teammate, method="even")
            settlement_record(payer=teammate, payee=member, amount=Decimal("1"), currency="USD", recorded_by=teammate)

    build(1)
    with django_assert_max_num_queries(15) as few:
        client.get(url)
    build(5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("data-settlement") == 6


def test_changing_a_split_starts_from_the_one_saved(member, teammate, web_client_for):
    dinner = dinner_with(member, teammate, amount="60.00", tax="0", tip="0")
    colleague = key_of(dinner, teammate)
    expense_split(expense=dinner, actor=member, method="shares", weights={"owner": 1, colleague: "2.5"})

    page = web_client_for(member).get(reverse("split_edit", args=[dinner.pk])).content.decode()

    assert f'name="weight-{colleague}" value="2.5"' in page
    assert '<details class="card mb-2" open data-testid="split-shares">' in page
