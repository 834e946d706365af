"""Cursor pagination for every list: stable under inserts, no COUNT, page size capped at 100."""

import json
import operator
from functools import reduce

from django.core.exceptions import ValidationError
from django.db.models import Q
from rest_framework import exceptions, pagination

from mealtracker import bounded_json


class CursorPagination(pagination.CursorPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = ("-id",)
    invalid_cursor_message = "This cursor was not handed out by this list; start again from its first page."

    def invalid_cursor(self) -> exceptions.ValidationError:
        """A cursor no page could have produced: a 400 naming `cursor` (DRF answers a bare 404)."""
        return exceptions.ValidationError({self.cursor_query_param: [self.invalid_cursor_message]})

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound as exc:
            raise self.invalid_cursor() from exc

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except (ValidationError, ValueError, TypeError, ArithmeticError) as exc:
            # DRF compares the first ordering key with the cursor's position as it is: a position that is no value
            # of that key ("abc" for a date) fails while the query is built.
            if getattr(self, "cursor", None) is None:
                raise
            raise self.invalid_cursor() from exc


class KeysetCursorPagination(CursorPagination):
    """A cursor whose position is the whole ordering key of a row, for orderings that end with a unique key.

    DRF's cursor keeps only the first key's value, plus an offset over the rows sharing it, and caps that offset
    at 1,000: ordered by category, a list with more than 1,000 meals in one category paged round in a loop. Here
    the position holds every key of the page's last (or first) row and the next page starts strictly after it,
    `k1 <= v1 AND (k1 < v1 OR (k1 = v1 AND k2 < v2) OR ...)`; the first term keeps an index range on the leading
    key, and no offset is ever needed. The view's ordering must end with a unique key (the id).
    """

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size = self.get_page_size(request)
        if not self.page_size:
            return None
        self.base_url = request.build_absolute_uri()
        self.ordering = self.get_ordering(request, queryset, view)
        self.cursor = self.decode_cursor(request)
        reverse = self.cursor is not None and self.cursor.reverse
        position = self._position_keys(self.cursor)
        ordering = pagination._reverse_ordering(self.ordering) if reverse else self.ordering
        queryset = queryset.order_by(*ordering)
        if position is not None:
            try:
                queryset = queryset.filter(self._after(ordering, position))
            except (ValidationError, ValueError, TypeError, ArithmeticError) as exc:  # a position no row could have
                raise self.invalid_cursor() from exc
        rows = list(queryset[: self.page_size + 1])
        self.page = rows[: self.page_size]
        more = len(rows) > self.page_size
        if reverse:
            self.page.reverse()
        self.has_next, self.has_previous = (position is not None, more) if reverse else (more, position is not None)
        self.display_page_controls = (self.has_previous or self.has_next) and self.template is not None
        return self.page

    def get_next_link(self):
        if not self.has_next:
            return None
        position = self._get_position_from_instance(self.page[-1], self.ordering) if self.page else self.cursor.position
        return self.encode_cursor(pagination.Cursor(offset=0, reverse=False, position=position))

    def get_previous_link(self):
        if not self.has_previous:
            return None
        position = self._get_position_from_instance(self.page[0], self.ordering) if self.page else self.cursor.position
        return self.encode_cursor(pagination.Cursor(offset=0, reverse=True, position=position))

    def _get_position_from_instance(self, instance, ordering):
        names = [key.lstrip("-") for key in ordering]
        values = [instance[name] if isinstance(instance, dict) else getattr(instance, name) for name in names]
        return json.dumps([str(value) for value in values])

    def _position_keys(self, cursor) -> list[str] | None:
        if cursor is None or cursor.position is None:
            return None
        try:
            keys = bounded_json.loads(cursor.position, max_depth=1)  # a flat list: deeper is not ours
        except ValueError:
            keys = None
        if not isinstance(keys, list) or len(keys) != len(self.ordering) or not all(isinstance(k, str) for k in keys):
            raise self.invalid_cursor()
        return keys

    @staticmethod
    def _after(ordering, position) -> Q:
        """Rows strictly after `position` in `ordering` (a cursor walking backwards passes the reversed ordering)."""
        equal, branches = {}, []
        for key, value in zip(ordering, position, strict=True):
            name = key.lstrip("-")
            branches.append(Q(**equal, **{f"{name}__{'lt' if key.startswith('-') else 'gt'}": value}))
            equal[name] = value
        first = ordering[0]
        leading = Q(**{f"{first.lstrip('-')}__{'lte' if first.startswith('-') else 'gte'}": position[0]})
        return leading & reduce(operator.or_, branches)


class TotalsCursorPagination(KeysetCursorPagination):
    """A cursor page that also carries `totals` for the whole filtered list (set by the view).

    Only the first page computes them: the pages after it walk the same list, and recomputing its totals on
    each one cost more than the page itself (a team's whole list aggregated for every 100 rows read).
    """

    totals_schema: dict = {"type": "object"}

    def wants_totals(self, request) -> bool:
        return self.cursor_query_param not in request.query_params

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["totals"] = getattr(self, "totals", None)
        return response

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["totals"] = {
            **self.totals_schema,
            "nullable": True,
            "description": self.totals_schema.get("description", "") + " On the first page only; null after it.",
        }
        paginated["required"] = [*paginated.get("required", []), "totals"]
        return paginated


class KeysFirstCursorPagination(TotalsCursorPagination):
    """Finds the page by its ordering keys alone, then loads just that page's rows with their joins.

    In one query PostgreSQL joined every row after the cursor (a team's 10,000 expenses, with their owners,
    restaurants and categories) before sorting them for a page of 100: 49 ms of a 50 ms query. Ordering the bare
    keys and joining only the page's rows takes two short queries instead (docs/performance.md).
    """

    def pages_by_keys(self, request) -> bool:
        """Whether this list is worth the extra query (lists that can use one index range need not)."""
        return True

    def paginate_queryset(self, queryset, request, view=None):
        if not self.pages_by_keys(request):
            return super().paginate_queryset(queryset, request, view)
        ordering = self.get_ordering(request, queryset, view)
        key_fields = dict.fromkeys(["pk", *(field.lstrip("-") for field in ordering)])
        keys = super().paginate_queryset(queryset.values(*key_fields), request, view)
        if keys is None:
            return None
        ids = [key["pk"] for key in keys]
        rows = {row.pk: row for row in queryset.filter(pk__in=ids)}
        return [rows[pk] for pk in ids]
