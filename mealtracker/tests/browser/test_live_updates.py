"""Live updates in a browser: the ASGI app (pages and Channels' /ws/) served by uvicorn, as `make run` serves it."""

import asyncio
import socket
import threading
import time

import pytest
import uvicorn
from channels.routing import ProtocolTypeRouter
from django.conf import settings as django_settings
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.core.asgi import get_asgi_application
from django.urls import reverse
from playwright.sync_api import expect

from accounts.tests.factories import TEST_PASSWORD
from expenses.tests.factories import ExpenseFactory
from mealtracker.asgi import application
from mealtracker.tests.browser.conftest import watch


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def one_request_at_a_time(app):
    """On in-memory SQLite the server's threads share one database in shared-cache mode, where a read that meets
    another request's write fails at once ("database table is locked"): pages are served one at a time there (the
    sockets stay open alongside)."""
    lock = asyncio.Lock()

    async def serve(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        async with lock:
            return await app(scope, receive, send)

    return serve


@pytest.fixture
def asgi_server(transactional_db, settings):
    """uvicorn in a thread of this process (the in-memory SQLite test database and the channel layer are shared)."""
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    settings.REALTIME_BACKEND = "channels"
    settings.WEBSOCKET_URL = ""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    pages = ASGIStaticFilesHandler(get_asgi_application())
    if django_settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        pages = one_request_at_a_time(pages)
    app = ProtocolTypeRouter({"http": pages, "websocket": application})
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def signed_in(browser, problems, url, email):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watch(page, problems)
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{url}/")
    return page


def test_a_new_submission_appears_in_the_managers_open_queue_without_reloading(
    browser, problems, asgi_server, member, manager
):
    expense = ExpenseFactory(owner=member, business=True)
    approver = signed_in(browser, problems, asgi_server, manager.email)
    approver.goto(f"{asgi_server}{reverse('approval_queue')}")
    expect(approver.get_by_text("Nothing to review")).to_be_visible()
    expect(approver.locator("html")).to_have_attribute("data-live", "open")
    approver.evaluate("window.__samePage = true")

    owner = signed_in(browser, problems, asgi_server, member.email)
    owner.goto(f"{asgi_server}{reverse('expense_detail', args=[expense.pk])}")
    owner.get_by_role("button", name="Submit for approval").click()
    expect(owner.get_by_test_id("expense-status")).to_have_text("Submitted")

    expect(approver.get_by_test_id("queue-count")).to_have_text("1", timeout=5000)
    expect(approver.get_by_test_id("approvals-count")).to_contain_text("1")
    assert approver.evaluate("window.__samePage") is True, "the queue changed without a reload"
    approver.get_by_label("Select all 1").check()  # the queue swapped in works like a loaded one
    expect(approver.get_by_text("1 selected")).to_be_visible()
    assert problems == [], f"console errors or CSP violations: {problems}"
