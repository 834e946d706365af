"""Report arithmetic as properties: for any set of meals, the report's buckets add up to the summary's total."""

import datetime
import itertools
from decimal import ROUND_HALF_UP, Decimal

from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from expenses.models import Expense
from expenses.tests.factories import ExpenseFactory

START = datetime.datetime(2026, 1, 1, 12, tzinfo=datetime.UTC)
meals = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=364),  # day of 2026
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999.99"), places=2),
        st.integers(min_value=1, max_value=12),  # party size
    ),
    min_size=1,
    max_size=12,
)


def report(client, kind, **params):
    query = {"date_from": "2026-01-01", "date_to": "2026-12-31", **params}
    response = client.get(reverse("reports_api:report", args=[kind]), query)
    assert response.status_code == 200, response.content
    return response.json()["rows"]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(meals=meals)
def test_monthly_totals_add_up_to_the_summary_and_averages_follow(meals, member, api_client_for):
    Expense.objects.filter(owner=member).delete()
    for day, amount, party in meals:
        ExpenseFactory(owner=member, occurred_at=START + datetime.timedelta(days=day), amount=amount, tax=0, tip=0,
                       reporting_amount=amount, party_size=party)  # fmt: skip
    client = api_client_for(member)

    months = report(client, "totals", period="month")
    (summary,) = report(client, "summary")

    total = sum(amount for _, amount, _ in meals)
    assert sum(Decimal(row["total"]) for row in months) == total == Decimal(summary["total"])
    assert sum(row["visits"] for row in months) == len(meals) == summary["visits"]
    people = sum(party for _, _, party in meals)
    assert Decimal(summary["average_per_person"]) == (total / people).quantize(Decimal("0.01"), ROUND_HALF_UP)
    for before, after in itertools.pairwise(months):
        assert Decimal(after["change"]) == Decimal(after["total"]) - Decimal(before["total"])
