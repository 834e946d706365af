"""What a report covers: filters, scopes, local date ranges and the scoped queryset every report starts from."""

import dataclasses
import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.db.models.functions import (
    TruncDay,
    TruncMonth,
    TruncQuarter,
    TruncWeek,
    TruncYear,
)
from django.utils import timezone

from accounts.models import User
from accounts.selectors import teams_readable_by
from expenses.filters import as_query
from expenses.models import Expense, Restaurant
from expenses.selectors import expenses_filtered, expenses_visible_to
from expenses.split_selectors import expenses_shared_by, with_paid_spend
from mealtracker.errors import DomainError, NotAllowed
from mealtracker.local_dates import local_day_bounds
from mealtracker.request_context import request_cache

TENTH = Decimal("0.1")
ZERO = Decimal("0.00")
MAX_RANGE_DAYS = 366 * 10


class Basis(models.TextChoices):
    """What a report counts: what was paid (the whole bill of meals one paid) or one's share of every meal eaten
    (split meals count the share; meals others paid count what one owes them)."""

    PAID = "paid", "What I paid"
    SHARE = "share", "My share"


class Scope:
    MINE = "mine"
    TEAM = "team"
    EVERYONE = "everyone"
    ALL = (MINE, TEAM, EVERYONE)


PERIODS = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth, "quarter": TruncQuarter, "year": TruncYear}
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@dataclass(frozen=True)
class ReportFilters:
    """What a report covers. Dates are local dates in the viewer's timezone, both ends included."""

    scope: str = Scope.MINE
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    team: int | None = None
    owners: tuple[int, ...] = ()
    categories: tuple[int, ...] = ()
    restaurants: tuple[int, ...] = ()
    meal_types: tuple[str, ...] = ()
    order_types: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    is_business: bool | None = None
    trips: tuple[int, ...] = ()
    ids: tuple[int, ...] = ()  # just these expenses (the list's ticked rows)
    basis: str = Basis.PAID

    def expense_query(self):
        """The expense filters as the list's query parameters (the dates stay with the report's own range)."""
        return as_query(
            {
                "owner": self.owners,
                "category": self.categories,
                "restaurant": self.restaurants,
                "meal_type": self.meal_types,
                "order_type": self.order_types,
                "status": self.statuses,
                "tag": self.tags,
                "is_business": self.is_business,
                "trip": self.trips,
                "ids": self.ids,
            }
        )


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"  # text | money | int | percent | date


@dataclass
class Report:
    """A titled table any renderer (JSON, CSV, XLSX, PDF, chart) can show."""

    kind: str
    title: str
    columns: list[Column]
    rows: list[dict]
    filters: ReportFilters
    date_from: datetime.date
    date_to: datetime.date
    timezone: str
    currency: str = field(default_factory=lambda: settings.REPORTING_CURRENCY)
    meta: dict = field(default_factory=dict)


def percent(numerator, denominator) -> Decimal | None:
    """`numerator` as a percentage of `denominator`, half-up to 0.1; None when the denominator is zero."""
    if not denominator:
        return None
    return (Decimal(numerator or 0) * 100 / Decimal(denominator)).quantize(TENTH, rounding=ROUND_HALF_UP)


def default_range(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last twelve months, starting on the first of a month."""
    start_month = today.month - 11
    year = today.year + (start_month - 1) // 12
    month = (start_month - 1) % 12 + 1
    return datetime.date(year, month, 1), today


def resolve_range(viewer: User, filters: ReportFilters) -> tuple[datetime.date, datetime.date]:
    today = timezone.now().astimezone(viewer.tzinfo).date()
    default_from, default_to = default_range(today)
    date_from = filters.date_from or default_from
    date_to = filters.date_to or max(default_to, date_from)
    if date_from > date_to:
        raise DomainError("The start date must not be after the end date.", field="date_from")
    if (date_to - date_from).days > MAX_RANGE_DAYS:
        raise DomainError("Reports cover at most ten years at a time.", field="date_from")
    return date_from, date_to


def _once_a_request(name: str, viewer: User, filters: ReportFilters, build):
    """`build()` once a request for this viewer and these filters: a Reports page builds six reports from the same
    expenses, and building their queryset (scope, list filters, dates) was a fifth of the page's time. A queryset
    is only a description of a query, run afresh each time it (or a copy of it) is read."""
    cache, key = request_cache(), (name, viewer.pk, viewer.timezone, filters)
    if cache is None:
        return build()
    if key not in cache:
        cache[key] = build()
    return cache[key]


def scoped_expenses(viewer: User, filters: ReportFilters) -> QuerySet[Expense]:
    """The viewer's visible expenses narrowed to the scope and filters (no date range), each with its `spend` and
    `people_fed` for the report's basis: what was paid, or (for one's own meals only) one's share of them."""
    return _once_a_request("scoped_expenses", viewer, filters, lambda: _scoped_expenses(viewer, filters))


