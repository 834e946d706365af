"""Properties of import parsing (reports/services/importing.py): no input crashes it, and what we write reads back."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mealtracker.errors import DomainError
from reports.services.importing import normalise_row, read_rows

cells = st.one_of(st.none(), st.text(max_size=30), st.integers(), st.floats(allow_nan=True), st.booleans())
headers = st.sampled_from(
    ["date", "time", "amount", "currency", "tax", "tip", "meal_type", "party_size", "restaurant", "notes", "tags",
     "is_business", "timezone", "datetime_utc", "occurred_at", "order_type", "exchange_rate", "cleared_date",
     "country", "payment_method", "bogus"]
)  # fmt: skip


@settings(max_examples=200)
@given(st.binary(max_size=2000), st.sampled_from(["x.csv", "x.xlsx", "x.json", "x.txt", ""]))
def test_any_file_either_reads_as_rows_or_is_refused_on_the_file_field(payload, filename):
    try:
        file_format, rows = read_rows(filename, payload)
    except DomainError as refused:
        refused_field = refused.field
        assert refused_field == "file"
        return
    assert file_format in {"csv", "xlsx", "json"}
    assert all(isinstance(line, int) and isinstance(row, dict) for line, row in rows)


# The first text strategy of a fresh run builds Hypothesis's character table (about 2 s): not slow input.
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(headers, cells, max_size=10))
def test_any_row_normalises_to_values_or_field_errors_never_an_exception(raw):
    values, errors = normalise_row(raw, default_currency="USD")

    assert isinstance(values, dict)
    assert all(isinstance(field, str) and isinstance(message, str) for field, message in errors.items())
    assert all(isinstance(warning, str) for warning in values.get("warnings", []))


@given(
    st.lists(
        st.tuples(
            st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2030, 12, 31)),
            st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_amounts_and_dates_written_to_csv_read_back_unchanged(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Date", "Amount", "Currency"])
    writer.writerows([[day.isoformat(), f"{amount:,.2f}", "USD"] for day, amount in rows])

    _, read = read_rows("meals.csv", out.getvalue().encode())
    normalised = [normalise_row(row, default_currency="USD") for _, row in read]

    assert [errors for _, errors in normalised] == [{}] * len(rows)
    assert [Decimal(values["amount"]) for values, _ in normalised] == [amount for _, amount in rows]


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"date": "2026-01-02", "amount": "12.00", "party_size": "inf"}, "party_size"),
        ({"date": "2026-01-02", "amount": "1e999"}, "amount"),
        ({"date": "2026-01-02", "amount": "12.00", "tip": "1e999"}, "tip"),
        ({"date": "2026-01-02", "amount": "12.00", "exchange_rate": "Infinity"}, "exchange_rate"),
        ({"date": "2026-01-02", "amount": "12.00", "exchange_rate": "NaN"}, "exchange_rate"),
        ({"datetime_utc": "NaN", "amount": "12.00"}, "datetime_utc"),
    ],
)
def test_non_finite_or_huge_numbers_are_field_errors_found_by_hypothesis(raw, field):
    _, errors = normalise_row(raw, default_currency="USD")

    assert field in errors
