"""Read queries behind the web pages: filtered lists, dashboard figures, restaurant stats, the calendar.

Every queryset starts from the visibility selectors in `expenses.selectors`, so a page never shows
another user's data. Money totals use the reporting-currency amount so different currencies add up.
"""

import calendar
import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    CharField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, ExtractDay, Lower, NullIf, TruncMonth
from django.db.models.lookups import LessThanOrEqual

from accounts.models import User
from expenses.models import Category, Expense, Restaurant, RestaurantAlias, Tag
from expenses.selectors import (
    categories_owned_by,
    expenses_filtered,
    expenses_ordered,
    expenses_visible_to,
    restaurants_owned_by,
    tags_owned_by,
)
from expenses.trip_selectors import trips_owned_by
from mealtracker.local_dates import local_day_bounds
from mealtracker.money import average

# The restaurant list's sorts (the original app's): each an ORDER BY over restaurants_with_stats' annotations, with
# blanks and never-visited restaurants last and the name, then the id, breaking ties.
RESTAURANT_SORTS = {
    "name": (Lower("name"), "id"),
    "city": (F("city_key").asc(nulls_last=True), Lower("name"), "id"),
    "cuisine": (F("cuisine_key").asc(nulls_last=True), Lower("name"), "id"),
    "rating": (F("rating").desc(nulls_last=True), Lower("name"), "id"),
    "visits": (F("visits").desc(), Lower("name"), "id"),
    "total": (F("total").desc(nulls_last=True), Lower("name"), "id"),
    "last_visit": (F("last_visit").desc(nulls_last=True), Lower("name"), "id"),
    "per_person": (F("per_person_key").desc(nulls_last=True), Lower("name"), "id"),
}
# Which restaurants the list shows by their brand: linked to a catalogue merchant, not linked, or a chain's
# branch without its branch name ("Starbucks" - which one?).
BRAND_FILTERS = {
    "linked": Q(merchant__isnull=False),
    "unlinked": Q(merchant__isnull=True),
    "missing_branch": Q(merchant__is_chain=True, location_name=""),
}


def month_bounds(year: int, month: int, tz) -> tuple[datetime.datetime, datetime.datetime]:
    """Aware [start, end) of a local calendar month."""
    last_day = calendar.monthrange(year, month)[1]
    return local_day_bounds(datetime.date(year, month, 1), datetime.date(year, month, last_day), tz=tz)


def expenses_listed_on_page(
    user: User, query, *, ordering: Sequence[str] = (), team: bool = False
) -> QuerySet[Expense]:
    """The web list: the user's own meals (`team`: the others' meals they review), narrowed by the list filters in
    `query` and ordered like the API (expenses.filters). A filter that does not parse is left out, so the page
    still shows the rest and the form says what is wrong."""
    expenses = expenses_visible_to(user)
    expenses = expenses.exclude(owner=user) if team else expenses.filter(owner=user)
    expenses = expenses_filtered(user, query, expenses=expenses, strict=False)
    return with_row_columns(expenses_ordered(expenses, ordering))


# What a row of the meal lists shows (templates/expenses/_expense_rows.html): a page reads these columns, not the
# hundred-odd of an expense joined to its owner, restaurant, merchant and category (their reading and the model
# instances built from them were a third of the dashboard's time).
ROW_COLUMNS = (
    "id", "owner", "amount", "currency", "occurred_at", "meal_type", "status",
    "owner__display_name", "owner__email",
    "restaurant__name", "restaurant__location_name", "restaurant__merchant", "restaurant__merchant__short_name",
    "category__name",
)  # fmt: skip


def with_row_columns(expenses: QuerySet[Expense]) -> QuerySet[Expense]:
    """`expenses` reading only the columns the list rows show, with their tags' names."""
    tag_names = Prefetch("tags", queryset=Tag.objects.only("name"))  # in the model's order, by name
    return (
        expenses.select_related(None)
        .select_related("owner", "restaurant__merchant", "category")
        .only(*ROW_COLUMNS)
        .prefetch_related(tag_names)
    )


# Fewer meals than this in last month's same days make a percentage meaningless (one coffee against a dinner).
MEALS_TO_COMPARE = 3


@dataclass(frozen=True)
class MonthSummary:
    """This month so far against the same days of last month (1 to 6 November against 1 to 6 December)."""

    total: Decimal
    count: int
    previous_total: Decimal
    previous_count: int
    previous_from: datetime.date
    previous_to: datetime.date

    @property
    def change_percent(self) -> Decimal | None:
        """The change in percent; None before this month's first meal or when last month's same days hold too few
        meals to compare with."""
        if not self.count or self.previous_count < MEALS_TO_COMPARE or not self.previous_total:
            return None
        return ((self.total - self.previous_total) / self.previous_total * 100).quantize(Decimal(1))


