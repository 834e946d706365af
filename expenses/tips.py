"""Tips as a share of the bill: the tip over the pre-tax subtotal (total less tax, tip and fees).

A rate, not money: rounded here to one decimal place, half-up, where it is made."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import DecimalField, ExpressionWrapper, F

PERCENT_PLACES = Decimal("0.1")


def tip_percent(expense) -> Decimal | None:
    """The tip as a percentage of the pre-tax subtotal; None when there is no subtotal to measure against."""
    if expense.amount is None:
        return None
    subtotal = expense.amount - expense.tax - expense.tip - (expense.fees or 0)
    if subtotal <= 0:
        return None
    return (Decimal(100) * expense.tip / subtotal).quantize(PERCENT_PLACES, rounding=ROUND_HALF_UP)


def pre_tax_subtotal() -> ExpressionWrapper:
    """`tip_percent`'s subtotal as a database expression, in the expense's currency."""
    return ExpressionWrapper(
        F("amount") - F("tax") - F("tip") - F("fees"), output_field=DecimalField(max_digits=14, decimal_places=2)
    )
