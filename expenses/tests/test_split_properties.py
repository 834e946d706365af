"""Properties of the split arithmetic (expenses/services/split_maths.py) for currencies with 0, 2 and 3 decimals."""

import itertools
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from expenses.services.split_maths import Bill, split_by_exact, split_by_items, split_by_weights
from mealtracker.errors import DomainError
from mealtracker.money import minor_unit

CURRENCIES = ["JPY", "USD", "BHD"]


def money(currency, max_units=2_000_000):
    unit = minor_unit(currency)
    return st.integers(min_value=0, max_value=max_units).map(lambda n: n * unit)


@st.composite
def bills(draw, currency=None):
    currency = currency or draw(st.sampled_from(CURRENCIES))
    subtotal = draw(money(currency))
    tax, tip, fees = (draw(money(currency, 300_000)) for _ in range(3))
    amount = subtotal + tax + tip + fees
    if amount == 0:
        amount = subtotal = minor_unit(currency)
    return Bill(amount=amount, tax=tax, tip=tip, fees=fees, currency=currency)


@st.composite
def itemised(draw):
    """A bill whose items add up to its subtotal, each item given to one or several of `people`."""
    bill = draw(bills())
    people = draw(st.integers(min_value=1, max_value=8))
    unit = minor_unit(bill.currency)
    cuts = sorted(draw(st.lists(st.integers(0, int(bill.subtotal / unit)), max_size=6)))
    bounds = [0, *cuts, int(bill.subtotal / unit)]
    amounts = [(b - a) * unit for a, b in itertools.pairwise(bounds)]
    holders = st.lists(st.integers(0, people - 1), min_size=1, max_size=people)
    return bill, [(amount, draw(holders)) for amount in amounts], people


def assert_columns_add_up(bill, shares):
    assert sum(s.subtotal for s in shares) == bill.subtotal
    assert sum(s.tax for s in shares) == bill.tax
    assert sum(s.tip for s in shares) == bill.tip
    assert sum(s.fees for s in shares) == bill.fees
    assert sum(s.total for s in shares) == bill.amount
    for share in shares:
        assert min(share.subtotal, share.tax, share.tip, share.fees) >= 0
        assert share.total == share.subtotal + share.tax + share.tip + share.fees


def assert_charges_follow_subtotals(bill, shares):
    """Each person's tax, tip and fees are their subtotal's proportion of the bill's, within one minor unit."""
    subtotal_sum = sum(s.subtotal for s in shares)
    for share in shares:
        portion = Fraction(share.subtotal) / Fraction(subtotal_sum) if subtotal_sum else Fraction(1, len(shares))
        for column in ("tax", "tip", "fees"):
            exact = Fraction(getattr(bill, column)) * portion
            assert abs(Fraction(getattr(share, column)) - exact) < Fraction(minor_unit(bill.currency))


@given(itemised())
def test_split_by_items_adds_up_exactly_and_shares_charges_by_items(case):
    bill, items, people = case
    shares = split_by_items(bill, items, people)

    assert len(shares) == people
    assert_columns_add_up(bill, shares)
    assert_charges_follow_subtotals(bill, shares)


@given(bills(), st.lists(st.integers(min_value=0, max_value=20), min_size=1, max_size=10).filter(any))
def test_split_by_shares_adds_up_exactly_and_follows_the_weights(bill, weights):
    shares = split_by_weights(bill, weights)

    assert_columns_add_up(bill, shares)
    assert_charges_follow_subtotals(bill, shares)
    for weight, share in zip(weights, shares, strict=True):
        exact = Fraction(bill.subtotal) * weight / sum(weights)
        assert abs(Fraction(share.subtotal) - exact) < Fraction(minor_unit(bill.currency))


@given(bills(), st.integers(min_value=1, max_value=12))
def test_an_even_split_differs_by_at_most_one_minor_unit_per_column(bill, people):
    shares = split_by_weights(bill, [1] * people)

    assert_columns_add_up(bill, shares)
    assert max(s.subtotal for s in shares) - min(s.subtotal for s in shares) <= minor_unit(bill.currency)


@given(st.data())
def test_split_by_exact_amounts_keeps_each_total_as_typed(data):
    bill = data.draw(bills())
    people = data.draw(st.integers(min_value=1, max_value=6))
    unit = minor_unit(bill.currency)
    cuts = sorted(data.draw(st.lists(st.integers(0, int(bill.amount / unit)), min_size=people - 1,
                                     max_size=people - 1)))  # fmt: skip
    bounds = [0, *cuts, int(bill.amount / unit)]
    totals = [(b - a) * unit for a, b in itertools.pairwise(bounds)]
    refused = None
    try:
        shares = split_by_exact(bill, totals)
    except DomainError as error:
        refused = error.field  # a total too small to carry its part of the tax, tip and fees
    if refused:
        assert refused == "amounts"
        return

    assert [s.total for s in shares] == totals
    assert_columns_add_up(bill, shares)


def test_the_rounding_cent_goes_to_the_largest_remainder_and_is_reported():
    bill = Bill(amount=Decimal("10.00"), tax=Decimal("0"), tip=Decimal("0"), fees=Decimal("0"), currency="USD")

    shares = split_by_weights(bill, [1, 1, 1])

    assert [s.total for s in shares] == [Decimal("3.34"), Decimal("3.33"), Decimal("3.33")]
    assert [s.rounding for s in shares] == [Decimal("0.01"), Decimal("0"), Decimal("0")]


def test_a_yen_bill_splits_into_whole_yen():
    bill = Bill(amount=Decimal("10000"), tax=Decimal("909"), tip=Decimal("0"), fees=Decimal("0"), currency="JPY")

    shares = split_by_items(bill, [(Decimal("5000"), [0]), (Decimal("4091"), [0, 1, 2])], 3)

    assert [s.total for s in shares] == [Decimal("7000"), Decimal("1501"), Decimal("1499")]
    assert all(s.total == s.total.to_integral_value() for s in shares)


def test_items_that_do_not_add_up_to_the_subtotal_are_refused_naming_items():
    bill = Bill(amount=Decimal("50.00"), tax=Decimal("4.00"), tip=Decimal("6.00"), fees=Decimal("0"), currency="USD")

    with pytest.raises(DomainError) as refused:
        split_by_items(bill, [(Decimal("39.00"), [0])], 1)

    assert refused.value.field == "items"
    assert "39.00" in refused.value.message
    assert "40.00" in refused.value.message


def test_an_item_given_to_nobody_is_refused():
    bill = Bill(amount=Decimal("10.00"), tax=Decimal("0"), tip=Decimal("0"), fees=Decimal("0"), currency="USD")

    with pytest.raises(DomainError) as refused:
        split_by_items(bill, [(Decimal("10.00"), [])], 2)

    assert refused.value.field == "items"
