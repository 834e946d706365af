"""Splitting a meal, the balances it leaves between colleagues, settling up, and who sees what."""

from decimal import Decimal

import pytest

from expenses.choices import ExpenseStatus
from expenses.models import Settlement, Share, Split
from expenses.services import expense_update
from expenses.services.splits import expense_split, line_items_replace, settlement_record, split_remove
from expenses.split_selectors import balances_for, debts_owed_by, shares_visible_to
from expenses.tests.split_factories import SettlementFactory, dinner_with, key_of
from mealtracker.errors import DomainError, NotAllowed

pytestmark = pytest.mark.django_db

D = Decimal


def _items(expense, actor, *rows):
    return line_items_replace(
        expense=expense, actor=actor, items=[{"description": d, "quantity": 1, "amount": a} for d, a in rows]
    )


def test_split_by_items_stores_each_persons_subtotal_tax_tip_and_total(member, teammate):
    dinner = dinner_with(member, teammate, guests=["Ann Lee"], amount="100.00", tax="8.00", tip="12.00")
    steak, salad, wine = _items(dinner, member, ("Steak", "45.00"), ("Salad", "15.00"), ("Wine", "20.00"))
    me, colleague, guest = "owner", key_of(dinner, teammate), key_of(dinner, name="Ann Lee")

    expense_split(
        expense=dinner, actor=member, method="items",
        items={steak.pk: [me], salad.pk: [colleague], wine.pk: [me, colleague, guest]},
    )  # fmt: skip

    shares = {s.name: s for s in dinner.shares.all()}
    mine = shares[member.display_name]
    assert (mine.subtotal, mine.tax, mine.tip, mine.total) == (D("51.67"), D("5.17"), D("7.75"), D("64.59"))
    assert shares[teammate.display_name].total == D("27.09")
    assert shares["Ann Lee"].total == D("8.32")
    assert sum(s.total for s in shares.values()) == D("100.00")
    assert shares[teammate.display_name].user == teammate
    assert Split.objects.get(expense=dinner).method == "items"


def test_items_that_do_not_add_up_are_refused_and_nothing_is_stored(member, teammate):
    dinner = dinner_with(member, teammate, amount="50.00", tax="4.00", tip="6.00")
    (only,) = _items(dinner, member, ("Pasta", "39.00"))

    with pytest.raises(DomainError) as refused:
        expense_split(expense=dinner, actor=member, method="items", items={only.pk: ["owner"]})

    assert refused.value.field == "items"
    assert not Share.objects.exists()


def test_only_the_payer_splits_the_bill(member, teammate):
    dinner = dinner_with(member, teammate)

    with pytest.raises(NotAllowed):
        expense_split(expense=dinner, actor=teammate, method="even")


def test_changing_the_amount_splits_an_even_split_again(member, teammate):
    dinner = dinner_with(member, teammate, amount="60.00", tax="0", tip="0")
    expense_split(expense=dinner, actor=member, method="even")

    expense_update(expense=dinner, actor=member, amount=D("61.00"))

    assert sorted(s.total for s in dinner.shares.all()) == [D("30.50"), D("30.50")]


def test_an_exact_split_that_no_longer_adds_up_is_dropped(member, teammate):
    dinner = dinner_with(member, teammate, amount="60.00", tax="0", tip="0")
    expense_split(expense=dinner, actor=member, method="exact",
                  amounts={"owner": "40.00", key_of(dinner, teammate): "20.00"})  # fmt: skip

    expense_update(expense=dinner, actor=member, amount=D("70.00"))

    assert not Share.objects.filter(expense=dinner).exists()
    assert not Split.objects.filter(expense=dinner).exists()


def test_balances_follow_a_chain_of_splits_and_settlements(member, teammate):
    first = dinner_with(member, teammate, amount="50.00", tax="0", tip="0")
    expense_split(expense=first, actor=member, method="even")  # teammate owes 25.00
    second = dinner_with(teammate, member, amount="30.00", tax="0", tip="0")
    expense_split(
        expense=second, actor=teammate, method="shares", weights={"owner": 1, key_of(second, member): 2}
    )  # fmt: skip  member owes 20.00
    third = dinner_with(member, teammate, amount="3000", tax="0", tip="0", currency="JPY", reporting_amount=D("20.01"))
    expense_split(expense=third, actor=member, method="even")  # teammate owes 1500 JPY
    # The shares' reporting-currency totals add up to the meal's converted amount, to the cent.
    assert sorted(s.reporting_total for s in third.shares.all()) == [D("10.00"), D("10.01")]

    settlement_record(payer=teammate, payee=member, amount=D("3.00"), currency="USD", recorded_by=teammate)
    settlement_record(payer=teammate, payee=member, amount=D("1000"), currency="JPY", recorded_by=member)

    mine = {b.currency: b.net for b in balances_for(member)}
    theirs = {b.currency: b.net for b in balances_for(teammate)}
    assert mine == {"USD": D("2.00"), "JPY": D("500")}  # 25 - 20 - 3; 1500 - 1000
    assert theirs == {"USD": D("-2.00"), "JPY": D("-500")}

    settlement_record(payer=teammate, payee=member, amount=D("2.00"), currency="USD", recorded_by=teammate)
    # A settlement recorded by mistake is corrected by one the other way, never deleted.
    settlement_record(payer=teammate, payee=member, amount=D("9.99"), currency="USD", recorded_by=teammate)
    settlement_record(payer=member, payee=teammate, amount=D("9.99"), currency="USD", recorded_by=member)

    assert {b.currency: b.net for b in balances_for(member, other=teammate)} == {"USD": D("0.00"), "JPY": D("500")}
    assert Settlement.objects.count() == 5


