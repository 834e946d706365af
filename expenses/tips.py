"""Tips as a share of the bill: the tip over the pre-tax subtotal (total less tax, tip and fees).

A rate, not money: rounded here to one decimal place, half-up, where it is made."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, Value
from django.db.models.functions import Coalesce

PERCENT_PLACES = Decimal("0.1")


def tip_percent(expense) -> Decimal | None:
    """The tip as a percentage of the pre-tax subtotal; None when there is no subtotal to measure against."""
    subtotal = expense.amount - expense.tax - expense.tip - (getattr(expense, "fees", None) or 0)
    if expense.amount is None or subtotal <= 0:
        return None
    return (Decimal(100) * expense.tip / subtotal).quantize(PERCENT_PLACES, rounding=ROUND_HALF_UP)


def pre_tax_subtotal() -> ExpressionWrapper:
    """`tip_percent`'s subtotal as a database expression, in the expense's currency."""
    fees = Coalesce(F("fees"), Value(Decimal(0))) if _has_fees() else Value(Decimal(0))
    return ExpressionWrapper(
        F("amount") - F("tax") - F("tip") - fees, output_field=DecimalField(max_digits=14, decimal_places=2)
    )


def _has_fees() -> bool:
    from expenses.models import Expense

    return any(field.name == "fees" for field in Expense._meta.concrete_fields)
