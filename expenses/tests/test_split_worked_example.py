"""The worked example of docs/splits.md: dinner at Osteria Lucca, split by items among Alice, Bob and a guest."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from expenses.services.splits import expense_split, line_items_replace
from expenses.split_selectors import debts_owed_by
from expenses.tests.split_factories import dinner_with, key_of

pytestmark = pytest.mark.django_db
D = Decimal
RECEIPT = [("Burrata", 1, "18.00"), ("Tagliatelle al ragu", 1, "26.00"), ("Branzino", 1, "34.00"),
           ("Margherita", 1, "19.00"), ("Aperol spritz", 2, "28.00"), ("Tiramisu", 1, "11.00")]  # fmt: skip


def test_the_osteria_lucca_dinner_splits_as_the_docs_say(member, teammate):
    dinner = dinner_with(member, teammate, guests=["Chen Wei"], amount="174.08", tax="9.52", tip="24.48",
                         fees="4.08")  # fmt: skip
    burrata, tagliatelle, branzino, pizza, spritz, tiramisu = line_items_replace(
        expense=dinner, actor=member,
        items=[{"description": d, "quantity": q, "amount": a} for d, q, a in RECEIPT],
    )  # fmt: skip
    alice, bob, chen = "owner", key_of(dinner, teammate), key_of(dinner, name="Chen Wei")

    shares = expense_split(expense=dinner, actor=member, method="items", items={
        burrata.pk: [alice, bob, chen], tagliatelle.pk: [alice], branzino.pk: [bob], pizza.pk: [chen],
        spritz.pk: [alice, chen], tiramisu.pk: [bob, chen]})  # fmt: skip

    table = [(s.subtotal, s.tax, s.tip, s.fees, s.total, s.rounding) for s in shares]
    assert table == [
        (D("46.00"), D("3.22"), D("8.28"), D("1.38"), D("58.88"), D("0.00")),
        (D("45.50"), D("3.19"), D("8.19"), D("1.37"), D("58.25"), D("0.01")),
        (D("44.50"), D("3.11"), D("8.01"), D("1.33"), D("56.95"), D("-0.01")),
    ]
    assert [debt.total for debt in debts_owed_by(teammate)] == [D("58.25")]


def test_the_docs_show_the_same_figures():
    text = (Path(settings.BASE_DIR) / "docs" / "splits.md").read_text()

    for figure in ("58.88", "58.25", "56.95", "3.19", "3.11", "1.37", "1.33", "Bob owes Alice 58.25"):
        assert figure in text
