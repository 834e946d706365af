"""Live updates in AWS: the WebSocket API's routes (real API Gateway event shapes) and posts through the Management
API (moto), gone connections forgotten."""

import json
import time
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

import pytest
from asgiref.sync import async_to_sync
from django.core import signing
from django.urls import reverse
from moto import mock_aws
from moto.apigatewaymanagementapi.models import apigatewaymanagementapi_backends
from moto.core import DEFAULT_ACCOUNT_ID
from moto.core.exceptions import JsonRESTError

from accounts.models import RealtimeConnection
from accounts.realtime import TICKET_SALT, push, ticket_issue
from accounts.tests.factories import RealtimeConnectionFactory
from accounts.ws_lambda import ROUTES, register_routes, ws_connect, ws_default, ws_disconnect

pytestmark = pytest.mark.django_db

API_ID = "a1b2c3d4e5"
DOMAIN = f"{API_ID}.execute-api.us-east-1.amazonaws.com"


def websocket_event(route, event_type, connection_id="L0SM9cOFvHcCIhw=", query=None, body=None, **extra):
    """The event API Gateway's WebSocket API hands the function for a route (Lambda proxy integration)."""
    now_ms = int(time.time() * 1000)
    event = {
        "requestContext": {
            "routeKey": route,
            "eventType": event_type,
            "extendedRequestId": "L0SM9FuBoAMFx-w=",
            "requestTime": "06/Dec/2026:13:40:00 +0000",
            "messageDirection": "IN",
            "stage": "live",
            "connectedAt": now_ms,
            "requestTimeEpoch": now_ms,
            "identity": {"sourceIp": "203.0.113.7", "userAgent": "Mozilla/5.0"},
            "requestId": "L0SM9FuBoAMFx-w=",
            "domainName": DOMAIN,
            "connectionId": connection_id,
            "apiId": API_ID,
            **extra,
        },
        "isBase64Encoded": False,
    }
    if event_type == "CONNECT":
        event["headers"] = {"Host": DOMAIN, "Origin": "https://app.example.com", "Sec-WebSocket-Version": "13"}
        event["multiValueHeaders"] = {key: [value] for key, value in event["headers"].items()}
        if query:
            event["queryStringParameters"] = query
            event["multiValueQueryStringParameters"] = {key: [value] for key, value in query.items()}
    if body is not None:
        event["body"] = body
    return event


# --- $connect, $disconnect, $default ----------------------------------------------------------------------------
def test_connect_with_a_fresh_ticket_remembers_the_connection(member):
    response = ws_connect(websocket_event("$connect", "CONNECT", query={"ticket": ticket_issue(user=member)}))
    assert response["statusCode"] == 200
    assert RealtimeConnection.objects.get(connection_id="L0SM9cOFvHcCIhw=").user == member


def test_connect_with_an_expired_ticket_is_refused(member, settings):
    settings.REALTIME_TICKET_SECONDS = 60
    old = signing.TimestampSigner(salt=TICKET_SALT)
    old.timestamp = lambda: signing.b62_encode(int(time.time()) - 61)
    response = ws_connect(websocket_event("$connect", "CONNECT", query={"ticket": old.sign(str(member.pk))}))
    assert response["statusCode"] == 401
    assert not RealtimeConnection.objects.exists()


def test_connect_with_a_forged_ticket_is_refused(member, outsider):
    genuine = ticket_issue(user=outsider)
    forged = f"{member.pk}:{genuine.split(':', 1)[1]}"
    response = ws_connect(websocket_event("$connect", "CONNECT", query={"ticket": forged}))
    assert response["statusCode"] == 401
    assert not RealtimeConnection.objects.exists()


def test_connect_with_a_ticket_signed_for_something_else_is_refused(member):
    other_purpose = signing.TimestampSigner(salt="accounts.password_reset").sign(str(member.pk))
    assert ws_connect(websocket_event("$connect", "CONNECT", query={"ticket": other_purpose}))["statusCode"] == 401


def test_connect_of_a_deactivated_user_is_refused(member):
    ticket = ticket_issue(user=member)
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert ws_connect(websocket_event("$connect", "CONNECT", query={"ticket": ticket}))["statusCode"] == 401


def test_connect_without_credentials_is_refused(db):
    assert ws_connect(websocket_event("$connect", "CONNECT"))["statusCode"] == 401


def test_connect_with_a_jwt_access_token(member):
    from rest_framework_simplejwt.tokens import AccessToken

    token = str(AccessToken.for_user(member))
    assert ws_connect(websocket_event("$connect", "CONNECT", query={"token": token}))["statusCode"] == 200
    assert RealtimeConnection.objects.get().user == member
    assert ws_connect(websocket_event("$connect", "CONNECT", query={"token": token[:-2]}))["statusCode"] == 401


def test_disconnect_forgets_the_connection(member):
    RealtimeConnectionFactory(user=member, connection_id="L0SM9cOFvHcCIhw=")
    event = websocket_event("$disconnect", "DISCONNECT", disconnectStatusCode=1001, disconnectReason="Going away")
    assert ws_disconnect(event)["statusCode"] == 200
    assert not RealtimeConnection.objects.exists()


def test_default_route_answers_a_ping():
    event = websocket_event("$default", "MESSAGE", body=json.dumps({"type": "ping"}), messageId="L0SNQeRkoAMCJhw=")
    assert json.loads(ws_default(event)["body"]) == {"type": "pong"}
    assert ws_default(websocket_event("$default", "MESSAGE", body="not json"))["statusCode"] == 200


