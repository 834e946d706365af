"""Cursor pagination for every list: stable under inserts, no COUNT, page size capped at 100."""

from rest_framework import pagination


class CursorPagination(pagination.CursorPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = ("-id",)


class TotalsCursorPagination(CursorPagination):
    """A cursor page that also carries `totals` for the whole filtered list (set by the view)."""

    totals_schema: dict = {"type": "object"}

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["totals"] = getattr(self, "totals", None)
        return response

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["totals"] = self.totals_schema
        paginated["required"] = [*paginated.get("required", []), "totals"]
        return paginated