def test_the_debtor_sees_what_they_owe_on_the_payers_meal(member, teammate):
    dinner = dinner_with(member, teammate, amount="46.80", tax="0", tip="0")
    expense_split(expense=dinner, actor=member, method="even")

    (debt,) = debts_owed_by(teammate)

    assert debt.total == D("23.40")
    assert debt.expense.owner == member


def test_settling_up_is_only_between_people_who_shared_a_meal(member, teammate, outsider):
    with pytest.raises(DomainError) as refused:
        settlement_record(payer=member, payee=outsider, amount=D("5"), currency="USD", recorded_by=member)
    assert refused.value.field == "payee"

    dinner = dinner_with(member, teammate)
    expense_split(expense=dinner, actor=member, method="even")
    with pytest.raises(NotAllowed):
        settlement_record(payer=teammate, payee=member, amount=D("5"), currency="USD", recorded_by=outsider)


@pytest.mark.parametrize(
    ("amount", "currency", "field"),
    [("0", "USD", "amount"), ("-1", "USD", "amount"), ("1.005", "USD", "amount"), ("1.5", "JPY", "amount"),
     ("1", "XYZ", "currency")],
)  # fmt: skip
def test_a_bad_settlement_is_refused_naming_the_field(member, teammate, amount, currency, field):
    SettlementFactory(payer=member, payee=teammate)

    with pytest.raises(DomainError) as refused:
        settlement_record(payer=member, payee=teammate, amount=D(amount), currency=currency, recorded_by=member)

    assert refused.value.field == field


def test_removing_a_split_clears_the_debt(member, teammate):
    dinner = dinner_with(member, teammate)
    expense_split(expense=dinner, actor=member, method="even")

    split_remove(expense=dinner, actor=member)

    assert balances_for(member) == []


class TestVisibility:
    """Owner and debtor see the share; a third user never; a manager only once the business meal is submitted."""

    @pytest.fixture
    def business_dinner(self, member, outsider):
        dinner = dinner_with(member, outsider, is_business=True, status=ExpenseStatus.DRAFT)
        expense_split(expense=dinner, actor=member, method="even")
        return dinner

    def _sees(self, user, dinner):
        return shares_visible_to(user).filter(expense=dinner).count()

    def test_the_payer_sees_every_share_and_the_debtor_their_own(self, business_dinner, member, outsider):
        assert self._sees(member, business_dinner) == 2
        assert list(shares_visible_to(outsider).values_list("user", flat=True)) == [outsider.pk]

    def test_a_third_user_sees_nothing(self, business_dinner, teammate):
        assert self._sees(teammate, business_dinner) == 0

    def test_managers_see_nothing_before_submission(self, business_dinner, manager, other_manager):
        assert self._sees(manager, business_dinner) == 0
        assert self._sees(other_manager, business_dinner) == 0

    @pytest.mark.parametrize("status", [ExpenseStatus.SUBMITTED, ExpenseStatus.APPROVED])
    def test_either_ones_manager_sees_a_submitted_business_meal(self, business_dinner, manager, other_manager, status):
        business_dinner.status = status
        business_dinner.save()

        assert self._sees(manager, business_dinner) == 2  # the payer's manager: the whole meal
        assert list(shares_visible_to(other_manager).values_list("user", flat=True)) == [
            business_dinner.shares.get(user__team=other_manager.team).user_id
        ]  # fmt: skip  the debtor's manager: the debtor's share

    def test_a_personal_meal_stays_private_from_managers(self, member, outsider, manager):
        dinner = dinner_with(member, outsider)
        expense_split(expense=dinner, actor=member, method="even")

        assert self._sees(manager, dinner) == 0

    def test_settlements_are_seen_by_their_two_people_only(self, business_dinner, member, outsider, teammate):
        from expenses.split_selectors import settlements_visible_to

        settlement_record(payer=outsider, payee=member, amount=D("1"), currency="USD", recorded_by=outsider)

        assert settlements_visible_to(member).count() == 1
        assert settlements_visible_to(outsider).count() == 1
        assert settlements_visible_to(teammate).count() == 0


def test_rewriting_the_same_people_keeps_the_split_and_dropping_one_removes_it(member, teammate):
    dinner = dinner_with(member, teammate, guests=["Ann Lee"], amount="90.00", tax="0", tip="0")
    expense_split(expense=dinner, actor=member, method="even")

    expense_update(expense=dinner, actor=member, attendees=[{"user": teammate.pk}, {"name": "Ann Lee"}])
    assert sorted(s.total for s in Share.objects.filter(expense=dinner)) == [D("30.00")] * 3
    assert Share.objects.get(expense=dinner, user=teammate).attendee.expense_id == dinner.pk

    expense_update(expense=dinner, actor=member, attendees=[{"name": "Ann Lee"}])
    assert not Share.objects.filter(expense=dinner).exists()
