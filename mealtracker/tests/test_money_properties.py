"""Properties of money parsing and rounding (mealtracker/money.py), for any input Hypothesis can think of."""

from decimal import Decimal
from fractions import Fraction

import pytest
from babel.numbers import format_currency, list_currencies
from hypothesis import example, given
from hypothesis import strategies as st

from mealtracker.money import (
    allocate,
    format_money,
    has_valid_precision,
    minor_units,
    parse_amount,
    per_person,
    precision_error,
    quantize,
)

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


# Allocation and per-person division, for currencies with 0 (JPY), 2 (USD) and 3 (BHD, KWD) decimals.
exponent_currencies = st.sampled_from(["JPY", "USD", "EUR", "BHD", "KWD"])


@st.composite
def totals_in(draw, currency_strategy=exponent_currencies):
    currency = draw(currency_strategy)
    units = draw(st.integers(min_value=-(10**9), max_value=10**9))
    return Decimal(units).scaleb(-minor_units(currency)), currency


weights = st.lists(
    st.one_of(st.integers(min_value=0, max_value=1000), st.decimals(min_value=0, max_value=1000, places=3)),
    min_size=1,
    max_size=12,
).filter(lambda ws: sum(ws) > 0)


@given(totals_in(), weights)
@example((Decimal("0.01"), "USD"), [1, 1, 1])
@example((Decimal("1000"), "JPY"), [1, 1, 1])
@example((Decimal("0.001"), "BHD"), [0, Decimal("0.5"), Decimal("0.5")])
def test_allocated_shares_add_up_exactly_and_are_whole_minor_units(total_and_currency, ws):
    total, currency = total_and_currency
    shares = allocate(total, ws, currency)

    assert len(shares) == len(ws)
    assert sum(shares) == total
    unit = Decimal(1).scaleb(-minor_units(currency))
    assert all(share % unit == 0 for share in shares)
    assert all(has_valid_precision(share, currency) for share in shares)


@given(totals_in(), weights)
def test_each_share_is_within_one_minor_unit_of_its_exact_part(total_and_currency, ws):
    total, currency = total_and_currency
    shares = allocate(total, ws, currency)

    unit = Decimal(1).scaleb(-minor_units(currency))
    weight_sum = sum(Fraction(Decimal(w)) for w in ws)
    for share, weight in zip(shares, ws, strict=True):
        exact = Fraction(total) * Fraction(Decimal(weight)) / weight_sum
        assert abs(Fraction(share) - exact) < Fraction(unit)
        if weight == 0:
            assert share == 0


@given(totals_in(), st.integers(min_value=1, max_value=50))
def test_equal_weights_give_shares_at_most_one_minor_unit_apart_larger_first(total_and_currency, people):
    total, currency = total_and_currency
    shares = allocate(total, [1] * people, currency)

    unit = Decimal(1).scaleb(-minor_units(currency))
    assert max(shares) - min(shares) <= unit
    assert sum(shares) == total
    # Ties are broken by order: the extra units go to the first people.
    assert shares == sorted(shares, key=abs, reverse=True)


def test_allocation_breaks_ties_towards_the_earlier_weight():
    assert allocate(Decimal("100.00"), [1, 1, 1], "USD") == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    assert allocate(Decimal("1000"), [1, 1, 1], "JPY") == [Decimal("334"), Decimal("333"), Decimal("333")]
    assert allocate(Decimal("1.000"), [1, 2], "BHD") == [Decimal("0.333"), Decimal("0.667")]
    assert allocate(Decimal("-10.00"), [1, 1, 1], "USD") == [Decimal("-3.34"), Decimal("-3.33"), Decimal("-3.33")]


@pytest.mark.parametrize(
    ("total", "weights", "currency", "message"),
    [
        (Decimal("10.00"), [], "USD", "at least one weight"),
        (Decimal("10.00"), [0, 0], "USD", "add up to zero"),
        (Decimal("10.00"), [1, -1], "USD", "cannot be negative"),
        (Decimal("1000.5"), [1, 1], "JPY", "JPY takes no decimals"),
        (Decimal("1.005"), [1, 1], "USD", "at most two decimal places"),
        (Decimal("1.0005"), [1, 1], "KWD", "at most three decimal places"),
    ],
)
def test_allocation_refuses_what_it_cannot_split_with_a_clear_error(total, weights, currency, message):
    with pytest.raises(ValueError, match=message):
        allocate(total, weights, currency)


@pytest.mark.parametrize(
    ("amount", "party_size", "currency", "expected"),
    [
        (Decimal("50"), 3, "USD", Decimal("16.67")),
        (Decimal("1000"), 3, "JPY", Decimal("333")),
        (Decimal("1001"), 2, "JPY", Decimal("501")),  # 500.5 rounds half up, not to the even 500
        (Decimal("0.05"), 2, "USD", Decimal("0.03")),  # 0.025 rounds half up, not to the even 0.02
        (Decimal("10.000"), 3, "BHD", Decimal("3.333")),
        (Decimal("64.00"), 2, "USD", Decimal("32.00")),
        (Decimal("12.34"), 1, "EUR", Decimal("12.34")),
    ],
)
def test_per_person_divides_then_rounds_half_up_to_the_minor_unit(amount, party_size, currency, expected):
    result = per_person(amount, party_size, currency)

    assert result == expected
    assert result.as_tuple().exponent == -minor_units(currency)


@pytest.mark.parametrize("party_size", [0, -2, True, 1.5])
def test_per_person_refuses_a_party_that_is_not_a_positive_whole_number(party_size):
    with pytest.raises(ValueError, match="party size"):
        per_person(Decimal("10"), party_size, "USD")


@pytest.mark.parametrize(
    ("currency", "message"),
    [
        ("JPY", "JPY takes no decimals."),
        ("KRW", "KRW takes no decimals."),
        ("USD", "USD amounts have at most two decimal places."),
        ("BHD", "BHD amounts have at most three decimal places."),
    ],
)
def test_the_precision_error_names_what_the_currency_allows(currency, message):
    assert precision_error(currency) == message


@given(
    st.decimals(min_value=Decimal("-9999999999.999"), max_value=Decimal("9999999999.999"), places=3),
    st.sampled_from(sorted(list_currencies())),
    st.sampled_from(["en_US", "en_GB", "de_DE", "fr_FR", "ja_JP"]),
)
@example(Decimal("-0.001"), "USD", "en_US")
@example(Decimal("-0"), "JPY", "en_US")
@example(Decimal("1234.5"), "CAD", "en_US")
def test_money_is_written_as_babel_writes_it(amount, currency, locale):
    """format_money writes the common layout itself; every currency and locale still reads as Babel's output."""
    assert format_money(amount, currency, locale) == format_currency(
        quantize(amount, currency), currency, locale=locale
    )
