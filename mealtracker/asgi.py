"""The ASGI application `make run` serves: Django for HTTP, Channels for the live updates' WebSocket at /ws/."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mealtracker.settings")
django_application = get_asgi_application()  # sets Django up before the consumers import models

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import OriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402
from django.urls import path  # noqa: E402

from accounts.consumers import LiveUpdatesConsumer  # noqa: E402

websocket_urlpatterns = [path("ws/", LiveUpdatesConsumer.as_asgi())]


class SiteOriginValidator(OriginValidator):
    """Sockets opened by our own pages only (a page elsewhere cannot ride the session cookie): the Origin must be one
    of ALLOWED_HOSTS, read when the socket opens (Channels' own validator reads them once, at import)."""

    def __init__(self, application):
        super().__init__(application, [])

    async def __call__(self, scope, receive, send):
        hosts = list(settings.ALLOWED_HOSTS)
        if settings.DEBUG and not hosts:
            hosts = [".localhost", "127.0.0.1", "[::1]"]
        self.allowed_origins = hosts
        return await super().__call__(scope, receive, send)


application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": SiteOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