def test_zappa_dispatches_the_websocket_routes_to_ours():
    import importlib

    registry = importlib.import_module("zappa.websocket")
    register_routes()
    for route, function in ROUTES.items():
        assert registry.get_handler(route) is function


# --- post_to_connection through moto --------------------------------------------------------------------------
# Connection ids here have no "=": moto keeps the URL-encoded id of the request path as the connection's key.
@pytest.fixture
def management_api(settings, monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    settings.REALTIME_BACKEND = "apigateway"
    settings.WEBSOCKET_MANAGEMENT_URL = f"https://{DOMAIN}/live"
    with mock_aws():
        yield apigatewaymanagementapi_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]


def test_push_posts_the_event_to_each_connection_of_the_user(member, outsider, management_api):
    RealtimeConnectionFactory(user=member, connection_id="phoneConn")
    RealtimeConnectionFactory(user=member, connection_id="laptopConn")
    RealtimeConnectionFactory(user=outsider, connection_id="outsiderConn")
    push([member.pk], {"event": "expense.approved", "expense": 3, "status": "approved"})
    for connection_id in ("phoneConn", "laptopConn"):
        assert json.loads(management_api.connections[connection_id].data) == {
            "event": "expense.approved",
            "expense": 3,
            "status": "approved",
        }
    assert management_api.connections["outsiderConn"].data == b""


class GoneException(JsonRESTError):
    def __init__(self):
        super().__init__("GoneException", "The connection is gone")
        self.code = 410


def test_gone_connections_are_forgotten(member, management_api, monkeypatch):
    RealtimeConnectionFactory(user=member, connection_id="closedtabConn")
    RealtimeConnectionFactory(user=member, connection_id="opentabConn")
    post = type(management_api).post_to_connection

    def post_or_gone(self, data, connection_id):
        if connection_id == "closedtabConn":
            raise GoneException()
        return post(self, data, connection_id)

    monkeypatch.setattr(type(management_api), "post_to_connection", post_or_gone)
    push([member.pk], {"event": "expense.rejected", "expense": 4, "status": "rejected"})
    assert list(RealtimeConnection.objects.values_list("connection_id", flat=True)) == ["opentabConn"]
    assert json.loads(management_api.connections["opentabConn"].data)["event"] == "expense.rejected"


def test_a_submission_is_posted_to_the_team_managers_connections_only(
    member, manager, outsider, other_manager, management_api, django_capture_on_commit_callbacks
):
    from expenses import services
    from expenses.tests.factories import ExpenseFactory

    for user in (member, manager, outsider, other_manager):
        RealtimeConnectionFactory(user=user, connection_id=f"Conn{user.pk}")
    with django_capture_on_commit_callbacks(execute=True):
        services.expense_submit(expense=ExpenseFactory(owner=member, business=True), actor=member)
    assert json.loads(management_api.connections[f"Conn{manager.pk}"].data)["event"] == "expense.submitted"
    assert management_api.connections[f"Conn{outsider.pk}"].data == b""
    assert management_api.connections[f"Conn{other_manager.pk}"].data == b""


def test_zappa_does_not_build_a_websocket_api_of_its_own(monkeypatch):
    """Terraform owns the WebSocket API: Zappa's deploy would otherwise add one to its CloudFormation stack."""
    from pathlib import Path

    from zappa.cli import ZappaCLI

    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    assert not ZappaCLI._detect_websocket_usage()


# --- Where the page connects ----------------------------------------------------------------------------------
def test_page_in_aws_gets_the_websocket_api_with_a_ticket_that_connects(member, settings, web_client_for):
    settings.WEBSOCKET_URL = f"wss://{DOMAIN}/live"
    response = web_client_for(member).get(reverse("live_socket"))
    assert response.status_code == HTTPStatus.OK
    assert "no-store" in response["Cache-Control"]
    url = urlsplit(response.json()["url"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"wss://{DOMAIN}/live"
    ticket = parse_qs(url.query)["ticket"][0]
    assert ws_connect(websocket_event("$connect", "CONNECT", query={"ticket": ticket}))["statusCode"] == 200
    assert RealtimeConnection.objects.get().user == member


def test_page_locally_gets_the_servers_socket(member, settings):
    from django.test import AsyncClient

    settings.WEBSOCKET_URL = ""
    client = AsyncClient()
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    response = async_to_sync(client.get)(reverse("live_socket"))
    assert response.json()["url"] == "ws://testserver/ws/"


def test_page_served_without_a_socket_polls(member, settings, web_client_for):
    settings.WEBSOCKET_URL = ""
    assert web_client_for(member).get(reverse("live_socket")).json()["url"] is None


def test_anonymous_visitor_gets_no_socket(client):
    response = client.get(reverse("live_socket"))
    assert response.status_code == HTTPStatus.FOUND


def test_stage_without_internet_egress_leaves_pages_polling(member, settings, web_client_for, management_api):
    settings.WEBSOCKET_URL = f"wss://{DOMAIN}/live"
    settings.INTERNET_EGRESS = False
    RealtimeConnectionFactory(user=member, connection_id="phoneConn")
    assert web_client_for(member).get(reverse("live_socket")).json()["url"] is None
    push([member.pk], {"event": "expense.approved"})
    assert "phoneConn" not in management_api.connections
