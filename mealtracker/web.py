"""Shared plumbing of the web views: signed-in pages rendered in the user's timezone, domain errors as 404s."""

import functools

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils import timezone

from mealtracker.errors import NotFound


def user_page(view):
    """Sign-in required; dates on the page and in its forms are in the user's own timezone."""

    @login_required
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        with timezone.override(request.user.tzinfo):
            try:
                return view(request, *args, **kwargs)
            except NotFound as exc:
                raise Http404(exc.message) from exc

    return wrapper


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"
