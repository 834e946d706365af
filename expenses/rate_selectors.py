"""The rate a member typed for a foreign-currency meal, checked against the stored rate of that day.

A member may enter the rate they were charged (card fees, cash bought at the airport), so a typed rate is not
refused; but an approver should see when it is far from the market's, since it inflates the reimbursed amount.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from expenses.models import ExchangeRate, Expense
from expenses.services.currency import MAX_RATE_AGE

PERCENT = Decimal("0.01")


@dataclass(frozen=True)
class RateCheck:
    currency: str  # the meal's currency; each rate is reporting-currency units per one unit of it
    rate: Decimal  # the rate the meal was converted with
    stored_rate: Decimal | None  # the stored rate for the meal's day (the newest within MAX_RATE_AGE), if any
    stored_on: datetime.date | None
    deviation_percent: Decimal | None  # how far the rate is from the stored one, in percent of it
    tolerance_percent: Decimal

    @property
    def reporting_currency(self) -> str:
        return settings.REPORTING_CURRENCY

    @property
    def beyond_tolerance(self) -> bool:
        return self.deviation_percent is not None and self.deviation_percent > self.tolerance_percent

    def as_json(self) -> dict:
        return {
            "rate": f"{self.rate:f}",
            "stored_rate": None if self.stored_rate is None else f"{self.stored_rate:f}",
            "stored_on": None if self.stored_on is None else self.stored_on.isoformat(),
            "deviation_percent": None if self.deviation_percent is None else f"{self.deviation_percent:f}",
            "tolerance_percent": f"{self.tolerance_percent:f}",
            "beyond_tolerance": self.beyond_tolerance,
        }


def rate_checks(expenses: Iterable[Expense]) -> dict[int, RateCheck]:
    """A RateCheck for each foreign-currency meal among `expenses` (by id), from one query however many there are.
    Meals in the reporting currency have none. Each meal's day is its owner's local date, as for the conversion."""
    foreign = [expense for expense in expenses if expense.currency != settings.REPORTING_CURRENCY]
    if not foreign:
        return {}
    days = {expense.pk: expense.occurred_at.astimezone(expense.owner.tzinfo).date() for expense in foreign}
    stored = defaultdict(list)  # currency -> [(date, rate)], newest first
    for currency, date, rate in (
        ExchangeRate.objects.filter(
            currency__in={expense.currency for expense in foreign},
            date__gte=min(days.values()) - MAX_RATE_AGE,
            date__lte=max(days.values()),
        )
        .order_by("currency", "-date")
        .values_list("currency", "date", "rate")
    ):
        stored[currency].append((date, rate))
    tolerance = Decimal(str(settings.EXCHANGE_RATE_TOLERANCE_PERCENT))
    checks = {}
    for expense in foreign:
        day = days[expense.pk]
        # The same rate `stored_rate` would pick for that day: the newest from the MAX_RATE_AGE before it.
        match = next(((on, rate) for on, rate in stored[expense.currency] if day - MAX_RATE_AGE <= on <= day), None)
        stored_on, stored_rate = match or (None, None)
        deviation = None
        if stored_rate:
            deviation = (abs(expense.exchange_rate - stored_rate) * 100 / stored_rate).quantize(PERCENT)
        checks[expense.pk] = RateCheck(
            expense.currency, expense.exchange_rate, stored_rate, stored_on, deviation, tolerance
        )
    return checks
