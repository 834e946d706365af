"""Filters of the expense list. Dates are the caller's local calendar days, not UTC days."""

import datetime

import django_filters
from django.db.models import Exists, OuterRef

from accounts.models import User
from accounts.selectors import users_reviewable_by
from expenses.choices import ExpenseStatus, MealType, OrderType
from expenses.models import Expense, ExpenseTag, Receipt, Restaurant


def _local_midnight(day: datetime.date, tzinfo) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=tzinfo)


def _owners(request):
    if request is None or not request.user.is_authenticated:
        return User.objects.none()
    return users_reviewable_by(request.user)


class ExpenseFilter(django_filters.FilterSet):
    # distinct=False on the choice filters: they add no join, and SELECT DISTINCT over every column would make
    # PostgreSQL sort the whole filtered list before taking one page.
    date_from = django_filters.DateFilter(method="filter_date_from", label="On or after this local date")
    date_to = django_filters.DateFilter(method="filter_date_to", label="On or before this local date")
    category = django_filters.NumberFilter(field_name="category_id")
    restaurant = django_filters.NumberFilter(field_name="restaurant_id")
    meal_type = django_filters.MultipleChoiceFilter(distinct=False, choices=MealType.choices, method="filter_in")
    order_type = django_filters.MultipleChoiceFilter(distinct=False, choices=OrderType.choices, method="filter_in")
    status = django_filters.MultipleChoiceFilter(distinct=False, choices=ExpenseStatus.choices, method="filter_in")
    is_business = django_filters.BooleanFilter()
    amount_min = django_filters.NumberFilter(field_name="amount", lookup_expr="gte")
    amount_max = django_filters.NumberFilter(field_name="amount", lookup_expr="lte")
    tags = django_filters.CharFilter(method="filter_tags", label="Comma-separated tag names; all must be present")
    owner = django_filters.ModelChoiceFilter(queryset=_owners, label="Owner (with scope=team)")

    class Meta:
        model = Expense
        fields = []

    def _tzinfo(self):
        return self.request.user.tzinfo

    def filter_in(self, queryset, name, value):
        # `IN (...)`, not the OR of one comparison per value django-filter writes: PostgreSQL can only use the
        # (owner, status, occurred_at) index for the former (a team's submitted and approved meals: 3.6 -> 0.3 ms).
        return queryset.filter(**{f"{name}__in": value})

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(occurred_at__gte=_local_midnight(value, self._tzinfo()))

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(occurred_at__lt=_local_midnight(value + datetime.timedelta(days=1), self._tzinfo()))

    def filter_tags(self, queryset, name, value):
        # AND: one EXISTS per tag, so an expense must carry every one of them. EXISTS rather than a join keeps
        # one row per expense, so the list's totals can aggregate the filtered list directly.
        for tag in {part.strip().lower() for part in value.split(",") if part.strip()}:
            tagged = ExpenseTag.objects.filter(expense=OuterRef("pk"), tag__name__iexact=tag)
            queryset = queryset.filter(Exists(tagged))
        return queryset


class RestaurantFilter(django_filters.FilterSet):
    city = django_filters.CharFilter(lookup_expr="iexact")
    country = django_filters.CharFilter(lookup_expr="iexact")
    cuisine = django_filters.CharFilter(lookup_expr="icontains")
    merchant = django_filters.NumberFilter(field_name="merchant_id")
    rating_min = django_filters.NumberFilter(field_name="rating", lookup_expr="gte")

    class Meta:
        model = Restaurant
        fields = ["service_level", "price_level"]


class ReceiptFilter(django_filters.FilterSet):
    expense = django_filters.NumberFilter(field_name="expense_id")

    class Meta:
        model = Receipt
        fields = []