PICK_COLUMNS = ("pick_kind", "pick_value", "pick_name", "pick_location", "pick_city", "pick_brand", "pick_starts",
                "pick_ends")  # fmt: skip


def _pick_rows(queryset: QuerySet, kind: str, value, **columns) -> QuerySet:
    text, no_day = Value("", output_field=CharField()), Cast(Value(None), output_field=DateField())  # typed NULL
    defaults = {"location": text, "city": text, "brand": text, "starts": no_day, "ends": no_day}
    return (
        queryset.order_by()
        .annotate(
            pick_kind=Value(kind, output_field=CharField()),
            pick_value=Cast(value, CharField()),
            pick_name=F("name"),
            **{f"pick_{name}": expression for name, expression in {**defaults, **columns}.items()},
        )
        .values_list(*PICK_COLUMNS)
    )


def filter_choices_of(owner: User) -> dict[str, list[tuple[str, str]]]:
    """The expense filter's pick lists (the owner's categories, restaurants, tags and trips), labelled as the
    pages name them, in one UNION ALL query: four model choice fields cost four server-side cursors per page."""
    restaurant_columns = {
        "location": F("location_name"),
        "city": F("city"),
        "brand": Coalesce(F("merchant__short_name"), Value("", output_field=CharField())),
    }
    rows = _pick_rows(categories_owned_by(owner), "category", "pk").union(
        _pick_rows(restaurants_owned_by(owner), "restaurant", "pk", **restaurant_columns),
        _pick_rows(tags_owned_by(owner), "tag", "name"),
        _pick_rows(trips_owned_by(owner), "trip", "pk", starts=F("start_date"), ends=F("end_date")),
        all=True,
    )
    choices: dict[str, list[tuple[str, str]]] = {"category": [], "restaurant": [], "tag": [], "trip": []}
    trip_starts = {}
    for kind, value, name, location, city, brand, starts, ends in rows:
        if kind == "restaurant":  # Restaurant.display_name, and the city as the restaurant field shows it
            label = f"{brand or name} - {location}" if location else brand or name
            label = f"{label} ({city})" if city else label
        elif kind == "trip":  # Trip.__str__
            label = f"{name} ({starts:%Y-%m-%d} to {ends:%Y-%m-%d})"
            trip_starts[value] = starts
        else:
            label = name
        choices[kind].append((value, label))
    for kind in ("category", "restaurant", "tag"):
        choices[kind].sort(key=lambda choice: choice[1].casefold())
    choices["trip"].sort(key=lambda choice: (trip_starts[choice[0]], int(choice[0])), reverse=True)  # newest first
    return choices


def spend_summary(user: User, today: datetime.date, months: int = 12) -> tuple[list[tuple[str, Decimal]], MonthSummary]:
    """The dashboard's figures in one query over the user's own meals of the last `months` local months:
    - the spend per local month, oldest first, empty months included;
    - this month so far (up to today) against the same days of last month.

    The meals are grouped by local month and by whether their local day of the month is at most today's: this month
    so far is this month's group of those days, and last month's same days (1 to 30 November against 1 to 30
    December, all of February against 1 to 31 March) last month's. Grouping costs less to build than four aggregates
    filtered by period, and building the query cost more than running it."""
    tz = user.tzinfo
    first_year, first_month = divmod(today.year * 12 + today.month - 1 - (months - 1), 12)
    start = month_bounds(first_year, first_month + 1, tz)[0]
    previous_year, previous_month = today.year - (today.month == 1), (today.month - 2) % 12 + 1
    previous_from = datetime.date(previous_year, previous_month, 1)
    previous_to = previous_from.replace(day=min(today.day, calendar.monthrange(previous_year, previous_month)[1]))
    rows = (
        expenses_visible_to(user)
        .filter(owner=user, occurred_at__gte=start)
        .values_list(
            TruncMonth("occurred_at", tzinfo=tz), LessThanOrEqual(ExtractDay("occurred_at", tzinfo=tz), today.day)
        )
        .annotate(total=Sum("reporting_amount"), count=Count("pk"))
        .order_by()
    )
    by_month: dict[tuple[int, int], Decimal] = {}
    so_far: dict[tuple[int, int], tuple[Decimal, int]] = {}
    for month, up_to_today, total, count in rows:
        key = (month.year, month.month)
        by_month[key] = by_month.get(key, Decimal(0)) + (total or 0)
        if up_to_today:
            so_far[key] = (total or Decimal(0), count)
    series = []
    for offset in range(months):
        year, month = divmod(first_year * 12 + first_month + offset, 12)
        label = f"{calendar.month_abbr[month + 1]} {year}"
        series.append((label, by_month.get((year, month + 1), Decimal(0))))
    this_total, this_count = so_far.get((today.year, today.month), (Decimal(0), 0))
    previous_total, previous_count = so_far.get((previous_year, previous_month), (Decimal(0), 0))
    summary = MonthSummary(
        total=this_total,
        count=this_count,
        previous_total=previous_total,
        previous_count=previous_count,
        previous_from=previous_from,
        previous_to=previous_to,
    )
    return series, summary


