"""Shared plumbing of the web views: signed-in pages, domain errors as 404s.

Pages are shown in the signed-in user's timezone by `accounts.middleware.UserTimezoneMiddleware`, for every page
and the admin alike.
"""

import functools

from django.contrib.auth.decorators import login_required
from django.http import Http404

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
