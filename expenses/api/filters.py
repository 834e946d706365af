"""Filters of the API lists. The expense list's filters and orderings are expenses.filters, shared with the web
list and the reports; this module adapts its orderings to DRF's `ordering` parameter."""

import django_filters
from rest_framework import filters

from expenses.filters import ORDERINGS, expense_order_by
from expenses.models import Receipt, Restaurant
from mealtracker.api.filtering import IdFilter


class ExpenseOrdering(filters.OrderingFilter):
    """`ordering=restaurant`, `ordering=-amount,party_size`: the orderings of expenses.filters, each followed by the
    newest meal and the highest id so the order is total. One the list does not offer is a 400 naming `ordering`,
    never silently ignored. The cursor paginator asks `get_ordering` for the keys its positions are made of."""

    def terms(self, request) -> list[str]:
        raw = request.query_params.get(self.ordering_param, "")
        return [term.strip() for term in raw.split(",") if term.strip()]

    def get_ordering(self, request, queryset, view):
        return expense_order_by(self.terms(request))[1]

    def filter_queryset(self, request, queryset, view):
        annotations, keys = expense_order_by(self.terms(request))
        return queryset.annotate(**annotations).order_by(*keys)

    def get_schema_operation_parameters(self, view):
        offered = [value for name in ORDERINGS for value in (name, f"-{name}")]
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": "Sort by one or more of these, comma-separated; a leading '-' sorts descending. Ties "
                "go to the newest meal. Default: -occurred_at.",
                "schema": {"type": "array", "items": {"type": "string", "enum": offered}},
                "style": "form",
                "explode": False,
            }
        ]


class RestaurantFilter(django_filters.FilterSet):
    city = django_filters.CharFilter(lookup_expr="iexact")
    country = django_filters.CharFilter(lookup_expr="iexact")
    cuisine = django_filters.CharFilter(lookup_expr="icontains")
    merchant = IdFilter(field_name="merchant_id")
    rating_min = django_filters.NumberFilter(field_name="rating", lookup_expr="gte")

    class Meta:
        model = Restaurant
        fields = ["service_level", "price_level"]


class ReceiptFilter(django_filters.FilterSet):
    expense = IdFilter(field_name="expense_id")

    class Meta:
        model = Receipt
        fields = []
