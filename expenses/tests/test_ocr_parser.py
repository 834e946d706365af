import datetime
from decimal import Decimal

import pytest

from expenses.ocr.parser import amount_in, parse_date_text, parse_receipt_lines, parse_receipt_text, parse_time_text
from expenses.tests.receipt_images import TillReceipt

TODAY = datetime.date(2026, 11, 25)


def parse(text: str):
    return parse_receipt_text(text, today=TODAY)


def test_a_till_receipt_yields_every_field_with_decimal_money():
    fields = parse("\n".join(TillReceipt().lines()))

    assert fields.value("total") == Decimal("45.78")
    assert fields.value("subtotal") == Decimal("36.50")
    assert fields.value("tax") == Decimal("2.28")
    assert fields.value("tip") == Decimal("7.00")
    assert fields.value("date") == datetime.date(2026, 3, 7)
    assert fields.value("time") == datetime.time(19, 42)
    assert fields.value("merchant_name") == "THE GOLDEN SPOON"
    assert fields.value("address") == "123 Main Street, Boston, MA 02110"
    assert fields.value("phone") == "(617) 555-0123"


def test_every_confidence_is_between_zero_and_one():
    fields = parse("\n".join(TillReceipt().lines()))

    assert all(0 <= value["confidence"] <= 1 for value in fields.as_json().values())


def test_totals_that_add_up_are_more_confident_than_totals_that_do_not():
    adding_up = parse("Subtotal 10.00\nTax 1.00\nTotal 11.00")
    not_adding_up = parse("Subtotal 10.00\nTax 1.00\nTotal 15.00")

    assert adding_up.confidence("total") > not_adding_up.confidence("total")


def test_the_grand_total_wins_over_a_smaller_total_line():
    fields = parse("Food total 20.00\nTotal before tip 22.00\nTip 4.00\nTOTAL 26.00")

    assert fields.value("total") == Decimal("26.00")


def test_a_suggested_tip_line_is_not_the_tip():
    fields = parse("Subtotal 20.00\nTotal 20.00\nSuggested tip 18%: 3.60")

    assert fields.value("tip") is None


def test_a_subtotal_line_is_never_taken_for_the_total():
    fields = parse("SUBTOTAL 30.00\nTAX 2.40\nTOTAL 32.40")

    assert (fields.value("subtotal"), fields.value("total")) == (Decimal("30.00"), Decimal("32.40"))


def test_a_garbled_tax_is_derived_from_total_subtotal_and_tip_with_low_confidence():
    fields = parse("Subtotal 40.50\nSales Tax 2?3\nTip 8.00\nTOTAL 50.73")

    assert fields.value("tax") == Decimal("2.23")
    assert fields.confidence("tax") < 0.5


def test_an_unreadable_subtotal_is_the_sum_of_the_item_lines():
    fields = parse("2 Tacos 13.50\n1 Horchata 4.25\nSubtotal ~~\nTax 1.53\nTOTAL 19.28")

    assert fields.value("subtotal") == Decimal("17.75")


def test_without_any_total_line_the_largest_amount_is_a_low_confidence_guess():
    fields = parse("Coffee 3.50\nMuffin 2.75")

    assert fields.value("total") == Decimal("3.50")
    assert fields.confidence("total") < 0.5


@pytest.mark.parametrize(
    ("line", "amount"),
    [
        ("TOTAL $1,234.56", Decimal("1234.56")),
        ("Total 12,50", Decimal("12.50")),
        ("TOTAL S45.78", Decimal("45.78")),
        ("Total EUR 1.234,50", Decimal("1234.50")),
        ("Total due", None),
    ],
)
def test_amounts_are_read_in_the_usual_receipt_spellings(line, amount):
    assert amount_in(line) == amount


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("03/07/2026", datetime.date(2026, 3, 7)),
        ("3-7-26", datetime.date(2026, 3, 7)),
        ("2026-02-14", datetime.date(2026, 2, 14)),
        ("25/12/2025", datetime.date(2025, 12, 25)),
        ("Jan 23, 2026", datetime.date(2026, 1, 23)),
        ("7-Mar-26", datetime.date(2026, 3, 7)),
        ("14 February 2026", datetime.date(2026, 2, 14)),
        ("12/31/2099", None),
    ],
)
def test_dates_are_read_in_the_usual_receipt_formats_and_future_dates_are_refused(text, day):
    assert parse_date_text(text, today=TODAY) == day


@pytest.mark.parametrize(
    ("text", "moment"),
    [("7:42 PM", datetime.time(19, 42)), ("12:05", datetime.time(12, 5)), ("12:15 am", datetime.time(0, 15))],
)
def test_times_are_read_in_12_and_24_hour_forms(text, moment):
    assert parse_time_text(text) == moment


def test_a_line_with_low_ocr_confidence_gives_a_field_with_low_confidence():
    sure = parse_receipt_lines([("TOTAL 12.00", 0.95)], today=TODAY)
    unsure = parse_receipt_lines([("TOTAL 12.00", 0.40)], today=TODAY)

    assert unsure.confidence("total") < sure.confidence("total")


def test_the_merchant_name_skips_greetings_and_receipt_headings():
    fields = parse("WELCOME\nSales Receipt\nLUIGI'S TRATTORIA\n8 Elm St\nTotal 9.00")

    assert fields.value("merchant_name") == "LUIGI'S TRATTORIA"


def test_an_empty_text_yields_no_fields():
    fields = parse("")

    assert fields.as_json() == {}
