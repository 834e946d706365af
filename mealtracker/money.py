"""Money helpers: ISO 4217 codes, quantising to a currency's minor unit, parsing and formatting.

Every amount in the product is a `Decimal` paired with a currency code; nothing here ever touches float.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from babel.core import get_global
from babel.numbers import format_currency, get_currency_precision, get_territory_currencies


@lru_cache(maxsize=1)
def active_currency_codes() -> frozenset[str]:
    """ISO 4217 codes that are legal tender somewhere today (from CLDR, shipped with Babel)."""
    today = datetime.date(2026, 1, 1)  # a fixed date keeps the list stable between runs
    codes: set[str] = set()
    for territory in get_global("territory_currencies"):
        codes.update(get_territory_currencies(territory, today, tender=True))
    return frozenset(codes)


@lru_cache(maxsize=1)
def supported_currency_codes() -> frozenset[str]:
    """Active codes whose minor unit fits our two-decimal amounts (excludes BHD, KWD, OMR, ...)."""
    return frozenset(code for code in active_currency_codes() if get_currency_precision(code) <= 2)


def is_currency_code(code: str) -> bool:
    return isinstance(code, str) and code in supported_currency_codes()


def currency_choices() -> list[tuple[str, str]]:
    return [(code, code) for code in sorted(supported_currency_codes())]


def minor_units(currency: str) -> int:
    """Digits after the decimal point for a currency: 2 for USD, 0 for JPY, 3 for BHD."""
    return get_currency_precision(currency)


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round half-up to the currency's minor unit (the way receipts and banks round)."""
    exponent = Decimal(1).scaleb(-minor_units(currency))
    return Decimal(amount).quantize(exponent, rounding=ROUND_HALF_UP)


def has_valid_precision(amount: Decimal, currency: str) -> bool:
    """True when the amount has no more decimal places than the currency allows."""
    value = Decimal(amount)
    # "0.00" is fine for JPY; "0.50" is not: compare the value, not how many digits were written.
    return value == value.quantize(Decimal(1).scaleb(-minor_units(currency)), rounding=ROUND_HALF_UP)


def parse_amount(text: str | int | Decimal) -> Decimal:
    """Parse user or file input such as "1,234.50", "$12", "12.5"; raises ValueError when it is not money."""
    if isinstance(text, Decimal):
        value = text
    elif isinstance(text, int):
        value = Decimal(text)
    else:
        cleaned = str(text).strip().replace(",", "").replace(" ", "")
        cleaned = cleaned.lstrip("$€£¥")
        negative = cleaned.startswith("(") and cleaned.endswith(")")
        cleaned = cleaned.strip("()")
        try:
            value = Decimal(cleaned)
        except InvalidOperation as exc:
            raise ValueError(f"{text!r} is not an amount") from exc
        if negative:
            value = -value
    if not value.is_finite():
        raise ValueError(f"{text!r} is not an amount")
    return value


def format_money(amount: Decimal | None, currency: str, locale: str = "en_US") -> str:
    """Human formatting for pages and PDFs: "$1,234.50", "¥1,235", "1.234,50 €"."""
    if amount is None:
        return ""
    return format_currency(amount, currency, locale=locale)
