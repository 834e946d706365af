"""Recurring meals: their schedules, the job creating what is due (once per local date, across DST and
timezones), and confirming or discarding an occurrence."""

import datetime
import zoneinfo
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from expenses.models import Expense, PendingMeal, PendingStatus
from expenses.schedules import occurrences_between
from expenses.services.meal_templates import (
    meal_template_create,
    pending_meal_confirm,
    pending_meal_discard,
    recurring_meals_create_due,
)
from expenses.tests.factories import RestaurantFactory
from mealtracker.errors import Conflict, DomainError, NotAllowed

pytestmark = pytest.mark.django_db
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
UTC = datetime.UTC
D = datetime.date


def coffee(owner, **schedule):
    schedule.setdefault("repeat", "weekdays")
    schedule.setdefault("time_of_day", datetime.time(8, 0))
    schedule.setdefault("starts_on", D(2026, 1, 1))
    return meal_template_create(owner=owner, name="Coffee", amount=Decimal("4.50"), currency="USD",
                                meal_type="drinks", tags="coffee", **schedule)  # fmt: skip


def every_quarter_hour(start: datetime.datetime, end: datetime.datetime):
    moment = start
    while moment <= end:
        yield moment
        moment += datetime.timedelta(minutes=15)


def days(template, first, last):
    return list(occurrences_between(template, first, last))


# --- schedules ---------------------------------------------------------------------------------------------------


def test_weekdays_skip_the_weekend(member):
    # 2 to 8 March 2026: Monday to Sunday
    assert days(coffee(member), D(2026, 3, 2), D(2026, 3, 8)) == [D(2026, 3, day) for day in range(2, 7)]


def test_weekly_on_chosen_days(member):
    template = coffee(member, repeat="weekly", weekdays="5,1")
    assert template.weekdays == "1,5"
    assert days(template, D(2026, 3, 2), D(2026, 3, 15)) == [D(2026, 3, 2), D(2026, 3, 6), D(2026, 3, 9),
                                                            D(2026, 3, 13)]  # fmt: skip


def test_monthly_on_the_31st_falls_on_a_short_months_last_day(member):
    template = coffee(member, repeat="monthly", day_of_month=31)
    found = days(template, D(2026, 1, 1), D(2026, 4, 30))
    assert found == [D(2026, 1, 31), D(2026, 2, 28), D(2026, 3, 31), D(2026, 4, 30)]


def test_a_schedule_ends_on_its_last_day(member):
    template = coffee(member, repeat="daily", starts_on=D(2026, 3, 1), ends_on=D(2026, 3, 3))
    assert days(template, D(2026, 2, 25), D(2026, 3, 10)) == [D(2026, 3, 1), D(2026, 3, 2), D(2026, 3, 3)]


def test_a_weekly_schedule_needs_its_days_and_a_schedule_its_time(member):
    with pytest.raises(DomainError) as refused:
        coffee(member, repeat="weekly", weekdays="")
    assert refused.value.field == "weekdays"
    with pytest.raises(DomainError) as refused:
        coffee(member, time_of_day=None)
    assert refused.value.field == "time_of_day"


def test_someone_elses_restaurant_is_refused_on_its_field(member, teammate):
    with pytest.raises(DomainError) as refused:
        coffee(member, restaurant=RestaurantFactory(owner=teammate))
    assert refused.value.field == "restaurant"


# --- the job ---------------------------------------------------------------------------------------------------


def test_an_occurrence_is_created_once_its_local_time_has_come(member):
    member.timezone = "America/New_York"
    member.save()
    coffee(member, starts_on=D(2026, 3, 16))
    monday_7_59 = datetime.datetime(2026, 3, 16, 7, 59, tzinfo=NEW_YORK)
    assert recurring_meals_create_due(now=monday_7_59) == 0
    assert recurring_meals_create_due(now=monday_7_59 + datetime.timedelta(minutes=1)) == 1
    assert recurring_meals_create_due(now=monday_7_59 + datetime.timedelta(hours=5)) == 0
    pending = PendingMeal.objects.get()
    assert (pending.occurs_on, pending.occurred_at) == (D(2026, 3, 16), datetime.datetime(2026, 3, 16, 12, tzinfo=UTC))


def test_runs_every_quarter_hour_across_the_spring_dst_change_create_one_per_day(member):
    # New York skips 02:00-03:00 on Sunday 8 March 2026: the 02:30 coffee that day is taken at 03:30 EDT.
    member.timezone = "America/New_York"
    member.save()
    coffee(member, repeat="daily", time_of_day=datetime.time(2, 30), starts_on=D(2026, 3, 7))
    for moment in every_quarter_hour(
        datetime.datetime(2026, 3, 7, tzinfo=UTC), datetime.datetime(2026, 3, 10, tzinfo=UTC)
    ):
        recurring_meals_create_due(now=moment)
    occurrences = list(PendingMeal.objects.order_by("occurs_on").values_list("occurs_on", "occurred_at"))
    assert occurrences == [
        (D(2026, 3, 7), datetime.datetime(2026, 3, 7, 7, 30, tzinfo=UTC)),  # EST, UTC-5
        (D(2026, 3, 8), datetime.datetime(2026, 3, 8, 7, 30, tzinfo=UTC)),  # 02:30 EST = 03:30 EDT
        (D(2026, 3, 9), datetime.datetime(2026, 3, 9, 6, 30, tzinfo=UTC)),  # EDT, UTC-4
    ]


