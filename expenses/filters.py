"""The expense filters, search and orderings: one definition for the web list, the API list and every report.

The rule for a parameter given several values, repeated (`?status=draft&status=submitted`) or comma-separated
(`?status=draft,submitted`), is that every value must hold for the meal (docs/decisions.md):
- tags, which a meal has several of: the meal carries every one of them (`tag=client,travel`);
- a field a meal has one value of (status, category, restaurant, meal type, order type, owner, trip): any of them,
  since a meal cannot be both `draft` and `submitted`.
Different parameters narrow each other. Dates are whole local days in the viewer's timezone, both included.
"""

import datetime
from collections.abc import Sequence

import django_filters
from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Coalesce, Lower
from django.utils.datastructures import MultiValueDict
from drf_spectacular.drainage import set_override

from accounts.models import User
from accounts.selectors import users_reviewable_by
from expenses.choices import ExpenseStatus, MealType, OrderType
from expenses.models import Attendee, Expense, ExpenseTag, RestaurantAlias, Trip
from expenses.services.catalog import normalise_tag_name
from expenses.trip_selectors import in_trip, trips_visible_to
from mealtracker.errors import DomainError
from mealtracker.forms import MAX_ID
from mealtracker.local_dates import local_day_bounds

# What `search` looks in: every word of the search must appear (case-insensitively) in one of them.
SEARCH_FIELDS = (
    "restaurant__name", "restaurant__location_name", "restaurant__merchant__name", "restaurant__city",
    "restaurant__address_line_1", "category__name", "notes", "business_purpose",
)  # fmt: skip

# The orderings the list offers (`ordering=restaurant`, `ordering=-amount`) and the key each sorts by. Names sort
# case-insensitively, a meal without a restaurant or category as an empty name (first, ascending) on both databases.
ORDERINGS = {
    "occurred_at": "occurred_at",
    "amount": "amount",
    "reporting_amount": "reporting_amount",
    "party_size": "party_size",
    "created_at": "created_at",
    "restaurant": "restaurant_sort_name",
    "category": "category_sort_name",
}
SORT_NAMES = {
    "restaurant_sort_name": Lower(Coalesce("restaurant__name", Value(""), output_field=CharField())),
    "category_sort_name": Lower(Coalesce("category__name", Value(""), output_field=CharField())),
}
DEFAULT_ORDERING = ("-occurred_at",)
MAX_SELECTED = 1000


def expense_order_by(terms: Sequence[str] = ()) -> tuple[dict, tuple[str, ...]]:
    """(annotations, ORDER BY keys) for orderings such as `["-restaurant"]`, completed to a unique order.

    Ties fall back to the newest meal first, then the highest id, so the order is total and a cursor page can
    start strictly after its last row. An ordering the list does not offer is refused, naming `ordering`.
    """
    keys, annotations = [], {}
    for term in terms or DEFAULT_ORDERING:
        name = term.removeprefix("-")
        if name not in ORDERINGS:
            offered = ", ".join(ORDERINGS)
            raise DomainError(f"Order by one of {offered}, with a leading '-' for descending.", field="ordering")
        key = ORDERINGS[name]
        if key in SORT_NAMES:
            annotations[key] = SORT_NAMES[key]
        if key not in {k.removeprefix("-") for k in keys}:
            keys.append(f"-{key}" if term.startswith("-") else key)
    if "occurred_at" not in {k.removeprefix("-") for k in keys}:
        keys.append("-occurred_at")
    direction = "-" if next(k for k in keys if k.removeprefix("-") == "occurred_at").startswith("-") else ""
    return annotations, (*keys, f"{direction}id")


class ValuesWidget(forms.TextInput):
    """Several values of one parameter, repeated or comma-separated or both; blanks and repeats dropped."""

    def value_from_datadict(self, data, files, name):
        raw = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        if raw is None:
            return []
        parts = [part.strip() for item in ([raw] if isinstance(raw, str) else raw) for part in str(item).split(",")]
        return list(dict.fromkeys(part for part in parts if part))

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def format_value(self, value):
        return ",".join(str(v) for v in value) if isinstance(value, list | tuple) else super().format_value(value)


