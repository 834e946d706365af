"""`make bench`'s loader fills a migrated PostgreSQL database with set-based SQL: it must keep up with the schema
(every NOT NULL column a migration adds is filled with its model default) and satisfy every constraint."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from accounts.models import Team
from bench.load import load
from expenses.models import Expense, Restaurant

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the loader ends with VACUUM, which runs outside a transaction
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the bench loader is PostgreSQL's SQL"),
]


def test_the_bench_data_set_loads_into_todays_schema():
    timings = load(rows=400, users=8, teams=2, restaurants=16, log=lambda message: None)

    assert Team.objects.count() == 2
    assert get_user_model().objects.filter(email__endswith="@bench.test").count() == 8
    assert Restaurant.objects.count() == 16
    assert Expense.objects.count() == 400
    expense = Expense.objects.order_by("id").first()
    assert (expense.fees, expense.rate_source, expense.charged_currency) == (0, "same", "")
    assert set(Expense.objects.values_list("status", flat=True)) >= {"recorded", "submitted", "approved"}
    assert timings["total"] > 0
