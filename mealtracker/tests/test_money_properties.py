"""Properties of money parsing and rounding (mealtracker/money.py), for any input Hypothesis can think of."""

from decimal import Decimal

from hypothesis import example, given
from hypothesis import strategies as st

from mealtracker.money import has_valid_precision, minor_units, parse_amount, quantize

cents = st.decimals(min_value=Decimal("-99999999.99"), max_value=Decimal("99999999.99"), places=2)
currencies = st.sampled_from(["USD", "EUR", "JPY", "GBP", "CHF", "KRW"])


@given(cents)
def test_a_formatted_amount_parses_back_to_itself(amount):
    assert parse_amount(f"{amount:,.2f}") == amount
    assert parse_amount(f" {amount:.2f} ") == amount


@given(cents.filter(lambda a: a >= 0), st.sampled_from("$€£¥"))
def test_a_currency_symbol_and_accounting_parentheses_are_understood(amount, symbol):
    assert parse_amount(f"{symbol}{amount:,.2f}") == amount
    assert parse_amount(f"({amount:.2f})") == -amount


@given(st.text(max_size=40))
@example("NaN")
@example("Infinity")
@example("-inf")
@example("1e999999999")
@example("()")
def test_any_text_either_parses_to_a_finite_decimal_or_raises_value_error(text):
    try:
        value = parse_amount(text)
    except ValueError:
        return
    assert value.is_finite()


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**9), max_value=10**9), currencies)
def test_quantize_is_idempotent_within_half_a_minor_unit_and_valid(amount, currency):
    rounded = quantize(amount, currency)

    assert quantize(rounded, currency) == rounded
    assert abs(rounded - amount) <= Decimal(1).scaleb(-minor_units(currency)) / 2
    assert has_valid_precision(rounded, currency)
