"""Request middleware of the expenses app."""

from expenses.models import ChangeSource
from expenses.services.history import history_source


class HistorySourceMiddleware:
    """Web pages, the API and the back office each name themselves in the history."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        source = (
            ChangeSource.API
            if path.startswith("/api/")
            else ChangeSource.ADMIN
            if path.startswith("/admin/")
            else ChangeSource.WEB
        )
        with history_source(source):
            return self.get_response(request)
