"""Report builders: every figure is aggregated by the database (GROUP BY, date truncation in the viewer's
timezone) from the expenses the viewer may see. Amounts are in the reporting currency."""

import dataclasses
import datetime
from decimal import Decimal
from operator import itemgetter

from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncDay

from accounts.models import User
from expenses.choices import ExpenseStatus, MealType, OrderType, RateSource
from expenses.models import Category, Expense, Restaurant
from expenses.trip_selectors import trip_of_meal
from mealtracker.errors import DomainError
from mealtracker.local_dates import local_day_bounds
from mealtracker.money import as_money, average
from reports.selectors.people import attendees_report, tip_outliers_report, tip_trend_report
from reports.selectors.scope import (
    PERIODS,
    WEEKDAYS,
    ZERO,
    Basis,
    Column,
    Report,
    ReportFilters,
    make_report,
    percent,
    report_expenses,
    resolve_range,
    restaurant_columns,
    scoped_expenses,
    within_local_dates,
)
from reports.selectors.statements import grouped_rows

TIPPED_SUBTOTAL = ExpressionWrapper(
    (F("amount") - F("tax") - F("tip")) * F("exchange_rate"), output_field=DecimalField(max_digits=24, decimal_places=4)
)
TIP_IN_REPORTING = ExpressionWrapper(
    F("tip") * F("exchange_rate"), output_field=DecimalField(max_digits=24, decimal_places=4)
)


def _headline(figures: dict, prefix: str = "") -> dict:
    """Total, visits, people, averages and the tip percentage from `_headline_sums`'s aggregates."""
    total = as_money(figures[f"{prefix}total"])
    visits, people = figures[f"{prefix}visits"], figures[f"{prefix}people"]
    return {
        "total": total,
        "visits": visits,
        "people": people or 0,
        "average_per_visit": average(total, visits),
        "average_per_person": average(total, people),
        "average_tip_percent": percent(figures[f"{prefix}tips"], figures[f"{prefix}tipped_subtotal"]),
    }


def _headline_sums() -> dict:
    """The aggregates behind `_headline`, over a group of expenses."""
    tipped = Q(tip__gt=0) & Q(amount__gt=F("tax") + F("tip"))
    return {
        "total": Sum("spend"),
        "visits": Count("id"),
        "people": Sum("people_fed"),
        "tips": Sum(TIP_IN_REPORTING, filter=tipped),
        "tipped_subtotal": Sum(TIPPED_SUBTOTAL, filter=tipped),
    }


def _change(current: Decimal, previous: Decimal) -> tuple[Decimal, Decimal | None]:
    return as_money(current - previous), percent(current - previous, previous)


def _in_order(statement: tuple, expenses: QuerySet, grouped, key: str) -> list[dict]:
    """The rows of `grouped(expenses)` sorted here rather than by an ORDER BY: a time bucket has few groups but
    many rows, and without the ORDER BY PostgreSQL aggregates them in a hash table instead of sorting every row
    first (a team's year of months: 12 ms instead of 16 ms at 1M expenses)."""
    rows = grouped_rows(statement, expenses, lambda expenses, slot: grouped(expenses).order_by())
    return sorted(rows, key=itemgetter(key))


def summary_report(viewer: User, filters: ReportFilters) -> Report:
    """Headline figures for the range, next to the same-length period just before it."""
    date_from, date_to = resolve_range(viewer, filters)
    length = date_to - date_from + datetime.timedelta(days=1)
    prev_from, prev_to = date_from - length, date_from - datetime.timedelta(days=1)
    start, _ = local_day_bounds(date_from, date_to, tz=viewer.tzinfo)
    # Both periods in one query, grouped by the period a meal falls in (the range covers the two of them).
    groups = grouped_rows(
        ("summary", viewer.timezone),
        within_local_dates(scoped_expenses(viewer, filters), viewer, prev_from, date_to),
        lambda expenses, slot: expenses.values(
            current=Case(When(occurred_at__gte=slot("start"), then=Value(True)), default=Value(False))
        ).annotate(**_headline_sums()),
        slots={"start": (start, Expense._meta.get_field("occurred_at"))},
    )
    by_period = {group["current"]: group for group in groups}
    empty = {"total": None, "visits": 0, "people": None, "tips": None, "tipped_subtotal": None}
    figures = {
        **{name: by_period.get(True, empty)[name] for name in empty},
        **{f"previous_{name}": by_period.get(False, empty)[name] for name in empty},
    }
    current, previous = _headline(figures), _headline(figures, prefix="previous_")
    change, change_percent = _change(current["total"], previous["total"])
    row = {
        **current,
        "previous_total": previous["total"],
        "previous_visits": previous["visits"],
        "change": change,
        "change_percent": change_percent,
    }
    columns = [
        Column("total", "Total", "money"),
        Column("visits", "Visits", "int"),
        Column("people", "People fed", "int"),
        Column("average_per_visit", "Average per visit", "money"),
        Column("average_per_person", "Average per person", "money"),
        Column("average_tip_percent", "Average tip %", "percent"),
        Column("previous_total", "Previous period total", "money"),
        Column("previous_visits", "Previous period visits", "int"),
        Column("change", "Change", "money"),
        Column("change_percent", "Change %", "percent"),
    ]
    return make_report(
        "summary", "Summary", columns, [row], viewer, filters, date_from, date_to, previous_from=prev_from,
        previous_to=prev_to,
    )  # fmt: skip


