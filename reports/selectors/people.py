"""Reports on who was at the table and on tips. Every figure is aggregated by the database in one query per
report, from the expenses the viewer may see (so only their attendees); amounts are in the reporting currency.

- `attendees_report`: spend per guest company, per guest, per colleague, or by who was there (alone, colleagues
  only, with guests). A meal counts once in a company's row however many of its guests came from that company.
- `tip_trend_report`: the tip as a percentage of the pre-tax subtotal, per period.
- `tip_outliers_report`: restaurants whose tip rate is far from the viewer's overall rate."""

from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)

from accounts.models import User
from expenses.models import Attendee
from expenses.tips import pre_tax_subtotal
from mealtracker.errors import DomainError
from mealtracker.money import as_money, average
from reports.selectors.scope import (
    PERIODS,
    Column,
    Report,
    ReportFilters,
    make_report,
    percent,
    report_expenses,
    restaurant_columns,
)
from reports.selectors.statements import grouped_rows

# A rate more than this many points from the overall tip rate marks a restaurant as an outlier.
OUTLIER_POINTS = Decimal(5)
OUTLIER_MIN_VISITS = 2
PRESENCE_LABELS = {"alone": "Alone", "colleagues": "With colleagues only", "guests": "With guests"}
ATTENDEE_DIMENSIONS = ("company", "guest", "colleague", "presence")


def _reporting(expression) -> ExpressionWrapper:
    return ExpressionWrapper(
        expression * F("exchange_rate"), output_field=DecimalField(max_digits=24, decimal_places=4)
    )


def _fees():
    from expenses.tips import pre_tax_subtotal

    return pre_tax_subtotal()


def _attendees(expenses, by: str):
    """The attendees of `expenses` grouped by company, guest or colleague."""
    people = Attendee.objects.filter(expense__in=expenses.values("pk"))
    if by == "company":
        people = people.filter(user__isnull=True).exclude(company="")
        key, same = ("company",), Q(company=OuterRef("company"))
    elif by == "guest":
        people = people.filter(user__isnull=True)
        key, same = ("name", "company"), Q(name=OuterRef("name"), company=OuterRef("company"))
    else:
        people = people.filter(user__isnull=False)
        key, same = ("user_id", "user__email", "user__display_name"), Q(user=OuterRef("user"))
    # The first row of its group on a meal carries the meal's amount, so a meal counts once per group.
    earlier = Attendee.objects.filter(same, expense=OuterRef("expense"), id__lt=OuterRef("id"))
    if by != "colleague":
        earlier = earlier.filter(user__isnull=True)
    return (
        people.annotate(first_on_meal=~Exists(earlier))
        .values(*key)
        .annotate(
            total=Sum("expense__reporting_amount", filter=Q(first_on_meal=True)),
            visits=Count("id", filter=Q(first_on_meal=True)),
            people=Count("id"),
            party=Sum("expense__party_size", filter=Q(first_on_meal=True)),
        )
        .order_by("-total", *key)
    )


def _attendee_rows(viewer: User, filters: ReportFilters, by: str):
    expenses, date_from, date_to = report_expenses(viewer, filters)
    grouped = grouped_rows(("attendees", by), expenses, lambda expenses, slot: _attendees(expenses, by))
    rows = []
    for row in grouped:
        total = as_money(row["total"])
        if by == "company":
            label = row["company"]
        elif by == "guest":
            label = f"{row['name']} ({row['company']})" if row["company"] else row["name"]
        else:
            label = row["user__display_name"] or row["user__email"]
        rows.append({"label": label, "total": total, "visits": row["visits"], "people": row["people"],
                     "average_per_person": average(total, row["party"])})  # fmt: skip
    return rows, date_from, date_to


def _presence_rows(viewer: User, filters: ReportFilters):
    expenses, date_from, date_to = report_expenses(viewer, filters)
    guests = Attendee.objects.filter(expense=OuterRef("pk"), user__isnull=True)
    colleagues = Attendee.objects.filter(expense=OuterRef("pk"), user__isnull=False)
    presence = Case(
        When(Exists(guests), then=Value("guests")),
        When(Exists(colleagues), then=Value("colleagues")),
        default=Value("alone"),
        output_field=CharField(),
    )
    grouped = (
        expenses.annotate(presence=presence)
        .values("presence")
        .annotate(total=Sum("reporting_amount"), visits=Count("id"), party=Sum("party_size"))
        .order_by("presence")
    )
    rows = []
    for row in grouped:
        total = as_money(row["total"])
        rows.append({"label": PRESENCE_LABELS[row["presence"]], "total": total, "visits": row["visits"],
                     "people": None, "average_per_person": average(total, row["party"])})  # fmt: skip
    rows.sort(key=lambda row: list(PRESENCE_LABELS.values()).index(row["label"]))
    return rows, date_from, date_to