def _scoped_expenses(viewer: User, filters: ReportFilters) -> QuerySet[Expense]:
    if filters.basis not in Basis.values:
        raise DomainError(f"Count {' or '.join(Basis.values)}.", field="basis")
    if filters.basis == Basis.SHARE:
        if filters.scope != Scope.MINE:
            raise DomainError("My share is a report of your own meals: choose the scope mine.", field="basis")
        return expenses_filtered(viewer, filters.expense_query(), expenses=expenses_shared_by(viewer).order_by())
    expenses = with_paid_spend(expenses_visible_to(viewer).order_by())
    if filters.scope == Scope.MINE:
        expenses = expenses.filter(owner=viewer)
    elif filters.scope == Scope.TEAM:
        if not (viewer.is_manager or viewer.is_admin or viewer.is_finance or viewer.is_auditor):
            raise NotAllowed("Team reports are for managers, finance and auditors.")
        teams = teams_readable_by(viewer)
        if filters.team is not None:
            teams = teams.filter(pk=filters.team)
        expenses = expenses.filter(owner__team__in=teams)
    elif filters.scope == Scope.EVERYONE:
        if not viewer.is_admin:
            raise NotAllowed("Reports on everyone are for admins.")
    else:
        raise DomainError(f"Choose a scope among {', '.join(Scope.ALL)}.", field="scope")
    # The expense list's own filters (expenses.filters): a report covers what the list shows for the same query.
    return expenses_filtered(viewer, filters.expense_query(), expenses=expenses)


def exported_expenses(viewer: User, filters: ReportFilters) -> QuerySet[Expense]:
    """The expense list export: scoped and filtered like a report, within the dates given by the list's own date
    filters (open-ended where one is left out, where a report would default to the last twelve months)."""
    dates = as_query({"date_from": filters.date_from, "date_to": filters.date_to})
    # An export lists whole expenses: the ones the viewer may see, whatever a report counts of them.
    paid = dataclasses.replace(filters, basis=Basis.PAID)
    return expenses_filtered(viewer, dates, expenses=scoped_expenses(viewer, paid))


def within_local_dates(
    expenses: QuerySet[Expense], viewer: User, date_from: datetime.date, date_to: datetime.date
) -> QuerySet[Expense]:
    """`expenses` that happened on the viewer's local dates from `date_from` to `date_to`, both included."""
    start, end = local_day_bounds(date_from, date_to, tz=viewer.tzinfo)
    return expenses.filter(occurred_at__gte=start, occurred_at__lt=end)


def report_expenses(viewer: User, filters: ReportFilters) -> tuple[QuerySet[Expense], datetime.date, datetime.date]:
    """Scoped, filtered expenses within the local date range, and the range used."""

    def build():
        date_from, date_to = resolve_range(viewer, filters)
        return within_local_dates(scoped_expenses(viewer, filters), viewer, date_from, date_to), date_from, date_to

    return _once_a_request("report_expenses", viewer, filters, build)


def restaurant_columns(*columns: str) -> dict:
    """`restaurant_<column>` of each row's `restaurant_id`, for rows grouped by restaurant: read for the groups
    only, where joining the restaurants before grouping had PostgreSQL hash every restaurant of every user."""
    restaurant = Restaurant.objects.filter(pk=models.OuterRef("restaurant_id")).order_by()
    return {f"restaurant_{column}": models.Subquery(restaurant.values(column)[:1]) for column in columns}


def make_report(kind, title, columns, rows, viewer, filters, date_from, date_to, **meta) -> Report:
    return Report(
        kind=kind,
        title=title,
        columns=columns,
        rows=rows,
        filters=filters,
        date_from=date_from,
        date_to=date_to,
        timezone=viewer.timezone,
        meta=meta,
    )
