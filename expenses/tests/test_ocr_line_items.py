"""A receipt's item lines, from Textract's LineItemGroups and from the text parser, fill a meal's items."""

import json
from decimal import Decimal
from pathlib import Path

import pytest

from expenses.models import LineItem
from expenses.ocr import ReceiptFields
from expenses.ocr.parser import parse_receipt_text
from expenses.ocr.textract import parse_analyze_expense
from expenses.services.ocr import receipt_read
from expenses.tests.factories import ExpenseFactory, ReceiptFactory
from expenses.tests.split_factories import LineItemFactory

FIXTURES = Path(__file__).parent / "fixtures" / "textract"
GOLDEN_SPOON_TEXT = """THE GOLDEN SPOON
123 Main Street
Boston, MA 02110
Tel (617) 555-0123
Date: 03/07/2026 Time: 7:42 PM
Server: Alex Table: 12
2 Burger 25.00
1 Caesar Salad 11.50
Subtotal 36.50
Sales Tax 2.28
Tip 7.00
TOTAL $45.78
Thank you for dining with us!"""


def _lines(fields: ReceiptFields):
    return [(item.description, item.quantity, item.amount) for item in fields.items]


def test_textract_line_item_groups_become_items_with_their_quantities():
    response = json.loads((FIXTURES / "analyze_expense_golden_spoon.json").read_text())

    fields = parse_analyze_expense(response)

    assert _lines(fields) == [("Burger", Decimal(2), Decimal("25.00")), ("Caesar Salad", Decimal(1), Decimal("11.50"))]
    assert all(item.confidence > 0.9 for item in fields.items)


def test_without_line_item_groups_textract_falls_back_to_the_item_lines_of_its_text():
    response = json.loads((FIXTURES / "analyze_expense_sparse.json").read_text())

    fields = parse_analyze_expense(response)

    assert _lines(fields) == [("Chowder", Decimal(1), Decimal("9.50")), ("Lobster Roll", Decimal(1), Decimal("24.00")),
                              ("Iced Tea", Decimal(2), Decimal("7.00"))]  # fmt: skip


def test_the_text_parser_reads_item_lines_between_the_header_and_the_subtotal():
    fields = parse_receipt_text(GOLDEN_SPOON_TEXT)

    assert _lines(fields) == [("Burger", Decimal(2), Decimal("25.00")), ("Caesar Salad", Decimal(1), Decimal("11.50"))]
    assert sum(item.amount for item in fields.items) == fields.value("subtotal")


def test_a_receipt_without_item_lines_yields_no_items():
    assert parse_receipt_text("CAFE\nTOTAL 4.50").items == []


class TextBackend:
    name = "text"

    def read(self, data, content_type):
        return parse_receipt_text(GOLDEN_SPOON_TEXT)


@pytest.mark.django_db
def test_reading_a_receipt_fills_the_meals_items_and_keeps_them_in_the_reading(member):
    expense = ExpenseFactory(owner=member, amount=Decimal("45.78"), tax=Decimal("2.28"), tip=Decimal("7.00"))
    receipt = ReceiptFactory(expense=expense)

    receipt_read(receipt, backend=TextBackend())

    assert list(LineItem.objects.filter(expense=expense).values_list("description", "quantity", "amount")) == [
        ("Burger", Decimal(2), Decimal("25.00")), ("Caesar Salad", Decimal(1), Decimal("11.50"))]  # fmt: skip
    assert [line["description"] for line in receipt.reading.fields["line_items"]] == ["Burger", "Caesar Salad"]


@pytest.mark.django_db
def test_items_the_user_typed_are_never_replaced_by_a_reading(member):
    expense = ExpenseFactory(owner=member)
    LineItemFactory(expense=expense, description="Typed by hand", amount=Decimal("19.00"))

    receipt_read(ReceiptFactory(expense=expense), backend=TextBackend())

    assert list(LineItem.objects.values_list("description", flat=True)) == ["Typed by hand"]
