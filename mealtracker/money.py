"""Money helpers: ISO 4217 codes, quantising to a currency's minor unit, per-person division, allocation,
parsing and formatting.

Every amount in the product is a `Decimal` paired with a currency code; nothing here ever touches float. This is
the only module that rounds money: half-up to the currency's minor unit (2 decimals for USD, none for JPY, 3 for
BHD), the way receipts and banks round. Rates and percentages are not money and are rounded where they are made.
"""

import datetime
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache

from babel import Locale
from babel.core import get_global
from babel.numbers import format_currency, get_currency_precision, get_currency_symbol, get_territory_currencies
from django.conf import settings


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


@lru_cache(maxsize=512)
def minor_units(currency: str) -> int:
    """Digits after the decimal point for a currency: 2 for USD, 0 for JPY, 3 for BHD."""
    return get_currency_precision(currency)


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round half-up to the currency's minor unit (the way receipts and banks round).

    The one rounding of money in the product: every amount shown or stored goes through here."""
    return Decimal(amount).quantize(minor_unit(currency), rounding=ROUND_HALF_UP)


def as_money(value: Decimal | int | None, currency: str | None = None) -> Decimal:
    """A database figure (a SUM is None when no row matched) as money: quantised half-up, None read as zero.

    `currency` defaults to the reporting currency, the one every stored `reporting_amount` is in."""
    return quantize(Decimal(value or 0), currency or settings.REPORTING_CURRENCY)


def average(total: Decimal | None, count: int | None, currency: str | None = None) -> Decimal | None:
    """`total` shared over `count` (visits, people), rounded like `per_person`; None when there is nothing to share
    over. `currency` defaults to the reporting currency."""
    if not count:
        return None
    return per_person(Decimal(total or 0), int(count), currency or settings.REPORTING_CURRENCY)


def minor_unit(currency: str) -> Decimal:
    """The smallest amount of a currency: Decimal("0.01") for USD, Decimal("1") for JPY, Decimal("0.001") for BHD."""
    return Decimal(1).scaleb(-minor_units(currency))


def per_person(amount: Decimal, party_size: int, currency: str) -> Decimal:
    """What one person's part of `amount` is, rounded half-up to the currency's minor unit (1000 JPY / 3 = 333)."""
    if isinstance(party_size, bool) or not isinstance(party_size, int) or party_size < 1:
        raise ValueError(f"A party size must be a whole number of at least 1, not {party_size!r}.")
    return quantize(Decimal(amount) / party_size, currency)


def allocate(total: Decimal, weights: Sequence[Decimal | int], currency: str) -> list[Decimal]:
    """Split `total` in proportion to `weights` by the largest remainder method.

    Each share is a whole number of minor units and the shares add up to exactly `total`. Every share first gets
    the floor of its exact part; the units left over go one each to the largest fractional parts, and equal
    fractions go to the earlier weight, so the same input always gives the same split. A negative total (a
    refund) is split like its absolute value, then negated."""
    if not weights:
        raise ValueError("Nothing to allocate to: give at least one weight.")
    exact_weights = [Fraction(Decimal(w)) if not isinstance(w, int) else Fraction(w) for w in weights]
    if any(w < 0 for w in exact_weights):
        raise ValueError("Allocation weights cannot be negative.")
    weight_sum = sum(exact_weights)
    if weight_sum == 0:
        raise ValueError("Allocation weights add up to zero: at least one must be positive.")
    total = Decimal(total)
    if not total.is_finite() or not has_valid_precision(total, currency):
        raise ValueError(precision_error(currency) + f" {total} {currency} cannot be allocated.")
    unit = minor_unit(currency)
    units = int(abs(total).scaleb(minor_units(currency)))
    exact = [units * w / weight_sum for w in exact_weights]
    floors = [part.numerator // part.denominator for part in exact]
    left_over = units - sum(floors)
    # Largest fractional part first; among equals, the earlier position (sort is stable on the index key).
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for index in by_remainder[:left_over]:
        floors[index] += 1
    sign = -1 if total < 0 else 1
    return [(sign * count * unit).quantize(unit) for count in floors]


def precision_error(currency: str) -> str:
    """The message for an amount with more decimals than its currency has ("JPY takes no decimals.")."""
    digits = minor_units(currency)
    if digits == 0:
        return f"{currency} takes no decimals."
    words = {1: "one decimal place", 2: "two decimal places", 3: "three decimal places"}
    return f"{currency} amounts have at most {words.get(digits, f'{digits} decimal places')}."


def has_valid_precision(amount: Decimal, currency: str) -> bool:
    """True when the amount has no more decimal places than the currency allows."""
    value = Decimal(amount)
    # "0.00" is fine for JPY; "0.50" is not: compare the value, not how many digits were written.
    return value == value.quantize(minor_unit(currency), rounding=ROUND_HALF_UP)


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


def amount_text(amount: Decimal | None, currency: str) -> str | None:
    """An amount as a plain decimal string with its currency's decimals, for the API: "1000" JPY, "12.50" USD."""
    return None if amount is None else f"{quantize(amount, currency):f}"


def format_money(amount: Decimal | None, currency: str, locale: str = "en_US") -> str:
    """Human formatting for pages and PDFs: "$1,234.50", "¥1,235", "1.234,50 €"."""
    if amount is None:
        return ""
    # Quantised here first: Babel would otherwise round to the currency's digits half-even (0.125 -> "$0.12").
    value = quantize(amount, currency)
    symbol = _plain_prefix_symbol(currency, locale)
    if symbol is None:
        return format_currency(value, currency, locale=locale)
    text = f"{symbol}{abs(value):,f}"
    return f"-{text}" if value.is_signed() else text  # Babel writes a negative zero as "-$0.00" too


@lru_cache(maxsize=512)
def _plain_prefix_symbol(currency: str, locale: str) -> str | None:
    """The currency's symbol where the locale writes money as the symbol, then the digits grouped by commas with a
    point before the decimals ("¤#,##0.00", en_US), so Python's own formatting writes what Babel would: a page
    shows dozens of amounts and Babel's pattern engine was a sixth of its rendering. None for any other layout."""
    parsed = Locale.parse(locale)
    symbols = parsed.number_symbols.get("latn", {})
    plain = (symbols.get("group"), symbols.get("decimal"), symbols.get("minusSign")) == (",", ".", "-")
    if parsed.currency_formats["standard"].pattern != "¤#,##0.00" or not plain:
        return None
    return get_currency_symbol(currency, locale)


def format_money_code(amount: Decimal | None, currency: str) -> str:
    """Money with its ISO code, "1,234.50 EUR" or "1,000 JPY": for PDFs of several currencies (fonts lack symbols)."""
    if amount is None:
        return ""
    return f"{quantize(amount, currency):,.{minor_units(currency)}f} {currency}"


# The largest amounts the columns hold: an amount, tax, tip or converted amount is a Decimal(12, 2), an exchange rate
# a Decimal(18, 8). Input beyond them is refused on its field (a 400), never left to overflow the database (a 500);
# so is a rate that would convert an amount beyond MAX_AMOUNT.
MAX_AMOUNT = Decimal("9999999999.99")
MAX_EXCHANGE_RATE = Decimal("9999999999.99999999")
MIN_EXCHANGE_RATE = Decimal("0.00000001")  # eight decimal places: anything smaller is stored as zero
# Sums of amounts outgrow one amount's twelve digits: they are written out with `amount_text`, never through a
# twelve-digit field (reports/tests/test_huge_amounts.py, expenses/tests/test_money_bounds.py).