def totals_report(viewer: User, filters: ReportFilters, *, period: str = "month") -> Report:
    """Spend per local day, week (Monday), month, quarter or year, each with the change from the one before."""
    if period not in PERIODS:
        raise DomainError(f"Choose a period among {', '.join(PERIODS)}.", field="period")
    expenses, date_from, date_to = report_expenses(viewer, filters)
    trunc = PERIODS[period]("occurred_at", tzinfo=viewer.tzinfo)
    buckets = _in_order(
        ("totals", period, viewer.timezone),
        expenses,
        lambda expenses: (
            expenses.annotate(bucket=trunc)
            .values("bucket")
            .annotate(total=Sum("spend"), visits=Count("id"), people=Sum("people_fed"))
        ),
        "bucket",
    )
    rows, previous = [], None
    for bucket in buckets:
        total = as_money(bucket["total"])
        change, change_percent = _change(total, previous) if previous is not None else (None, None)
        rows.append(
            {
                "period_start": bucket["bucket"].date() if hasattr(bucket["bucket"], "date") else bucket["bucket"],
                "total": total,
                "visits": bucket["visits"],
                "average_per_visit": average(total, bucket["visits"]),
                "average_per_person": average(total, bucket["people"]),
                "change": change,
                "change_percent": change_percent,
            }
        )
        previous = total
    columns = [
        Column("period_start", f"{period.title()} starting", "date"),
        Column("total", "Total", "money"),
        Column("visits", "Visits", "int"),
        Column("average_per_visit", "Average per visit", "money"),
        Column("average_per_person", "Average per person", "money"),
        Column("change", "Change", "money"),
        Column("change_percent", "Change %", "percent"),
    ]
    return make_report(
        "totals", f"Totals by {period}", columns, rows, viewer, filters, date_from, date_to, period=period
    )


def _dimension(viewer: User, by: str):
    """(expressions to group by, function turning a grouped row into (key, label))."""
    tz = viewer.tzinfo
    meal_labels, order_labels = dict(MealType.choices), dict(OrderType.choices)
    status_labels = dict(ExpenseStatus.choices)
    dimensions = {
        "category": ({"key": F("category_id")}, "Uncategorised"),  # and its name (NAMED)
        "restaurant": ({"key": F("restaurant_id")}, "No restaurant"),
        "cuisine": ({"key": F("restaurant__cuisine")}, "Unknown cuisine"),
        "meal_type": ({"key": F("meal_type")}, None),
        "order_type": ({"key": F("order_type")}, None),
        "status": ({"key": F("status")}, None),
        "tag": ({"key": F("expensetag__tag__name")}, "Untagged"),
        "weekday": ({"key": ExtractIsoWeekDay("occurred_at", tzinfo=tz)}, None),
        "hour": ({"key": ExtractHour("occurred_at", tzinfo=tz)}, None),
        "owner": ({"key": F("owner_id"), "name": F("owner__email")}, None),
        "trip": None,  # built below only when asked for: it reads the viewer's trips
        # Which rate converted each meal: none needed, typed, the card's, or the stored (ECB) rate of the day.
        "rate_source": ({"key": F("rate_source")}, None),
    }
    if by not in dimensions:
        raise DomainError(f"Break down by one of {', '.join(dimensions)}.", field="by")
    expressions, missing = dimensions[by] if by != "trip" else (trip_of_meal(viewer), "No trip")

    def label(row) -> str:
        key = row["key"]
        if key in (None, ""):
            return missing or ""
        if by == "meal_type":
            return str(meal_labels.get(key, key))
        if by == "order_type":
            return str(order_labels.get(key, key))
        if by == "status":
            return str(status_labels.get(key, key))
        if by == "rate_source":
            return str(dict(RateSource.choices).get(key, key))
        if by == "weekday":
            return WEEKDAYS[key - 1]
        if by == "hour":
            return f"{key:02d}:00"
        return row.get("name") or str(key)

    return expressions, label