def restaurants_with_stats(user: User, *, search: str = "", cuisine: str = "", sort: str = "name", brand: str = ""):
    """The user's restaurants with visits, total, last visit and people served, in one query, sorted by one of
    RESTAURANT_SORTS and narrowed by one of BRAND_FILTERS."""
    restaurants = restaurants_owned_by(user).annotate(
        visits=Count("expenses"),
        total=Sum("expenses__reporting_amount"),
        people=Sum("expenses__party_size"),
        last_visit=Max("expenses__occurred_at"),
        city_key=NullIf(Lower("city"), Value("")),
        cuisine_key=NullIf(Lower("cuisine"), Value("")),
        # Only a sort key (the page shows per_person()): a float, so SQLite never divides integers.
        per_person_key=ExpressionWrapper(
            Sum("expenses__reporting_amount") * Value(1.0) / NullIf(Sum("expenses__party_size"), 0),
            output_field=FloatField(),
        ),
    )
    if brand in BRAND_FILTERS:
        restaurants = restaurants.filter(BRAND_FILTERS[brand])
    if search:
        aliased = RestaurantAlias.objects.filter(restaurant=OuterRef("pk"), name__icontains=search)
        restaurants = restaurants.filter(
            Q(name__icontains=search)
            | Q(city__icontains=search)
            | Q(location_name__icontains=search)
            | Exists(aliased)  # a name it had before a merge
        )
    if cuisine:
        restaurants = restaurants.filter(cuisine__iexact=cuisine)
    return restaurants.order_by(*RESTAURANT_SORTS.get(sort, RESTAURANT_SORTS["name"]))


def restaurant_brand_counts(user: User) -> dict[str, int]:
    """The restaurant list's header: how many restaurants, linked and not linked to a brand, and chain branches
    missing their branch name (one query)."""
    return restaurants_owned_by(user).aggregate(
        all=Count("pk"), **{name: Count("pk", filter=condition) for name, condition in BRAND_FILTERS.items()}
    )


def per_person(total: Decimal | None, people: int | None) -> Decimal | None:
    """A restaurant's average spend per person in the reporting currency; None before the first visit."""
    return average(total, people) if total else None


def top_restaurants(user: User, limit: int = 5):
    """The dashboard's restaurants with the most spend: its name, visits, total and people served, nothing more."""
    return (
        restaurants_owned_by(user)
        .annotate(visits=Count("expenses"), total=Sum("expenses__reporting_amount"), people=Sum("expenses__party_size"))
        .filter(visits__gt=0)
        .select_related("merchant")
        .only("id", "name", "location_name", "merchant", "merchant__short_name")
        .order_by("-total", "name")[:limit]
    )


def usual_category_at(user: User, restaurant: Restaurant) -> Category | None:
    """The category this user files most often at this restaurant (None when never visited)."""
    row = (
        expenses_visible_to(user)
        .filter(owner=user, restaurant=restaurant, category__isnull=False)
        .values("category")
        .annotate(uses=Count("pk"))
        .order_by("-uses", "category")
        .first()
    )
    return Category.objects.filter(pk=row["category"], owner=user).first() if row else None


def expenses_in_month(user: User, year: int, month: int) -> dict[datetime.date, list[Expense]]:
    """Own expenses of a local month grouped by local day (one query)."""
    start, end = month_bounds(year, month, user.tzinfo)
    days: dict[datetime.date, list[Expense]] = {}
    expenses = expenses_visible_to(user).filter(owner=user, occurred_at__gte=start, occurred_at__lt=end)
    for expense in expenses.order_by("occurred_at", "id"):
        days.setdefault(expense.occurred_at.astimezone(user.tzinfo).date(), []).append(expense)
    return days


def loyalty_at_restaurant(user: User, restaurant: Restaurant) -> list:
    """The user's memberships of the programmes linked to the restaurant's merchant (none without a merchant)."""
    from expenses.models import MerchantRewardsLink, RewardsMembership

    if restaurant.merchant_id is None:
        return []
    programs = MerchantRewardsLink.objects.filter(owner=user, merchant_id=restaurant.merchant_id).values("program")
    return list(RewardsMembership.objects.filter(owner=user, program__in=programs).select_related("program"))


def restaurants_linked_to_merchants(user: User) -> QuerySet[Restaurant]:
    """The user's restaurants that belong to a catalogue merchant, for the link review page."""
    return restaurants_owned_by(user).filter(merchant__isnull=False).select_related("merchant").order_by("name", "pk")
