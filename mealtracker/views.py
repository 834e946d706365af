"""Site-wide endpoints that belong to no app: health, the installable-app files and the offline page."""

import json
import logging
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from mealtracker import db_router

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


def _check_primary() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Readiness: the primary database did not answer")
        return "unavailable"
    return "ok"


def _check_replica() -> str:
    if not db_router.replica_configured():
        return "not configured"
    status = db_router.replica_status(fresh=True)
    if status.lag_seconds is None:
        return "unavailable"
    return "ok" if status.usable else f"lagging {status.lag_seconds:.1f}s"


def _check_cache() -> str:
    key = f"health:ready:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", 10)
        answered = cache.get(key) == "1"
        cache.delete(key)
    except Exception:
        logger.exception("Readiness: the cache did not answer")
        return "unavailable"
    return "ok" if answered else "unavailable"


def _check_storage() -> str:
    try:
        default_storage.exists("health/ready")  # a HEAD on S3, a stat locally
    except Exception:
        logger.exception("Readiness: file storage did not answer")
        return "unavailable"
    return "ok"


READINESS_CHECKS = {
    "database": _check_primary,
    "replica": _check_replica,
    "cache": _check_cache,
    "storage": _check_storage,
}


@require_GET
@never_cache
def health_ready(request):
    """Readiness: the primary, the read replica, the cache and file storage; 503 names what failed."""
    checks = {name: check() for name, check in READINESS_CHECKS.items()}
    failed = sorted(name for name, verdict in checks.items() if verdict not in {"ok", "not configured"})
    return JsonResponse(
        {"status": "error" if failed else "ok", "checks": checks, "failed": failed, "version": settings.APP_VERSION},
        status=503 if failed else 200,
    )


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
        "precache_json": json.dumps(
            [
                "/offline/",
                static("vendor/bootstrap/bootstrap.min.css"),
                static("css/site.css"),
                static("icons/icon.svg"),
            ]
        ),
        # Pages kept for offline use once visited: the add-meal form keeps meals in the browser's outbox.
        "offline_pages_json": json.dumps([reverse("expense_create")]),
        "static_prefix": urlsplit(settings.STATIC_URL).path,
        "logout_path": reverse("logout"),
    }
    response = render(request, "sw.js", context, content_type="application/javascript")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def offline(request):
    return render(request, "offline.html")