BREAKDOWN_SORT = {"weekday", "hour"}
# The name of each group's category or restaurant, read for the groups only: joining the table before grouping had
# PostgreSQL hash every category (or restaurant) of every user (a member's categories: 1.5 -> 0.3 ms at 1M rows).
NAMED = {"category": Category, "restaurant": Restaurant}
BY_VIEWER = {"trip"}  # grouped by an expression holding the viewer's own values: not a statement of its own


def breakdown_report(viewer: User, filters: ReportFilters, *, by: str = "category") -> Report:
    """Spend grouped by one dimension; weekday and hour use the viewer's local time."""
    expressions, label = _dimension(viewer, by)
    expenses, date_from, date_to = report_expenses(viewer, filters)

    def build(expenses, slot):
        grouped = (
            expenses.annotate(**expressions)
            .values(*expressions)
            .annotate(total=Sum("spend"), visits=Count("id"), people=Sum("people_fed"))
        )
        if by in NAMED:
            named = NAMED[by].objects.filter(pk=OuterRef(f"{by}_id")).order_by().values("name")[:1]
            grouped = grouped.annotate(name=Subquery(named))
        return grouped.order_by() if by in BREAKDOWN_SORT else grouped.order_by("-total", "key")

    if by in BY_VIEWER:
        grouped = list(build(expenses, None))
    else:
        grouped = grouped_rows(("breakdown", by, viewer.timezone), expenses, build)
    if by in BREAKDOWN_SORT:
        grouped = sorted(grouped, key=itemgetter("key"))
    grand_total = sum((as_money(row["total"]) for row in grouped), ZERO) if by != "tag" else None
    rows = []
    for row in grouped:
        total = as_money(row["total"])
        rows.append(
            {
                "key": row["key"],
                "label": label(row),
                "total": total,
                "visits": row["visits"],
                "average_per_visit": average(total, row["visits"]),
                "average_per_person": average(total, row["people"]),
                "share_percent": percent(total, grand_total) if grand_total else None,
            }
        )
    columns = [
        Column("label", by.replace("_", " ").title()),
        Column("total", "Total", "money"),
        Column("visits", "Visits", "int"),
        Column("average_per_visit", "Average per visit", "money"),
        Column("average_per_person", "Average per person", "money"),
        Column("share_percent", "Share %", "percent"),
    ]
    title = f"Spending by {by.replace('_', ' ')}"
    return make_report("breakdown", title, columns, rows, viewer, filters, date_from, date_to, by=by)


def top_restaurants_report(viewer: User, filters: ReportFilters, *, by: str = "spend", limit: int = 10) -> Report:
    """The N restaurants with the most spend (or the most visits) in the range."""
    if by not in {"spend", "visits"}:
        raise DomainError("Rank restaurants by spend or by visits.", field="by")
    if not 1 <= limit <= 100:
        raise DomainError("Ask for between 1 and 100 restaurants.", field="limit")
    expenses, date_from, date_to = report_expenses(viewer, filters)
    order = ["-total", "-visits"] if by == "spend" else ["-visits", "-total"]
    ranked = grouped_rows(
        ("top-restaurants", by, limit, viewer.timezone),
        expenses,
        lambda expenses, slot: (
            expenses.filter(restaurant__isnull=False)
            .values("restaurant_id")
            .annotate(total=Sum("spend"), visits=Count("id"), people=Sum("people_fed"))
            .annotate(**restaurant_columns("name", "location_name", "cuisine"))
            .order_by(*order, "restaurant_name", "restaurant_id")[:limit]
        ),
    )
    rows = []
    for rank, row in enumerate(ranked, start=1):
        total = as_money(row["total"])
        name = row["restaurant_name"]
        if row["restaurant_location_name"]:
            name = f"{name} - {row['restaurant_location_name']}"
        rows.append(
            {
                "rank": rank,
                "restaurant_id": row["restaurant_id"],
                "restaurant": name,
                "cuisine": row["restaurant_cuisine"],
                "total": total,
                "visits": row["visits"],
                "average_per_visit": average(total, row["visits"]),
                "average_per_person": average(total, row["people"]),
            }
        )
    columns = [
        Column("rank", "Rank", "int"),
        Column("restaurant", "Restaurant"),
        Column("cuisine", "Cuisine"),
        Column("total", "Total", "money"),
        Column("visits", "Visits", "int"),
        Column("average_per_visit", "Average per visit", "money"),
        Column("average_per_person", "Average per person", "money"),
    ]
    title = f"Top {limit} restaurants by {by}"
    return make_report("top-restaurants", title, columns, rows, viewer, filters, date_from, date_to, by=by, limit=limit)


