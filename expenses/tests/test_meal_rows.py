"""The meal lists' rows as people read them (templates/expenses/_expense_rows.html fed by `{% meal_rows %}`)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from expenses.tests.factories import (
    CategoryFactory,
    ExpenseFactory,
    ExpenseTagFactory,
    MerchantFactory,
    RestaurantFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


def _rows(html: str) -> list[str]:
    return re.findall(r"<li class=\"list-group-item meal-row.*?</li>", html, flags=re.DOTALL)


def test_a_row_shows_the_meal_in_the_readers_time_zone(web_client_for, member):
    member.timezone = "America/Los_Angeles"
    member.save()
    merchant = MerchantFactory(short_name="Blue Bottle")
    restaurant = RestaurantFactory(
        owner=member, name="Blue Bottle Coffee", location_name="Mint Plaza", merchant=merchant
    )
    last_year = timezone.localdate().year - 1
    # 03:30 UTC on 2 March is 19:30 on 1 March in Los Angeles.
    moment = datetime.datetime(last_year, 3, 2, 3, 30, tzinfo=datetime.UTC)
    expense = ExpenseFactory(
        owner=member, restaurant=restaurant, occurred_at=moment, meal_type="dinner",
        amount=Decimal("1234.5"), reporting_amount=Decimal("1234.5"),
        category=CategoryFactory(owner=member, name="Coffee & cake"),
    )  # fmt: skip
    for name in ("team", "client"):
        ExpenseTagFactory(expense=expense, tag=TagFactory(owner=member, name=name))
    local = moment.astimezone(datetime.timezone(datetime.timedelta(hours=-8)))

    (row,) = _rows(web_client_for(member).get("/expenses/").content.decode())

    day = f"{local:%a} 1 Mar {last_year}"
    assert f'aria-label="Select Blue Bottle - Mint Plaza, {day}"' in row
    assert f'<a href="/expenses/{expense.pk}/">Blue Bottle - Mint Plaza</a>' in row
    assert '<div class="meal-amount">$1,234.50</div>' in row
    assert f'<time datetime="{local.isoformat()}">{day}<span class="d-none d-sm-inline">, 19:30</span></time>' in row
    assert " · Dinner</span> · Coffee &amp; cake" in row
    assert row.count('class="tag-link"') == 2
    assert 'href="/expenses/?tag=client"' in row
    assert f'href="/expenses/new/?again={expense.pk}"' in row


def test_a_meal_without_restaurant_or_category_this_year(web_client_for, member):
    today = timezone.localdate()
    moment = timezone.make_aware(datetime.datetime(today.year, today.month, today.day, 0, 5))
    ExpenseFactory(owner=member, restaurant=None, occurred_at=moment)

    (row,) = _rows(web_client_for(member).get("/").content.decode())

    assert ">Meal</a>" in row
    assert 'aria-label="Log again: this meal"' in row
    assert f"{moment:%a} {today.day} {moment:%b}<span" in row  # no year for this year's meals
    assert " · Lunch</span></div>" in row  # no category, no tags
