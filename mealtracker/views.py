import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from expenses.selectors import recent_expenses

logger = logging.getLogger(__name__)


@require_GET
@never_cache
def health(request):
    """Liveness and database reachability for load balancers and deploy smoke tests."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except DatabaseError:
        logger.exception("Health check could not reach the database")
        database = "unavailable"
    healthy = database == "ok"
    return JsonResponse(
        {"status": "ok" if healthy else "error", "database": database, "version": settings.APP_VERSION},
        status=200 if healthy else 503,
    )


@login_required
def home(request):
    return render(request, "home.html", {"expenses": recent_expenses(request.user)})
