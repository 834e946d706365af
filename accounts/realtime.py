"""Live updates: one way to tell users' open pages that something of theirs changed (docs/realtime.md).

`push(user_ids, event)` sends a small JSON event to every open page of those users. The backend follows the settings:
`channels` (the ASGI server's /ws/, one Channels group per user) or `apigateway` (each of the user's connections on
the API Gateway WebSocket API, through its Management API; a connection that is gone is forgotten). Pages re-read
what changed from the server: an event names what moved, never carries data the user could not read anyway."""

import json
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core import signing

from accounts.models import RealtimeConnection, User

logger = logging.getLogger(__name__)

TICKET_SALT = "accounts.realtime.ticket"


def user_group(user_id: int) -> str:
    """The Channels group of one user's open pages."""
    return f"user-{user_id}"


def push(user_ids: Iterable[int], event: dict) -> None:
    """Send `event` to the open pages of `user_ids`. Never raises: a live update lost is caught up by polling."""
    recipients = sorted({int(pk) for pk in user_ids if pk})
    if not recipients or not live_updates_deliverable():
        return
    try:
        if settings.REALTIME_BACKEND == "apigateway":
            _push_apigateway(recipients, event)
        elif settings.REALTIME_BACKEND == "channels":
            _push_channels(recipients, event)
    except Exception:
        logger.exception("Live update %s not sent", event.get("event"))


def _push_channels(user_ids: list[int], event: dict) -> None:
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is None:
        return
    for user_id in user_ids:
        async_to_sync(layer.group_send)(user_group(user_id), {"type": "realtime.event", "event": event})


def live_updates_deliverable() -> bool:
    """Whether pushes can reach pages: the Management API is a public endpoint (no VPC endpoint serves it), so a
    stage without internet egress leaves its pages polling."""
    return settings.REALTIME_BACKEND != "apigateway" or settings.INTERNET_EGRESS


def management_client():
    """The API Gateway Management API client of our WebSocket API's stage; short timeouts, as it is called as a
    request finishes."""
    import boto3
    from botocore.config import Config

    config = Config(connect_timeout=2, read_timeout=3, retries={"max_attempts": 2, "mode": "standard"})
    return boto3.client("apigatewaymanagementapi", endpoint_url=settings.WEBSOCKET_MANAGEMENT_URL, config=config)


def _push_apigateway(user_ids: list[int], event: dict) -> None:
    connections = list(RealtimeConnection.objects.filter(user_id__in=user_ids).values_list("connection_id", flat=True))
    if not connections:
        return
    client = management_client()
    data = json.dumps(event).encode()
    gone = []
    for connection_id in connections:
        try:
            client.post_to_connection(ConnectionId=connection_id, Data=data)
        except client.exceptions.GoneException:
            gone.append(connection_id)
        except Exception:
            logger.exception("Live update not posted to connection %s", connection_id)
    if gone:
        realtime_connections_forget(connection_ids=gone)


# --- Connections on the API Gateway WebSocket API -------------------------------------------------------------
def realtime_connection_open(*, connection_id: str, user: User) -> RealtimeConnection:
    """Remember an accepted $connect, so pushes reach it."""
    connection, _ = RealtimeConnection.objects.update_or_create(connection_id=connection_id, defaults={"user": user})
    return connection


def realtime_connections_forget(*, connection_ids: Iterable[str]) -> int:
    """Forget closed connections ($disconnect, or gone when posted to)."""
    deleted, _ = RealtimeConnection.objects.filter(connection_id__in=list(connection_ids)).delete()
    return deleted


# --- Tickets: the web session's short-lived pass for $connect ---------------------------------------------------
def ticket_issue(*, user: User) -> str:
    """A signed ticket naming the user, good for REALTIME_TICKET_SECONDS, for the WebSocket's $connect."""
    return signing.TimestampSigner(salt=TICKET_SALT).sign(str(user.pk))


def user_from_ticket(ticket: str) -> User | None:
    """The active user a ticket was issued to, or None when it is forged, expired or names no active user."""
    try:
        user_id = signing.TimestampSigner(salt=TICKET_SALT).unsign(ticket, max_age=settings.REALTIME_TICKET_SECONDS)
    except signing.BadSignature:  # SignatureExpired is one
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def user_from_access_token(token: str) -> User | None:
    """The active user of a valid JWT access token (API clients connect with it), or None."""
    from rest_framework_simplejwt.exceptions import TokenError
    from rest_framework_simplejwt.tokens import AccessToken

    try:
        user_id = AccessToken(token).get("user_id")
    except TokenError:
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()
