"""The dashboard's figures (`spend_summary`) are the ones the four filtered aggregates gave: held against that query,
written out here, for meals just either side of local midnights at month ends and around today, in time zones behind
and ahead of UTC, on days that end a month, a leap February and a daylight-saving change."""

import calendar
import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from accounts.tests.factories import UserFactory
from expenses.page_selectors import MonthSummary, month_bounds, spend_summary
from expenses.selectors import expenses_visible_to
from expenses.tests.factories import ExpenseFactory
from mealtracker.local_dates import local_day_bounds

pytestmark = pytest.mark.django_db


def filtered_aggregates_summary(user, today, months=12):
    """The figures as four aggregates filtered by period over the months (the query spend_summary replaced)."""
    tz = user.tzinfo
    first_year, first_month = divmod(today.year * 12 + today.month - 1 - (months - 1), 12)
    start = month_bounds(first_year, first_month + 1, tz)[0]
    this_start, this_end = local_day_bounds(today.replace(day=1), today, tz=tz)
    previous_year, previous_month = today.year - (today.month == 1), (today.month - 2) % 12 + 1
    previous_from = datetime.date(previous_year, previous_month, 1)
    previous_to = previous_from.replace(day=min(today.day, calendar.monthrange(previous_year, previous_month)[1]))
    previous_start, previous_end = local_day_bounds(previous_from, previous_to, tz=tz)
    this_month = Q(occurred_at__gte=this_start, occurred_at__lt=this_end)
    last_month = Q(occurred_at__gte=previous_start, occurred_at__lt=previous_end)
    rows = (
        expenses_visible_to(user)
        .filter(owner=user, occurred_at__gte=start)
        .annotate(month=TruncMonth("occurred_at", tzinfo=tz))
        .values("month")
        .annotate(
            total=Sum("reporting_amount"),
            this_total=Sum("reporting_amount", filter=this_month),
            this_count=Count("pk", filter=this_month),
            previous_total=Sum("reporting_amount", filter=last_month),
            previous_count=Count("pk", filter=last_month),
        )
        .order_by()
    )
    by_month = {}
    figures = {"this_total": Decimal(0), "this_count": 0, "previous_total": Decimal(0), "previous_count": 0}
    for row in rows:
        by_month[(row["month"].year, row["month"].month)] = row["total"]
        for name in figures:
            figures[name] += row[name] or 0
    series = []
    for offset in range(months):
        year, month = divmod(first_year * 12 + first_month + offset, 12)
        series.append((f"{calendar.month_abbr[month + 1]} {year}", by_month.get((year, month + 1), Decimal(0))))
    summary = MonthSummary(
        total=figures["this_total"],
        count=figures["this_count"],
        previous_total=figures["previous_total"],
        previous_count=figures["previous_count"],
        previous_from=previous_from,
        previous_to=previous_to,
    )
    return series, summary


def meals_around_the_edges(user, today):
    """Meals a minute either side of local midnight at the start and end of every month from 13 months before
    `today` to the month after, and either side of the end of `today` and of its day in every month."""
    tz = user.tzinfo
    moments = []
    for offset in range(-13, 2):
        year, month = divmod(today.year * 12 + today.month - 1 + offset, 12)
        start, end = month_bounds(year, month + 1, tz)
        last_day = calendar.monthrange(year, month + 1)[1]
        moments += [start, end, start + datetime.timedelta(hours=13)]
        if today.day <= last_day:
            moments.append(local_day_bounds(datetime.date(year, month + 1, today.day), tz=tz)[1])
    amount = Decimal("6.25")
    for moment in moments:
        for minutes in (-1, 0, 1):
            amount += Decimal("0.37")
            ExpenseFactory(owner=user, occurred_at=moment + datetime.timedelta(minutes=minutes), amount=amount)


@pytest.mark.parametrize("zone", ["America/New_York", "Pacific/Auckland", "UTC"])
@pytest.mark.parametrize(
    "today",
    [
        datetime.date(2026, 3, 31),  # a 31st against a 28-day February
        datetime.date(2026, 3, 8),  # the US switch to summer time
        datetime.date(2026, 4, 5),  # New Zealand leaves summer time
        datetime.date(2024, 3, 30),  # a leap February
        datetime.date(2026, 1, 1),  # a new year's first day against December's first
        datetime.date(2026, 12, 31),
    ],
)
def test_spend_summary_equals_the_filtered_aggregates(zone, today):
    user = UserFactory(timezone=zone)
    ExpenseFactory(owner=UserFactory(timezone=zone), occurred_at=datetime.datetime(2026, 1, 1, tzinfo=ZoneInfo(zone)))
    meals_around_the_edges(user, today)

    series, summary = spend_summary(user, today)

    assert (series, summary) == filtered_aggregates_summary(user, today)
    assert summary.count  # both periods hold meals, so the comparison is a real one
    assert summary.previous_count


def test_spend_summary_of_a_user_without_meals_is_zero():
    user = UserFactory(timezone="Pacific/Auckland")
    today = datetime.date(2026, 3, 31)

    series, summary = spend_summary(user, today)

    assert (series, summary) == filtered_aggregates_summary(user, today)
    assert [total for _, total in series] == [Decimal(0)] * 12
    assert (summary.total, summary.count, summary.previous_total, summary.previous_count) == (0, 0, 0, 0)
