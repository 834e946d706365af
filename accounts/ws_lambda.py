"""The API Gateway WebSocket API's routes, run by the app's own Lambda function (docs/realtime.md).

Zappa's handler hands WebSocket events (requestContext.eventType CONNECT, DISCONNECT or MESSAGE) to the functions
registered for their route; this module registers ours when the app starts on Lambda (AccountsConfig.ready). The API
itself is Terraform's (terraform/modules/websocket), so Zappa's own WebSocket stack stays off: it is switched on only
by a `websocket_handler_module` setting or a module importing Zappa's decorators by their dotted name."""

import json
import logging

from django.db import close_old_connections, connection

from accounts.realtime import (
    realtime_connection_open,
    realtime_connections_forget,
    user_from_access_token,
    user_from_ticket,
)

logger = logging.getLogger(__name__)


def _fresh_database_connection() -> None:
    """What Django does as each HTTP request starts (these events are not HTTP requests): drop a connection that is
    broken or past its age. Never inside a transaction (a caller's, or a test's)."""
    if not connection.in_atomic_block:
        close_old_connections()


def ws_connect(event, context=None) -> dict:
    """$connect: accept a signed ticket (`?ticket=`, from the web session) or a JWT access token (`?token=`)."""
    _fresh_database_connection()
    query = event.get("queryStringParameters") or {}
    user = None
    if query.get("ticket"):
        user = user_from_ticket(query["ticket"])
    elif query.get("token"):
        user = user_from_access_token(query["token"])
    if user is None:
        return {"statusCode": 401, "body": "Unauthorized"}
    realtime_connection_open(connection_id=event["requestContext"]["connectionId"], user=user)
    return {"statusCode": 200}


def ws_disconnect(event, context=None) -> dict:
    """$disconnect: forget the connection."""
    _fresh_database_connection()
    realtime_connections_forget(connection_ids=[event["requestContext"]["connectionId"]])
    return {"statusCode": 200}


def ws_default(event, context=None) -> dict:
    """$default: the page's keep-alive ping; everything else the page needs it reads over HTTP."""
    try:
        message = json.loads(event.get("body") or "{}")
    except ValueError:
        message = {}
    if isinstance(message, dict) and message.get("type") == "ping":
        return {"statusCode": 200, "body": json.dumps({"type": "pong"})}
    return {"statusCode": 200}


ROUTES = {"$connect": ws_connect, "$disconnect": ws_disconnect, "$default": ws_default}


def register_routes() -> None:
    """Register the routes with Zappa's WebSocket dispatch (imported by module object, see the docstring above)."""
    import importlib

    registry = importlib.import_module("zappa.websocket")
    registry.on_connect(ws_connect)
    registry.on_disconnect(ws_disconnect)
    registry.on_message(ws_default)