def heatmap_report(viewer: User, filters: ReportFilters) -> Report:
    """One row per local day with spending, for a calendar heat map."""
    expenses, date_from, date_to = report_expenses(viewer, filters)
    days = _in_order(
        ("heatmap", viewer.timezone),
        expenses,
        lambda expenses: (
            expenses.annotate(day=TruncDay("occurred_at", tzinfo=viewer.tzinfo))
            .values("day")
            .annotate(total=Sum("spend"), visits=Count("id"))
        ),
        "day",
    )
    rows = []
    for day in days:
        date = day["day"].date() if hasattr(day["day"], "date") else day["day"]
        iso = date.isocalendar()
        rows.append(
            {"date": date, "weekday": iso.weekday, "iso_week": f"{iso.year}-W{iso.week:02d}",
             "total": as_money(day["total"]), "visits": day["visits"]}
        )  # fmt: skip
    columns = [
        Column("date", "Date", "date"),
        Column("weekday", "Weekday", "int"),
        Column("iso_week", "ISO week"),
        Column("total", "Total", "money"),
        Column("visits", "Visits", "int"),
    ]
    return make_report("heatmap", "Calendar heat map", columns, rows, viewer, filters, date_from, date_to)


def over_policy_report(viewer: User, filters: ReportFilters) -> Report:
    """Expenses flagged over their team's meal policy, biggest excess first (of the meals the viewer may see)."""
    expenses, date_from, date_to = report_expenses(viewer, dataclasses.replace(filters, basis=Basis.PAID))
    flagged = (
        expenses.filter(policy_flag__isnull=False)
        .values(
            "id", "occurred_at", "owner__email", "restaurant__name", "meal_type", "party_size", "reporting_amount",
            "status", "policy_flag__per_person", "policy_flag__limit_per_person", "policy_flag__over_by",
        )
        .order_by("-policy_flag__over_by", "-occurred_at")
    )  # fmt: skip
    meal_labels = dict(MealType.choices)
    rows = [
        {
            "expense_id": row["id"],
            "date": row["occurred_at"].astimezone(viewer.tzinfo).date(),
            "owner": row["owner__email"],
            "restaurant": row["restaurant__name"] or "",
            "meal_type": str(meal_labels.get(row["meal_type"], row["meal_type"])),
            "party_size": row["party_size"],
            "total": as_money(row["reporting_amount"]),
            "per_person": as_money(row["policy_flag__per_person"]),
            "limit_per_person": as_money(row["policy_flag__limit_per_person"]),
            "over_by": as_money(row["policy_flag__over_by"]),
            "status": row["status"],
        }
        for row in flagged
    ]
    columns = [
        Column("expense_id", "Expense", "int"),
        Column("date", "Date", "date"),
        Column("owner", "Owner"),
        Column("restaurant", "Restaurant"),
        Column("meal_type", "Meal type"),
        Column("party_size", "Party size", "int"),
        Column("total", "Total", "money"),
        Column("per_person", "Per person", "money"),
        Column("limit_per_person", "Policy limit per person", "money"),
        Column("over_by", "Over by (per person)", "money"),
        Column("status", "Status"),
    ]
    return make_report("over-policy", "Over-policy expenses", columns, rows, viewer, filters, date_from, date_to)


REPORTS = {
    "summary": summary_report,
    "totals": totals_report,
    "breakdown": breakdown_report,
    "top-restaurants": top_restaurants_report,
    "heatmap": heatmap_report,
    "over-policy": over_policy_report,
    "attendees": attendees_report,
    "tip-trend": tip_trend_report,
    "tip-outliers": tip_outliers_report,
}


def build_report(kind: str, viewer: User, filters: ReportFilters, **options) -> Report:
    """Dispatch by report name; unknown names are a 404 at the API."""
    return REPORTS[kind](viewer, filters, **options)
