"""Shared plumbing of the web views: signed-in pages, domain errors as 404s.

Pages are shown in the signed-in user's timezone by `accounts.middleware.UserTimezoneMiddleware`, for every page
and the admin alike.
"""

import functools

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.urls import reverse

from mealtracker.errors import NotFound


def user_page(view):
    """Sign-in required; a service's NotFound is the site's 404 page."""

    @login_required
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc

    return wrapper


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


_ANY_ID = 987654321


def path_for_id(view_name: str):
    """A function writing `view_name`'s path for an object's id, reversed once for a whole list of links (a row's
    link reversed per row was a tenth of a list page's time)."""
    before, _, after = reverse(view_name, args=[_ANY_ID]).partition(str(_ANY_ID))
    return lambda pk: f"{before}{pk}{after}"
