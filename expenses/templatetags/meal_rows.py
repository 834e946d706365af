"""`{% meal_rows expenses as rows %}`: the meal lists' rows (templates/expenses/_expense_rows.html) as plain values.

A row shown through the template's own filters and tags (each date formatted three ways, two URLs reversed, the
restaurant's name built three times, money, labels) took about 0.3 ms, most of a 25-row page's rendering; the same
values computed once in Python take a tenth of that, and the template only places them.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR

from expenses.models import Expense
from mealtracker.templatetags.ui import money, status_badge
from mealtracker.web import path_for_id

register = template.Library()


@dataclass(frozen=True, slots=True)
class MealRow:
    pk: int
    restaurant: str  # the restaurant's display name; "" for a meal without one
    amount: str
    moment: str  # ISO 8601 in the reader's time zone, for <time datetime>
    day: str
    time: str
    meal_type: str
    owner: str
    category: str
    tags: tuple[str, ...]
    status: str
    status_class: str
    detail_url: str
    again_url: str


@register.simple_tag
def meal_rows(expenses) -> list[MealRow]:
    """Each expense of `expenses` (with its restaurant, merchant, category, owner and tags loaded) as a MealRow."""
    expenses = list(expenses)
    if not expenses:
        return []
    zone = timezone.get_current_timezone()
    this_year = timezone.localdate().year
    detail = path_for_id("expense_detail")  # one reverse for every row's link
    again = reverse("expense_create") + "?again="
    words = _Words.in_active_language()
    return [_row(expense, zone, this_year, detail, again, words) for expense in expenses]


@dataclass(frozen=True, slots=True)
class _Words:
    """The labels a row shows, each translated once a call rather than once a row: day and month names, meal types
    and statuses are lazy translations, and each turned into text cost as much as the rest of its row."""

    weekdays: tuple[str, ...]
    months: dict[int, str]
    meal_types: dict[str, str]
    statuses: dict[str, str]

    @classmethod
    def in_active_language(cls) -> "_Words":
        return cls(
            weekdays=tuple(str(WEEKDAYS_ABBR[day]) for day in range(7)),
            months={month: str(MONTHS_3[month]).title() for month in range(1, 13)},
            meal_types={value: str(label) for value, label in Expense._meta.get_field("meal_type").flatchoices},
            statuses={value: str(label) for value, label in Expense._meta.get_field("status").flatchoices},
        )


def _row(expense: Expense, zone, this_year: int, detail, again: str, words: _Words) -> MealRow:
    local: datetime.datetime = expense.occurred_at.astimezone(zone)
    restaurant = expense.restaurant
    # meal_day's "D j M" (and " Y" before this year), written as Django's date format writes it.
    day = f"{words.weekdays[local.weekday()]} {local.day} {words.months[local.month]}"
    return MealRow(
        pk=expense.pk,
        restaurant=restaurant.display_name if restaurant is not None else "",
        amount=money(Decimal(expense.amount), expense.currency),
        moment=local.isoformat(),
        day=day if local.year == this_year else f"{day} {local.year:04d}",
        time=f"{local.hour:02d}:{local.minute:02d}",
        # get_FOO_display's label, or the value itself when it is no choice
        meal_type=words.meal_types.get(expense.meal_type, str(expense.meal_type)),
        owner=str(expense.owner),
        category=expense.category.name if expense.category_id else "",
        tags=_tag_names(expense),
        status=words.statuses.get(expense.status, str(expense.status)),
        status_class=status_badge(expense.status),
        detail_url=detail(expense.pk),
        again_url=f"{again}{expense.pk}",
    )


def _tag_names(expense: Expense) -> tuple[str, ...]:
    """The meal's tags as prefetched (read from Django's prefetch cache: `expense.tags` makes a related manager on
    each access, half a row's time), or queried when they were not."""
    tags = getattr(expense, "_prefetched_objects_cache", {}).get("tags")
    return tuple(tag.name for tag in (expense.tags.all() if tags is None else tags))
