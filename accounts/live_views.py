"""Where a signed-in page opens its live-updates socket (docs/realtime.md)."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.handlers.asgi import ASGIRequest
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.realtime import live_updates_deliverable, ticket_issue


@never_cache
@login_required
@require_GET
def live_socket(request):
    """The socket URL for this page: in AWS the WebSocket API with a fresh ticket (good for a minute), locally the
    ASGI server's /ws/ (the session cookie signs it in). None where no event could reach it (a WSGI server has no
    /ws/, a stage without egress cannot post): the page polls."""
    if not live_updates_deliverable() or (not settings.WEBSOCKET_URL and not isinstance(request, ASGIRequest)):
        url = None
    elif settings.WEBSOCKET_URL:
        url = f"{settings.WEBSOCKET_URL}?{urlencode({'ticket': ticket_issue(user=request.user)})}"
    else:
        url = f"{'wss' if request.is_secure() else 'ws'}://{request.get_host()}/ws/"
    return JsonResponse({"url": url, "poll_seconds": settings.REALTIME_POLL_SECONDS})
