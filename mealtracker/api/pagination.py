"""Cursor pagination for every list: stable under inserts, no COUNT, page size capped at 100."""

from rest_framework import pagination


class CursorPagination(pagination.CursorPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = ("-id",)


class TotalsCursorPagination(CursorPagination):
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
