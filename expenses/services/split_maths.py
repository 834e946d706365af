"""The arithmetic of splitting a bill, with no database: who pays what of the subtotal, tax, tip and fees.

Every amount comes from `mealtracker.money.allocate` (largest remainder), so each column of the split adds up to
the bill's figure to the minor unit, in any currency (JPY 0, USD 2, BHD 3 decimals). The rules (docs/splits.md):

- by items: each item goes to one or several people, evenly among them; a person's subtotal is their items;
- evenly, by shares (weights) or by exact amounts: the subtotal is shared by the people's weights;
- tax, tip and fees are then shared in proportion to each person's subtotal;
- by exact amounts, each person's total is what was typed; tax, tip and fees are shared in proportion to those
  totals and the subtotal is what remains.
"""

import dataclasses
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

from mealtracker.errors import DomainError
from mealtracker.money import allocate, has_valid_precision, minor_unit, precision_error, quantize


@dataclasses.dataclass(frozen=True)
class Bill:
    """The figures of a bill: the amount paid and the parts of it that are not the food itself."""

    amount: Decimal
    tax: Decimal
    tip: Decimal
    fees: Decimal
    currency: str

    @property
    def subtotal(self) -> Decimal:
        return self.amount - self.tax - self.tip - self.fees


@dataclasses.dataclass
class SharedAmounts:
    """One person's part. `rounding` is what they pay beyond their exact fair part (their part of the bill before
    any rounding), to the minor unit: +0.01 where a cent left over by rounding went, -0.01 where one was spared."""

    subtotal: Decimal
    tax: Decimal
    tip: Decimal
    fees: Decimal
    rounding: Decimal = Decimal(0)

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.tax + self.tip + self.fees


def _shared(total: Decimal, weights: Sequence, currency: str) -> list[Decimal]:
    """`total` allocated by `weights` (largest remainder). Nothing to share is all zeros."""
    if total and not any(weights):
        raise DomainError("Nobody is left to share the bill with.", field="people")
    if total == 0:
        return [Decimal(0).quantize(minor_unit(currency))] * len(weights)
    return allocate(total, list(weights), currency)


def _check_money(value: Decimal, currency: str, field: str) -> None:
    if value < 0:
        raise DomainError("An amount to split cannot be negative.", field=field)
    if not has_valid_precision(value, currency):
        raise DomainError(precision_error(currency), field=field)


def _with_rounding(bill: Bill, shares: list[SharedAmounts], exact: Sequence[Fraction]) -> list[SharedAmounts]:
    """Each share's total against its exact part, rounded half-up to the minor unit."""
    for share, part in zip(shares, exact, strict=True):
        difference = Fraction(share.total) - part
        share.rounding = quantize(Decimal(difference.numerator) / Decimal(difference.denominator), bill.currency)
    return shares


def split_by_subtotals(bill: Bill, subtotals: Sequence[Decimal]) -> list[SharedAmounts]:
    """Tax, tip and fees shared in proportion to each person's subtotal (which already adds up to the bill's)."""
    weights = [Decimal(s) for s in subtotals]
    if not any(weights):
        weights = [Decimal(1)] * len(subtotals)  # a bill of only tax, tip or fees: shared evenly
    taxes = _shared(bill.tax, weights, bill.currency)
    tips = _shared(bill.tip, weights, bill.currency)
    fees = _shared(bill.fees, weights, bill.currency)
    return [SharedAmounts(subtotals[i], taxes[i], tips[i], fees[i]) for i in range(len(subtotals))]


def split_by_weights(bill: Bill, weights: Sequence[Decimal | int]) -> list[SharedAmounts]:
    """Evenly (all weights 1) or by shares: the subtotal by the weights, then tax, tip and fees by subtotal."""
    if not weights:
        raise DomainError("Choose at least one person to split with.", field="people")
    for weight in weights:
        if Decimal(weight) < 0:
            raise DomainError("A share cannot be negative.", field="weights")
    if not any(Decimal(w) for w in weights):
        raise DomainError("Give at least one person a share.", field="weights")
    exact_weights = [Fraction(Decimal(w)) for w in weights]
    shares = split_by_subtotals(bill, _shared(bill.subtotal, [Decimal(w) for w in weights], bill.currency))
    total_weight = sum(exact_weights)
    return _with_rounding(bill, shares, [Fraction(bill.amount) * w / total_weight for w in exact_weights])


def split_by_items(bill: Bill, items: Sequence[tuple[Decimal, Sequence[int]]], people: int) -> list[SharedAmounts]:
    """Each item (amount, the indexes of the people who had it) shared evenly among its people.

    The items must add up to the bill's subtotal: a mismatch is refused, never spread silently."""
    if people < 1:
        raise DomainError("Choose at least one person to split with.", field="people")
    if not items:
        raise DomainError("This bill has no items to split by.", field="items")
    item_sum = sum((Decimal(amount) for amount, _ in items), Decimal(0))
    if item_sum != bill.subtotal:
        raise DomainError(
            f"The items add up to {item_sum} but the subtotal is {bill.subtotal}; fix the items or split another way.",
            field="items",
        )
    subtotals = [Decimal(0)] * people
    exact_items = [Fraction(0)] * people
    for index, (amount, holders) in enumerate(items):
        holders = sorted(set(holders))
        if not holders:
            raise DomainError(f"Give item {index + 1} to someone.", field="items")
        if any(h < 0 or h >= people for h in holders):
            raise DomainError(f"Item {index + 1} went to someone who is not at the table.", field="items")
        for holder, part in zip(holders, _shared(Decimal(amount), [1] * len(holders), bill.currency), strict=True):
            subtotals[holder] += part
            exact_items[holder] += Fraction(Decimal(amount)) / len(holders)
    shares = split_by_subtotals(bill, subtotals)
    if not bill.subtotal:
        exact = [Fraction(bill.amount) / people] * people
    else:
        exact = [Fraction(bill.amount) * part / Fraction(bill.subtotal) for part in exact_items]
    return _with_rounding(bill, shares, exact)


def split_by_exact(bill: Bill, totals: Sequence[Decimal]) -> list[SharedAmounts]:
    """Each person pays the total typed for them; those totals must add up to the amount paid."""
    if not totals:
        raise DomainError("Choose at least one person to split with.", field="people")
    for total in totals:
        _check_money(Decimal(total), bill.currency, "amounts")
    if sum(totals, Decimal(0)) != bill.amount:
        raise DomainError(
            f"The amounts add up to {sum(totals, Decimal(0))}, not the {bill.amount} paid.", field="amounts"
        )
    weights = [Decimal(t) for t in totals]
    taxes = _shared(bill.tax, weights, bill.currency)
    tips = _shared(bill.tip, weights, bill.currency)
    fees = _shared(bill.fees, weights, bill.currency)
    shares = []
    for i, total in enumerate(totals):
        subtotal = Decimal(total) - taxes[i] - tips[i] - fees[i]
        if subtotal < 0:
            raise DomainError("An amount is smaller than its part of the tax, tip and fees.", field="amounts")
        shares.append(SharedAmounts(subtotal, taxes[i], tips[i], fees[i]))  # the total is as typed: no rounding
    return shares


def check_bill(bill: Bill) -> None:
    """The figures are money in the bill's currency and the parts fit in the amount paid."""
    for field in ("amount", "tax", "tip", "fees"):
        _check_money(getattr(bill, field), bill.currency, field)
    if bill.subtotal < 0:
        raise DomainError("The tax, tip and fees are more than the amount paid.", field="amount")