class IdsField(forms.Field):
    widget = ValuesWidget

    def to_python(self, value):
        try:
            ids = [int(v) for v in value or []]
        except (TypeError, ValueError) as exc:
            raise forms.ValidationError("Give ids: whole numbers, comma-separated or repeated.") from exc
        if any(not 1 <= pk <= MAX_ID for pk in ids):
            raise forms.ValidationError("Ids are whole numbers from 1.")
        return ids


class SelectionField(IdsField):
    """The expenses someone ticked (`ids=1,2,3`): at most MAX_SELECTED, so the IN list stays a reasonable query."""

    def to_python(self, value):
        ids = super().to_python(value)
        if len(ids) > MAX_SELECTED:
            raise forms.ValidationError(f"Choose at most {MAX_SELECTED} expenses at a time.")
        return ids


class OwnersField(django_filters.fields.ModelMultipleChoiceField):
    widget = ValuesWidget

    def clean(self, value):
        # Checked before the query: an id no key can hold would reach the database as it is.
        try:
            if any(not 1 <= int(pk) <= MAX_ID for pk in value or []):
                raise forms.ValidationError("Ids are whole numbers from 1.")
        except (TypeError, ValueError) as exc:
            raise forms.ValidationError("Give ids: whole numbers, comma-separated or repeated.") from exc
        return super().clean(value)


class TagNamesField(forms.Field):
    widget = ValuesWidget
    default_validators = [ProhibitNullCharactersValidator()]

    def to_python(self, value):
        names = list(dict.fromkeys(normalise_tag_name(v).lower() for v in value or []))
        if any(len(name) > 50 for name in names):
            raise forms.ValidationError("A tag name is at most 50 characters.")
        return names

    def run_validators(self, value):
        for name in value:
            super().run_validators(name)


class IdsFilter(django_filters.Filter):
    field_class = IdsField

    def __init__(self, *args, label: str, **kwargs):
        super().__init__(*args, lookup_expr="in", label=label, **kwargs)
        set_override(self, "field", {"type": "array", "items": {"type": "integer"}, "description": label})


class SelectionFilter(IdsFilter):
    field_class = SelectionField


class TagsFilter(django_filters.Filter):
    field_class = TagNamesField

    def __init__(self, *args, label: str, **kwargs):
        super().__init__(*args, label=label, **kwargs)
        items = {"type": "string", "maxLength": 50}
        set_override(self, "field", {"type": "array", "items": items, "description": label})


