"""When a recurring meal happens: its local dates, from its schedule alone (no database)."""

import calendar
import datetime
from collections.abc import Iterator

from expenses.models import MealTemplate, Repeat


def occurs_on(template: MealTemplate, day: datetime.date) -> bool:
    """True when the schedule has an occurrence on this local date."""
    if not template.repeat or template.starts_on is None or day < template.starts_on:
        return False
    if template.ends_on is not None and day > template.ends_on:
        return False
    if template.repeat == Repeat.DAILY:
        return True
    if template.repeat == Repeat.WEEKDAYS:
        return day.isoweekday() <= 5
    if template.repeat == Repeat.WEEKLY:
        return day.isoweekday() in template.weekday_numbers
    if template.repeat == Repeat.MONTHLY:
        wanted = template.day_of_month or template.starts_on.day
        last = calendar.monthrange(day.year, day.month)[1]
        return day.day == min(wanted, last)  # the 31st falls on the 30th in April, the 28th/29th in February
    return False


def occurrences_between(template: MealTemplate, first: datetime.date, last: datetime.date) -> Iterator[datetime.date]:
    """The local dates from `first` to `last` (both included) the schedule has an occurrence on."""
    day = first
    while day <= last:
        if occurs_on(template, day):
            yield day
        day += datetime.timedelta(days=1)
