"""The dashboard (the signed-in home page): this month's spend, the comparison, the chart, recent meals."""

import datetime
import json
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from expenses.tests.factories import ExpenseFactory, RestaurantFactory, TagFactory

pytestmark = pytest.mark.django_db


def this_month_local(user) -> datetime.datetime:
    return timezone.now().astimezone(user.tzinfo).replace(day=1, hour=12, minute=0)


@pytest.mark.parametrize("rows", [1, 50])
def test_dashboard_runs_a_constant_number_of_queries(web_client_for, member, django_assert_max_num_queries, rows):
    ExpenseFactory.create_batch(rows, owner=member, occurred_at=this_month_local(member))
    client = web_client_for(member)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("home"))

    assert response.status_code == HTTPStatus.OK


def test_dashboard_shows_this_months_spend_and_count(web_client_for, member):
    ExpenseFactory.create_batch(2, owner=member, occurred_at=this_month_local(member), amount=Decimal("20.00"))

    response = web_client_for(member).get(reverse("home"))

    assert (response.context["summary"].total, response.context["summary"].count) == (Decimal("40.00"), 2)
    assert "$40.00" in response.text


def test_dashboard_compares_the_month_so_far_with_the_same_days_of_last_month(web_client_for, member):
    today = timezone.now().astimezone(member.tzinfo)
    start = this_month_local(member)
    last_month_same_day = (start - datetime.timedelta(days=1)).replace(day=1, hour=12)
    ExpenseFactory(owner=member, occurred_at=start, amount=Decimal("30.00"))
    ExpenseFactory.create_batch(
        4, owner=member, occurred_at=last_month_same_day, amount=Decimal("6.00"), tax=Decimal(0), tip=Decimal(0)
    )
    if today.day < 28:  # a meal later in last month than today's date is not part of the comparison
        ExpenseFactory(owner=member, occurred_at=last_month_same_day.replace(day=28), amount=Decimal("900.00"))

    response = web_client_for(member).get(reverse("home"))

    summary = response.context["summary"]
    assert (summary.previous_total, summary.previous_count) == (Decimal("24.00"), 4)
    assert summary.change_percent == Decimal(25)
    assert "+25%" in response.text


def test_dashboard_shows_no_percentage_against_too_few_meals_last_month(web_client_for, member):
    start = this_month_local(member)
    ExpenseFactory(owner=member, occurred_at=start, amount=Decimal("90.00"))
    ExpenseFactory(
        owner=member, occurred_at=(start - datetime.timedelta(days=1)).replace(day=1), amount=Decimal("8.00")
    )

    response = web_client_for(member).get(reverse("home"))

    assert response.context["summary"].change_percent is None
    assert "%" not in response.text.split('id="month-change"')[1].split("</section>")[0]
    assert "too few to compare" in response.text


def test_dashboard_welcomes_a_new_user_with_the_first_steps(web_client_for, member):
    response = web_client_for(member).get(reverse("home"))

    assert 'data-testid="welcome"' in response.text
    assert reverse("expense_create") in response.text
    assert "vendor/chart" not in response.text  # no chart to draw yet


def test_dashboard_chart_data_covers_twelve_months_ending_now(web_client_for, member):
    ExpenseFactory(owner=member, occurred_at=this_month_local(member), amount=Decimal("12.00"))

    response = web_client_for(member).get(reverse("home"))

    values = json.loads(response.context["chart_values"])
    assert len(values) == 12
    assert values[-1] == "12.00"


def test_dashboard_lists_top_restaurants(web_client_for, member):
    favourite = RestaurantFactory(owner=member, name="Favourite Place")
    ExpenseFactory.create_batch(3, owner=member, restaurant=favourite)

    response = web_client_for(member).get(reverse("home"))

    assert response.context["top_restaurants"][0].name == "Favourite Place"


def test_dashboard_never_counts_a_teammates_spend(web_client_for, member, teammate, manager):
    ExpenseFactory(owner=member, occurred_at=this_month_local(member), amount=Decimal("500.00"))

    response = web_client_for(manager).get(reverse("home"))

    assert response.context["summary"].total == Decimal(0)


def test_home_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("login"))


def test_home_shows_only_my_recent_expenses(web_client_for, member):
    ExpenseFactory(owner=member, restaurant__name="My Diner")
    ExpenseFactory(owner=UserFactory(), restaurant__name="Their Diner")
    response = web_client_for(member).get(reverse("home"))
    assert b"My Diner" in response.content
    assert b"Their Diner" not in response.content


def test_dashboard_rows_show_each_meals_tags_by_name(web_client_for, member, django_assert_max_num_queries):
    tags = [TagFactory(owner=member, name=name) for name in ("gamma", "alpha", "beta <b>")]
    for _ in range(3):
        ExpenseFactory(owner=member, occurred_at=this_month_local(member)).tags.set(tags)
    client = web_client_for(member)

    with django_assert_max_num_queries(8):  # the tags' names in one query for every meal
        body = client.get(reverse("home")).text

    rows = body.split('id="expense-rows"')[1].split("</ul>")[0]
    assert rows.count('aria-label="Meals tagged alpha">#alpha</a> <a class="tag-link"') == 3
    assert rows.count("#alpha</a>") == rows.count("#beta &lt;b&gt;</a>") == rows.count("#gamma</a>") == 3
    assert rows.index("#alpha") < rows.index("#beta &lt;b&gt;") < rows.index("#gamma")