class ChoicesFilter(django_filters.MultipleChoiceFilter):
    """`IN (...)`, not the OR of one comparison per value django-filter writes: PostgreSQL can only use the
    (owner, status, occurred_at) index for the former (a team's submitted and approved meals: 3.6 -> 0.3 ms).
    No DISTINCT: the filter adds no join, and SELECT DISTINCT over every column would make PostgreSQL sort the
    whole filtered list before taking one page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, widget=ValuesWidget, distinct=False, **kwargs)

    def filter(self, qs, value):
        return qs.filter(**{f"{self.field_name}__in": value}) if value else qs


class OwnersFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = OwnersField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, widget=ValuesWidget, distinct=False, queryset=User.objects.none(), **kwargs)

    def filter(self, qs, value):
        return qs.filter(owner__in=[user.pk for user in value]) if value else qs


class TripsFilter(django_filters.ModelMultipleChoiceFilter):
    """Meals on the days of any of the trips (a trip holds its owner's meals by local date, docs/trips.md)."""

    field_class = OwnersField  # ids checked like owners'; a trip the viewer may not see is an invalid choice

    def __init__(self, *args, **kwargs):
        super().__init__(*args, widget=ValuesWidget, distinct=False, queryset=Trip.objects.none(), **kwargs)
        set_override(self, "field", {"type": "array", "items": {"type": "integer"}, "description": self.label})

    def filter(self, qs, value):
        if not value:
            return qs
        within = Q()
        for trip in value:
            within |= in_trip(trip)
        return qs.filter(within)


class ExpenseFilter(django_filters.FilterSet):
    """The filters of every expense list and report. `viewer` (default: the request's user) gives the timezone of
    the dates and the people whose meals `owner` may name."""

    search = django_filters.CharFilter(
        method="filter_search",
        label="Words to find, each in the restaurant's name, branch, merchant, city or address, the category, "
        "notes, business purpose, a tag, or an attendee's name or company",
    )
    date_from = django_filters.DateFilter(method="filter_date_from", label="On or after this local date")
    date_to = django_filters.DateFilter(method="filter_date_to", label="On or before this local date")
    category = IdsFilter(field_name="category_id", label="Category ids, repeated or comma-separated: any of them")
    restaurant = IdsFilter(field_name="restaurant_id", label="Restaurant ids, repeated or comma-separated: any of them")
    meal_type = ChoicesFilter(choices=MealType.choices)
    order_type = ChoicesFilter(choices=OrderType.choices)
    status = ChoicesFilter(choices=ExpenseStatus.choices)
    is_business = django_filters.BooleanFilter()
    ids = SelectionFilter(
        field_name="id",
        label="Expense ids, repeated or comma-separated: just these meals (ids the viewer cannot see match nothing)",
    )
    amount_min = django_filters.NumberFilter(field_name="amount", lookup_expr="gte")
    amount_max = django_filters.NumberFilter(field_name="amount", lookup_expr="lte")
    tag = TagsFilter(method="filter_tags", label="Tag names, repeated or comma-separated: meals carrying every one")
    tags = TagsFilter(method="filter_tags", label="The same as `tag` (its earlier name)")
    owner = OwnersFilter(label="Owner ids, any of them: people whose meals you review (with scope=team)")
    trip = TripsFilter(label="Trip ids, repeated or comma-separated: meals on the days of any of them")

    class Meta:
        model = Expense
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, viewer: User | None = None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.viewer = viewer or request.user
        self.filters["owner"].queryset = users_reviewable_by(self.viewer)
        self.filters["trip"].queryset = trips_visible_to(self.viewer)

    def filter_search(self, queryset, name, value):
        for word in value.split():
            matches = Q()
            for field in SEARCH_FIELDS:
                matches |= Q(**{f"{field}__icontains": word})
            # EXISTS rather than a join keeps one row per expense, so totals can aggregate the list directly.
            tagged = ExpenseTag.objects.filter(expense=OuterRef("pk"), tag__name__icontains=word)
            # A restaurant is also found by the names it had before a merge.
            aliased = RestaurantAlias.objects.filter(restaurant=OuterRef("restaurant"), name__icontains=word)
            # Meals with a person or company: an attendee's name or company.
            attended = Attendee.objects.filter(
                Q(name__icontains=word) | Q(company__icontains=word), expense=OuterRef("pk")
            )
            queryset = queryset.filter(matches | Exists(tagged) | Exists(aliased) | Exists(attended))
        return queryset

    def filter_date_from(self, queryset, name, value: datetime.date):
        return queryset.filter(occurred_at__gte=local_day_bounds(value, tz=self.viewer.tzinfo)[0])

    def filter_date_to(self, queryset, name, value: datetime.date):
        return queryset.filter(occurred_at__lt=local_day_bounds(value, tz=self.viewer.tzinfo)[1])

    def filter_tags(self, queryset, name, value: list[str]):
        # Every tag: one EXISTS per tag, so the list keeps one row per expense and needs no DISTINCT. `lower(name)`
        # (the names are lower-cased already) is the expression of the tags' unique index, whose statistics tell
        # PostgreSQL how common a tag is: a team's page tagged `client` 107 -> 1 ms at 1M meals, against UPPER().
        for tag in value:
            tagged = ExpenseTag.objects.alias(tag_name=Lower("tag__name")).filter(expense=OuterRef("pk"), tag_name=tag)
            queryset = queryset.filter(Exists(tagged))
        return queryset


def as_query(values: dict) -> MultiValueDict:
    """Filter values (`{"status": ["draft"], "is_business": True}`) as the query parameters ExpenseFilter reads.
    A value left out (None, or no values in a list) is no parameter, as in a query string that does not name it."""
    query = MultiValueDict()
    for name, value in values.items():
        if isinstance(value, bool):
            query[name] = "true" if value else "false"
        elif isinstance(value, list | tuple):
            if value:
                query.setlist(name, [str(v) for v in value])
        elif value is not None:
            query[name] = str(value)
    return query