def attendees_report(viewer: User, filters: ReportFilters, *, by: str = "company") -> Report:
    """Spend with guests' companies, guests, colleagues, or by who was there."""
    if by not in ATTENDEE_DIMENSIONS:
        raise DomainError(f"Break attendees down by one of {', '.join(ATTENDEE_DIMENSIONS)}.", field="by")
    if by == "presence":
        rows, date_from, date_to = _presence_rows(viewer, filters)
    else:
        rows, date_from, date_to = _attendee_rows(viewer, filters, by)
    titles = {"company": "Guest company", "guest": "Guest", "colleague": "Colleague", "presence": "Who was there"}
    columns = [
        Column("label", titles[by]),
        Column("total", "Total", "money"),
        Column("visits", "Meals", "int"),
        Column("people", "Attendances", "int"),
        Column("average_per_person", "Average per person", "money"),
    ]
    title = {"company": "Spend per guest company", "guest": "Spend per guest", "colleague": "Meals with colleagues",
             "presence": "Meals by who was there"}[by]  # fmt: skip
    return make_report("attendees", title, columns, rows, viewer, filters, date_from, date_to, by=by)


def _tipped(expenses):
    subtotal = pre_tax_subtotal()
    return expenses.annotate(tip_subtotal=subtotal).filter(tip__gt=0, tip_subtotal__gt=0), subtotal


def tip_trend_report(viewer: User, filters: ReportFilters, *, period: str = "month") -> Report:
    """The tip rate per period: tips over pre-tax subtotals of the tipped meals, both in the reporting currency."""
    if period not in PERIODS:
        raise DomainError(f"Choose a period among {', '.join(PERIODS)}.", field="period")
    expenses, date_from, date_to = report_expenses(viewer, filters)

    def build(expenses, slot):
        tipped, subtotal = _tipped(expenses)
        return (
            tipped.annotate(bucket=PERIODS[period]("occurred_at", tzinfo=viewer.tzinfo))
            .values("bucket")
            .annotate(tips=Sum(_reporting(F("tip"))), subtotal=Sum(_reporting(subtotal)), visits=Count("id"))
            .order_by()
        )

    grouped = grouped_rows(("tip-trend", period, viewer.timezone), expenses, build)
    rows = []
    for row in sorted(grouped, key=lambda row: row["bucket"]):
        bucket = row["bucket"]
        rows.append({"period_start": bucket.date() if hasattr(bucket, "date") else bucket,
                     "tip_percent": percent(row["tips"], row["subtotal"]), "tips": as_money(row["tips"]),
                     "visits": row["visits"]})  # fmt: skip
    columns = [
        Column("period_start", f"{period.title()} starting", "date"),
        Column("tip_percent", "Tip %", "percent"),
        Column("tips", "Tips", "money"),
        Column("visits", "Tipped meals", "int"),
    ]
    return make_report(
        "tip-trend", f"Tip rate by {period}", columns, rows, viewer, filters, date_from, date_to, period=period
    )


def tip_outliers_report(viewer: User, filters: ReportFilters) -> Report:
    """Restaurants (with at least two tipped meals) whose tip rate is more than five points from the overall."""
    expenses, date_from, date_to = report_expenses(viewer, filters)

    def build(expenses, slot):
        tipped, subtotal = _tipped(expenses.filter(restaurant__isnull=False))
        return (
            tipped.values("restaurant_id")
            .annotate(tips=Sum(_reporting(F("tip"))), subtotal=Sum(_reporting(subtotal)), visits=Count("id"))
            .annotate(**restaurant_columns("name", "location_name"))
            .order_by()
        )

    grouped = grouped_rows(("tip-outliers",), expenses, build)
    overall = percent(sum((row["tips"] for row in grouped), Decimal(0)), sum((row["subtotal"] for row in grouped), 0))
    rows = []
    for row in grouped:
        rate = percent(row["tips"], row["subtotal"])
        if overall is None or rate is None or row["visits"] < OUTLIER_MIN_VISITS:
            continue
        if abs(rate - overall) > OUTLIER_POINTS:
            name = row["restaurant_name"]
            if row["restaurant_location_name"]:
                name = f"{name} - {row['restaurant_location_name']}"
            rows.append({"restaurant_id": row["restaurant_id"], "restaurant": name, "tip_percent": rate,
                         "difference": rate - overall, "visits": row["visits"]})  # fmt: skip
    rows.sort(key=lambda row: (-abs(row["difference"]), row["restaurant"]))
    columns = [
        Column("restaurant", "Restaurant"),
        Column("tip_percent", "Tip %", "percent"),
        Column("difference", "Points from your overall", "percent"),
        Column("visits", "Tipped meals", "int"),
    ]
    return make_report(
        "tip-outliers", "Tip outliers by restaurant", columns, rows, viewer, filters, date_from, date_to,
        overall_tip_percent=overall,
    )  # fmt: skip
