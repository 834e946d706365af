import datetime
from decimal import Decimal

from django.conf import settings

from expenses.models import ExchangeRate
from mealtracker.errors import DomainError
from mealtracker.money import MAX_AMOUNT, MAX_EXCHANGE_RATE, MIN_EXCHANGE_RATE, quantize

# A rate older than this is not trusted for a conversion; the user is asked for one instead.
MAX_RATE_AGE = datetime.timedelta(days=14)


def convert_to_reporting(
    *, amount: Decimal, currency: str, on_date: datetime.date, rate: Decimal | None = None
) -> tuple[Decimal, Decimal]:
    """Amount in the reporting currency and the rate used. A missing rate is an error, never 1.0."""
    reporting = settings.REPORTING_CURRENCY
    if currency == reporting:
        return quantize(amount, reporting), Decimal(1)
    typed = rate is not None
    if rate is None:
        rate = stored_rate(currency, on_date)
        if rate is None:
            raise missing_rate(currency, on_date)
    if rate <= 0:
        raise DomainError("The exchange rate must be greater than zero.", field="exchange_rate")
    if not MIN_EXCHANGE_RATE <= rate <= MAX_EXCHANGE_RATE:
        raise DomainError(
            f"An exchange rate is between {MIN_EXCHANGE_RATE:f} and {MAX_EXCHANGE_RATE:,}.",
            field="exchange_rate",
            code="out_of_range",
        )
    converted = quantize(amount * rate, reporting)
    # Named on the rate the member typed, or on the amount when the stored rate was used.
    field = "exchange_rate" if typed else "amount"
    if converted > MAX_AMOUNT:
        raise DomainError(
            f"At this rate the amount is {converted:,} {reporting}, more than the {MAX_AMOUNT:,} an amount can be.",
            field=field,
            code="out_of_range",
        )
    if converted <= 0:
        message = f"At this rate the amount rounds to nothing in {reporting}."
        raise DomainError(message, field=field, code="out_of_range")
    return converted, rate


def stored_rate(currency: str, on_date: datetime.date) -> Decimal | None:
    """The newest stored rate for `currency` from the MAX_RATE_AGE before `on_date`, if there is one."""
    return (
        ExchangeRate.objects.filter(currency=currency, date__lte=on_date, date__gte=on_date - MAX_RATE_AGE)
        .order_by("-date")
        .values_list("rate", flat=True)
        .first()
    )


def missing_rate(currency: str, on_date: datetime.date) -> DomainError:
    """The error for a conversion with no rate given and none stored."""
    return DomainError(
        f"No exchange rate from {currency} to {settings.REPORTING_CURRENCY} is known for {on_date:%Y-%m-%d}; "
        "enter the rate you were charged.",
        field="exchange_rate",
        code="missing_exchange_rate",
    )