def test_the_autumn_hour_that_happens_twice_gives_one_occurrence(member):
    # 01:30 happens twice in New York on Sunday 1 November 2026; the first one counts.
    member.timezone = "America/New_York"
    member.save()
    coffee(member, repeat="daily", time_of_day=datetime.time(1, 30), starts_on=D(2026, 11, 1))
    for moment in every_quarter_hour(
        datetime.datetime(2026, 11, 1, 4, tzinfo=UTC), datetime.datetime(2026, 11, 2, 4, tzinfo=UTC)
    ):
        recurring_meals_create_due(now=moment)
    assert list(PendingMeal.objects.values_list("occurs_on", "occurred_at")) == [
        (D(2026, 11, 1), datetime.datetime(2026, 11, 1, 5, 30, tzinfo=UTC))
    ]


def test_each_owner_gets_their_occurrence_at_their_own_local_time(member, teammate):
    member.timezone, teammate.timezone = "Asia/Tokyo", "America/Los_Angeles"
    member.save()
    teammate.save()
    coffee(member, repeat="daily", starts_on=D(2026, 6, 1))
    coffee(teammate, repeat="daily", starts_on=D(2026, 6, 1))
    # 00:00 UTC on 2 June: 09:00 on 2 June in Tokyo, 17:00 on 1 June in Los Angeles.
    recurring_meals_create_due(now=datetime.datetime(2026, 6, 2, tzinfo=UTC))
    by_owner = {(p.owner_id, p.occurs_on) for p in PendingMeal.objects.all()}
    assert by_owner == {(member.pk, D(2026, 6, 1)), (member.pk, D(2026, 6, 2)), (teammate.pk, D(2026, 6, 1))}


def test_moving_to_another_timezone_never_repeats_a_local_date(member):
    member.timezone = "Asia/Tokyo"
    member.save()
    coffee(member, repeat="daily", starts_on=D(2026, 6, 2))
    recurring_meals_create_due(now=datetime.datetime(2026, 6, 2, 0, 30, tzinfo=UTC))  # 09:30 in Tokyo
    member.timezone = "America/Los_Angeles"
    member.save()
    recurring_meals_create_due(now=datetime.datetime(2026, 6, 2, 16, tzinfo=UTC))  # 09:00 on 2 June in LA
    assert list(PendingMeal.objects.values_list("occurs_on", flat=True)) == [D(2026, 6, 2)]


def test_a_long_pause_creates_at_most_a_week_back_and_never_before_the_start(member):
    coffee(member, repeat="daily", starts_on=D(2026, 5, 1))
    assert recurring_meals_create_due(now=datetime.datetime(2026, 6, 1, 12, tzinfo=UTC)) == 8  # 25 May to 1 June
    coffee(member, repeat="daily", starts_on=D(2026, 6, 1))
    assert recurring_meals_create_due(now=datetime.datetime(2026, 6, 1, 12, tzinfo=UTC)) == 1


def test_a_paused_schedule_and_a_plain_favourite_create_nothing(member):
    coffee(member, repeat="daily", is_active=False)
    meal_template_create(owner=member, name="Sandwich", amount=Decimal("9.00"))
    assert recurring_meals_create_due(now=datetime.datetime(2026, 6, 1, 12, tzinfo=UTC)) == 0


def test_the_command_reports_what_it_created_and_is_safe_to_repeat(member, monkeypatch):
    from django.utils import timezone

    coffee(member, repeat="daily", starts_on=D(2026, 6, 1))
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2026, 6, 1, 12, tzinfo=UTC))
    out = StringIO()
    call_command("create_recurring_meals", stdout=out)
    call_command("create_recurring_meals", stdout=out)
    assert out.getvalue().splitlines() == [
        "1 recurring meal(s) to confirm created.",
        "0 recurring meal(s) to confirm created.",
    ]


# --- confirm and discard ---------------------------------------------------------------------------------------


@pytest.fixture
def pending(member):
    coffee(
        member, repeat="daily", starts_on=D(2026, 6, 1), restaurant=RestaurantFactory(owner=member, name="Blue Door")
    )
    recurring_meals_create_due(now=datetime.datetime(2026, 6, 1, 12, tzinfo=UTC))
    return PendingMeal.objects.get()


def test_confirming_logs_the_meal_as_scheduled(pending, member):
    expense = pending_meal_confirm(pending=pending, actor=member)
    assert (expense.amount, expense.currency, expense.restaurant.name, expense.occurred_at) == (
        Decimal("4.50"), "USD", "Blue Door", datetime.datetime(2026, 6, 1, 8, tzinfo=UTC))  # fmt: skip
    assert [tag.name for tag in expense.tags.all()] == ["coffee"]
    pending.refresh_from_db()
    assert (pending.status, pending.expense) == (PendingStatus.CONFIRMED, expense)


def test_confirming_with_changes_uses_them(pending, member):
    expense = pending_meal_confirm(pending=pending, actor=member, amount=Decimal("5.25"), notes="Large")
    assert (expense.amount, expense.notes) == (Decimal("5.25"), "Large")


def test_an_occurrence_is_confirmed_once(pending, member):
    pending_meal_confirm(pending=pending, actor=member)
    with pytest.raises(Conflict):
        pending_meal_confirm(pending=pending, actor=member)
    assert Expense.objects.count() == 1


def test_a_discarded_occurrence_is_not_offered_again(pending, member):
    pending_meal_discard(pending=pending, actor=member)
    recurring_meals_create_due(now=datetime.datetime(2026, 6, 1, 23, tzinfo=UTC))
    assert list(PendingMeal.objects.values_list("status", flat=True)) == [PendingStatus.DISCARDED]
    assert not Expense.objects.exists()


def test_only_the_owner_confirms(pending, teammate):
    with pytest.raises(NotAllowed):
        pending_meal_confirm(pending=pending, actor=teammate)
