"""A restaurant merge changes the reports only where the merged restaurants were: their rows become one row with
their sum; every other row and every other report stays as it was. After the merge, importing the old venue's
lines lands on the restaurant kept."""

from decimal import Decimal

import pytest

from expenses.models import Expense, Restaurant
from expenses.services.restaurants import restaurant_merge
from expenses.tests.factories import CategoryFactory, ExpenseFactory, RestaurantFactory
from reports.selectors.reports import breakdown_report, summary_report, top_restaurants_report
from reports.selectors.scope import ReportFilters
from reports.services.imports import import_batch_apply, import_batch_create

pytestmark = pytest.mark.django_db
HEADER = "date,time,amount,restaurant,address,city,zip,country,place_id"


@pytest.fixture
def history(member):
    """Four restaurants, two of them the same café saved twice, with a few months of meals."""
    cafe = RestaurantFactory(owner=member, name="Blue Door Café", address_line_1="12 High St", city="Boston")
    again = RestaurantFactory(owner=member, name="BLUE DOOR CAFE", address_line_1="", city="Boston")
    pizza = RestaurantFactory(owner=member, name="Joe's Pizza", city="Boston")
    sushi = RestaurantFactory(owner=member, name="Sushi Go", city="Cambridge")
    food, drinks = CategoryFactory(owner=member, name="Team food"), CategoryFactory(owner=member, name="Team drinks")
    amounts = {cafe: ["8.40", "12.10"], again: ["9.95", "4.50", "6.00"], pizza: ["21.00"], sushi: ["33.30", "18.75"]}
    for index, (restaurant, values) in enumerate(amounts.items()):
        for n, amount in enumerate(values):
            ExpenseFactory(owner=member, restaurant=restaurant, amount=Decimal(amount), tax=0, tip=0,
                           category=food if n % 2 else drinks, party_size=1 + index % 2)  # fmt: skip
    return cafe, again, pizza, sushi


def by_restaurant(member) -> dict[int, tuple]:
    report = top_restaurants_report(member, ReportFilters(), limit=100)
    return {row["restaurant_id"]: (row["total"], row["visits"]) for row in report.rows}


def test_a_merge_changes_only_the_merged_rows_of_the_restaurant_report(member, history):
    cafe, again, pizza, sushi = history
    before = by_restaurant(member)

    restaurant_merge(owner=member, restaurant_ids=[cafe.pk, again.pk], keep_id=cafe.pk)

    after = by_restaurant(member)
    assert after[pizza.pk] == before[pizza.pk]
    assert after[sushi.pk] == before[sushi.pk]
    assert after[cafe.pk] == (before[cafe.pk][0] + before[again.pk][0], before[cafe.pk][1] + before[again.pk][1])
    assert again.pk not in after
    assert sum(total for total, _ in after.values()) == sum(total for total, _ in before.values())


def test_a_merge_leaves_the_summary_and_the_category_breakdown_unchanged(member, history):
    cafe, again, _, _ = history
    summary, categories = summary_report(member, ReportFilters()), breakdown_report(member, ReportFilters())

    restaurant_merge(owner=member, restaurant_ids=[again.pk], keep_id=cafe.pk)

    assert summary_report(member, ReportFilters()).rows == summary.rows
    assert breakdown_report(member, ReportFilters()).rows == categories.rows


def test_importing_the_old_venue_after_a_merge_lands_on_the_kept_restaurant(member, history):
    cafe, again, _, _ = history
    restaurant_merge(owner=member, restaurant_ids=[again.pk], keep_id=cafe.pk)
    lines = [HEADER, "2026-03-02,12:30,7.25,BLUE DOOR CAFE,,Boston,,US,", "2026-03-03,12:30,3.10,Blue Door Cafe,,,,,"]

    batch = import_batch_create(owner=member, filename="bank.csv", payload="\n".join(lines).encode())
    import_batch_apply(batch=batch, actor=member)

    assert Restaurant.objects.filter(owner=member).count() == 3
    assert Expense.objects.filter(owner=member, restaurant=cafe, amount__in=["7.25", "3.10"]).count() == 2
