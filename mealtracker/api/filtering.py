"""The list filter backend, and filters every list can use."""

import django_filters
from django import forms
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import filters
from rest_framework.exceptions import ValidationError

from mealtracker.forms import MAX_ID, names_a_filter


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, which leaves a list alone when the request names none of its filters
    (mealtracker.forms.names_a_filter)."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not names_a_filter(filterset_class, request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)


class IdFilter(django_filters.NumberFilter):
    """An object's id: a whole number a 64-bit key holds, else a 400 naming the filter. A plain NumberFilter passed
    `4.6e67` on to the database, which SQLite could not bind (a 500)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class StrictOrderingFilter(filters.OrderingFilter):
    """DRF's ordering, except that a term the list does not offer is a 400 naming `ordering` instead of being
    dropped without a word (the caller would read an unsorted list as sorted)."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params:
            terms = [term.strip() for term in params.split(",") if term.strip()]
            valid = {name for name, _ in self.get_valid_fields(queryset, view, {"request": request})}
            refused = [term for term in terms if term.lstrip("-") not in valid]
            if refused:
                offered = ", ".join(sorted(valid))
                raise ValidationError({self.ordering_param: [f"Cannot sort by {refused[0]}; use one of: {offered}."]})
        return super().get_ordering(request, queryset, view)
