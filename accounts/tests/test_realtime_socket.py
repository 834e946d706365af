"""The ASGI server's /ws/: only signed-in users connect, and each receives its own user's live updates."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings as django_settings
from django.test import Client

from accounts.realtime import push
from mealtracker.asgi import application
from mealtracker.tests.async_support import run_async

# Channels reads the session in its own database step (closing stale connections around it): committed data only.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _channels_backend(settings):
    settings.REALTIME_BACKEND = "channels"
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


def socket_for(user=None, origin=b"http://testserver"):
    headers = [(b"origin", origin), (b"host", b"testserver")]
    if user is not None:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        cookie = f"{django_settings.SESSION_COOKIE_NAME}={client.cookies[django_settings.SESSION_COOKIE_NAME].value}"
        headers.append((b"cookie", cookie.encode()))
    return WebsocketCommunicator(application, "/ws/", headers=headers)


def test_anonymous_visitor_is_refused():
    communicator = socket_for()

    async def scenario():
        connected, _ = await communicator.connect()
        await communicator.disconnect()
        return connected

    assert run_async(scenario) is False


def test_socket_from_another_site_is_refused(member):
    communicator = socket_for(member, origin=b"https://evil.example")

    async def scenario():
        connected, _ = await communicator.connect()
        await communicator.disconnect()
        return connected

    assert run_async(scenario) is False


def test_signed_in_user_receives_own_events_only(member, outsider):
    mine, theirs = socket_for(member), socket_for(outsider)

    async def scenario():
        assert (await mine.connect())[0]
        assert (await theirs.connect())[0]
        await sync_to_async(push)([member.pk], {"event": "expense.approved", "expense": 7, "status": "approved"})
        received = await mine.receive_json_from(timeout=2)
        nothing_for_outsider = await theirs.receive_nothing(timeout=0.2)
        await mine.disconnect()
        await theirs.disconnect()
        return received, nothing_for_outsider

    received, nothing_for_outsider = run_async(scenario)
    assert received == {"event": "expense.approved", "expense": 7, "status": "approved"}
    assert nothing_for_outsider


def test_every_open_page_of_a_user_receives_the_event(member):
    first, second = socket_for(member), socket_for(member)

    async def scenario():
        await first.connect()
        await second.connect()
        await sync_to_async(push)([member.pk], {"event": "expense.submitted", "expense": 1, "status": "submitted"})
        events = [await first.receive_json_from(timeout=2), await second.receive_json_from(timeout=2)]
        await first.disconnect()
        await second.disconnect()
        return events

    assert [event["event"] for event in run_async(scenario)] == ["expense.submitted", "expense.submitted"]


def test_ping_is_answered(member):
    communicator = socket_for(member)

    async def scenario():
        await communicator.connect()
        await communicator.send_json_to({"type": "ping"})
        answer = await communicator.receive_json_from(timeout=2)
        await communicator.disconnect()
        return answer

    assert run_async(scenario) == {"type": "pong"}
