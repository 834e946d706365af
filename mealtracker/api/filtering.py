"""The list filter backend, and filters every list can use."""

import django_filters
from django import forms
from django_filters.rest_framework import DjangoFilterBackend

from mealtracker.forms import MAX_ID


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, which leaves a list alone when the request names none of its filters.

    The backend otherwise builds and validates a form of every filter on each request (about 2 ms of an expense
    list page), to filter by nothing. A parameter counts when it starts with a filter's name, so filters whose
    widgets add suffixes (`<name>_after`, `<name>_min`) still run.
    """

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not any(
            parameter.startswith(name) for parameter in request.query_params for name in filterset_class.base_filters
        ):
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
