import json
import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from expenses.page_selectors import month_summary, per_person, spend_by_month, top_restaurants
from expenses.selectors import recent_expenses
from mealtracker.money import quantize
from mealtracker.web import user_page

logger = logging.getLogger(__name__)

# The reports engineer's budget widget; the dashboard shows it once the template exists.
BUDGET_PROGRESS_TEMPLATE = "reports/_budget_progress.html"


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


def _optional_template(name: str) -> str | None:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return None
    return name


@user_page
@require_GET
def home(request):
    """The dashboard: this month against last month, the spend chart, recent meals, top restaurants."""
    today = timezone.localdate()
    series = spend_by_month(request.user, today)
    restaurants = list(top_restaurants(request.user))
    for restaurant in restaurants:
        restaurant.per_person = per_person(restaurant.total, restaurant.people)
    context = {
        "summary": month_summary(request.user, today),
        "expenses": recent_expenses(request.user, limit=8),
        "top_restaurants": restaurants,
        "chart_labels": json.dumps([label for label, _ in series]),
        "chart_values": json.dumps([str(quantize(total, settings.REPORTING_CURRENCY)) for _, total in series]),
        "series": series,
        "reporting_currency": settings.REPORTING_CURRENCY,
        "budget_template": _optional_template(BUDGET_PROGRESS_TEMPLATE),
    }
    return render(request, "home.html", context)


@require_GET
@cache_control(max_age=86400, public=True)
def manifest(request):
    """The web app manifest that makes the site installable on a phone."""
    data = {
        "name": "Meal Expense Tracker",
        "short_name": "Meals",
        "description": "Log, approve and analyse meal expenses.",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b5cad",
        "icons": [
            {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any maskable"},
            {"src": static("icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    return HttpResponse(json.dumps(data), content_type="application/manifest+json")


@require_GET
@never_cache
def service_worker(request):
    """Served from the root so its scope covers every page; it falls back to the offline page."""
    context = {
        "version": settings.APP_VERSION,
        "precache_json": json.dumps(["/offline/", static("css/site.css"), static("icons/icon.svg")]),
    }
    response = render(request, "sw.js", context, content_type="application/javascript")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def offline(request):
    return render(request, "offline.html")
