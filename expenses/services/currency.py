"""Converting a meal's amount into the reporting currency: the stored rates, a typed rate, or what the card charged."""

import dataclasses
import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from expenses.choices import RateSource
from expenses.models import ExchangeRate
from mealtracker.errors import DomainError
from mealtracker.money import (
    MAX_AMOUNT,
    MAX_EXCHANGE_RATE,
    MIN_EXCHANGE_RATE,
    has_valid_precision,
    is_currency_code,
    precision_error,
    quantize,
)

RATE_PLACES = Decimal("0.00000001")  # an exchange rate's eight decimal places

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


def stored_rate_on(currency: str, on_date: datetime.date) -> tuple[datetime.date, Decimal] | None:
    """(its date, the rate): the newest stored rate for `currency` from the MAX_RATE_AGE before `on_date`."""
    if currency == settings.REPORTING_CURRENCY:
        return on_date, Decimal(1)
    return (
        ExchangeRate.objects.filter(currency=currency, date__lte=on_date, date__gte=on_date - MAX_RATE_AGE)
        .order_by("-date")
        .values_list("date", "rate")
        .first()
    )


@dataclasses.dataclass(frozen=True)
class Conversion:
    """How a meal's amount became its reporting amount, stored on the expense with it."""

    reporting_amount: Decimal
    exchange_rate: Decimal  # reporting-currency units per unit of the meal's currency
    source: str  # RateSource: same, typed, card or stored
    rate_date: datetime.date | None  # the stored rate's own date; the meal's day for a typed or card rate
    charged_currency: str  # "" unless the card's amount was given
    card_fee: Decimal | None  # what the card charged over the stored rates, in the charged currency


def _stored(currency: str, on_date: datetime.date, known: dict | None):
    """stored_rate_on, remembered in `known` (a batch looks each currency and day up once)."""
    if known is None:
        return stored_rate_on(currency, on_date)
    key = ("on", currency, on_date)
    if key not in known:
        known[key] = stored_rate_on(currency, on_date)
    return known[key]


def _check_charged(charged_amount: Decimal, charged_currency: str, currency: str) -> None:
    if not is_currency_code(charged_currency):
        raise DomainError(f"{charged_currency} is not a supported ISO 4217 currency code.", field="charged_currency")
    if charged_currency == currency:
        raise DomainError(
            "The card charged in the meal's own currency: give the card's amount only for a meal in another currency.",
            field="charged_currency",
        )
    if charged_amount <= 0:
        raise DomainError("The amount charged must be greater than zero.", field="charged_amount")
    if abs(charged_amount) > MAX_AMOUNT:
        raise DomainError(f"An amount can be at most {MAX_AMOUNT:,}.", field="charged_amount", code="max_value")
    if not has_valid_precision(charged_amount, charged_currency):
        raise DomainError(precision_error(charged_currency), field="charged_amount")


def conversion_for(
    *,
    amount: Decimal,
    currency: str,
    on_date: datetime.date,
    rate: Decimal | None = None,
    charged_amount: Decimal | None = None,
    charged_currency: str = "",
    known: dict | None = None,
) -> Conversion:
    """The one conversion of a meal into the reporting currency, for every write path (web, API, admin, import,
    restore, bulk), and where its rate came from.

    - The card's amount given (dual-amount entry: `amount` as on the menu, `charged_amount` in the card's currency):
      the rate is what the card implies (source "card", dated the meal's day); the card's fee is the charge over the
      stored rates of the day, when both are known. A typed rate is then not used.
    - Otherwise a typed rate (source "typed", the meal's day), else the stored rate of the day (source "stored",
      dated as stored); none is an error naming `exchange_rate`, never a silent 1.0.
    - A meal in the reporting currency: no conversion (source "same")."""
    reporting = settings.REPORTING_CURRENCY
    if charged_amount is not None:
        charged_currency = (charged_currency or "").upper()
        _check_charged(charged_amount, charged_currency, currency)
        if charged_currency == reporting:
            reporting_amount = quantize(charged_amount, reporting)
        else:  # a card in a third currency: its amount converted at the stored rate of the day
            charged_rate = _stored(charged_currency, on_date, known)
            if charged_rate is None:
                raise DomainError(missing_rate(charged_currency, on_date).message, field="charged_currency")
            reporting_amount, _ = convert_to_reporting(
                amount=charged_amount, currency=charged_currency, on_date=on_date, rate=charged_rate[1]
            )
        implied = (reporting_amount / amount).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)
        _check_rate(implied, "charged_amount")
        menu_rate, charged_rate = _stored(currency, on_date, known), _stored(charged_currency, on_date, known)
        fee = None
        if menu_rate is not None and charged_rate is not None:
            at_market = quantize(amount * menu_rate[1] / charged_rate[1], charged_currency)
            fee = charged_amount - at_market
        return Conversion(reporting_amount, implied, RateSource.CARD, on_date, charged_currency, fee)
    if currency == reporting:
        return Conversion(quantize(amount, reporting), Decimal(1), RateSource.SAME, None, "", None)
    if rate is not None:
        converted, used = convert_to_reporting(amount=amount, currency=currency, on_date=on_date, rate=rate)
        return Conversion(converted, used, RateSource.TYPED, on_date, "", None)
    found = _stored(currency, on_date, known)
    if found is None:
        raise missing_rate(currency, on_date)
    converted, used = convert_to_reporting(amount=amount, currency=currency, on_date=on_date, rate=found[1])
    return Conversion(converted, used, RateSource.STORED, found[0], "", None)


def _check_rate(rate: Decimal, field: str) -> None:
    if not MIN_EXCHANGE_RATE <= rate <= MAX_EXCHANGE_RATE:
        raise DomainError(
            f"These amounts imply a rate of {rate:f}; a rate is between {MIN_EXCHANGE_RATE:f} and "
            f"{MAX_EXCHANGE_RATE:,}.",
            field=field,
            code="out_of_range",
        )
