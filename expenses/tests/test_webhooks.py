import datetime
import hashlib
import hmac
import json
import socket
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.utils import timezone

from expenses import services
from expenses.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from expenses.services import webhooks
from expenses.services.webhooks import UnsafeWebhookURL, webhook_endpoint_create
from mealtracker.errors import DomainError, NotAllowed

pytestmark = pytest.mark.django_db
YESTERDAY = timezone.now() - datetime.timedelta(days=1)


class Receiver:
    """A webhook receiver on 127.0.0.1 answering with the statuses queued (200 once they run out)."""

    def __init__(self, statuses=()):
        self.statuses = list(statuses)
        self.requests = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok" if status == 200 else b"broken")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def verify(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """What a receiver does (docs/webhooks.md)."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    timestamp = int(parts["t"])
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    fresh = abs(timezone.now().timestamp() - timestamp) <= tolerance
    return fresh and hmac.compare_digest(expected, parts["v1"])


@pytest.fixture
def loopback(settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = True


def business_meal(owner):
    return services.expense_create(
        owner=owner, amount=Decimal("42.00"), occurred_at=YESTERDAY, is_business=True, business_purpose="Client"
    )


def test_delivery_is_signed_and_verified_by_the_receiver(loopback, site_admin, member, manager):
    with Receiver() as receiver:
        endpoint = webhook_endpoint_create(actor=site_admin, url=receiver.url, events=["expense.submitted"])
        expense = business_meal(member)
        services.expense_submit(expense=expense, actor=member)
        call_command("deliver_webhooks")
    assert len(receiver.requests) == 1
    headers, body = receiver.requests[0]
    assert verify(endpoint.secret, headers["X-MealTracker-Signature"], body)
    assert not verify("another secret", headers["X-MealTracker-Signature"], body)
    payload = json.loads(body)
    assert (payload["event"], payload["expense"]["id"], payload["expense"]["status"]) == (
        "expense.submitted",
        expense.pk,
        "submitted",
    )
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.response_status, delivery.response_body) == ("succeeded", 200, "ok")


def test_only_subscribed_events_are_delivered(loopback, site_admin, member):
    with Receiver() as receiver:
        webhook_endpoint_create(actor=site_admin, url=receiver.url, events=["expense.approved"])
        services.expense_submit(expense=business_meal(member), actor=member)
        call_command("deliver_webhooks")
    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


def test_a_failed_delivery_is_retried_with_backoff(loopback, site_admin, member):
    with Receiver(statuses=[500]) as receiver:
        webhook_endpoint_create(actor=site_admin, url=receiver.url, events=["expense.created"])
        business_meal(member)
        call_command("deliver_webhooks")
        delivery = WebhookDelivery.objects.get()
        assert (delivery.status, delivery.attempts, delivery.response_status) == ("pending", 1, 500)
        assert delivery.response_body == "broken"
        wait = delivery.next_attempt_at - delivery.last_attempt_at
        assert datetime.timedelta(seconds=59) < wait <= datetime.timedelta(minutes=1, seconds=1)
        call_command("deliver_webhooks")  # not due yet
        assert len(receiver.requests) == 1
        webhooks.webhook_deliveries_due(now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("succeeded", 2, 200)
    assert len(receiver.requests) == 2
    # The same event id each time, so the receiver can drop duplicates.
    assert json.loads(receiver.requests[0][1])["id"] == json.loads(receiver.requests[1][1])["id"]


def test_backoff_doubles_up_to_six_hours():
    assert [webhooks.backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert webhooks.backoff(20) == datetime.timedelta(hours=6)


def test_delivery_gives_up_after_the_last_attempt(loopback, settings, site_admin, member):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    with Receiver(statuses=[503]) as receiver:
        webhook_endpoint_create(actor=site_admin, url=receiver.url, events=["expense.created"])
        business_meal(member)
        call_command("deliver_webhooks")
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.next_attempt_at) == (DeliveryStatus.FAILED, None)


def test_replay_sends_the_same_event_again(loopback, site_admin, member):
    with Receiver() as receiver:
        webhook_endpoint_create(actor=site_admin, url=receiver.url, events=["expense.created"])
        business_meal(member)
        call_command("deliver_webhooks")
        first = WebhookDelivery.objects.get()
        replay = webhooks.webhook_delivery_replay(actor=site_admin, delivery=first)
        call_command("deliver_webhooks")
    replay.refresh_from_db()
    assert (replay.status, replay.replay_of, replay.event_id) == ("succeeded", first, first.event_id)
    assert receiver.requests[0][1] == receiver.requests[1][1]


def test_only_admins_register_endpoints(manager):
    with pytest.raises(NotAllowed):
        webhook_endpoint_create(actor=manager, url="https://hooks.example.com/x", events=["expense.created"])


@pytest.mark.parametrize(
    "url",
    [
        "https://10.0.0.1/hook",
        "https://127.0.0.1/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hook",
        "https://[fe80::1]/hook",
        "https://[::ffff:10.0.0.1]/hook",
        "https://192.168.1.10/hook",
        "https://0.0.0.0/hook",
        "http://hooks.example.com/plain-http",
    ],
)
def test_unsafe_targets_are_refused_at_registration(site_admin, url):
    with pytest.raises(UnsafeWebhookURL) as refused:
        webhook_endpoint_create(actor=site_admin, url=url, events=["expense.created"])
    assert refused.value.field == "url"


def test_loopback_is_refused_without_the_test_setting(settings, site_admin):
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    with pytest.raises(UnsafeWebhookURL):
        webhook_endpoint_create(actor=site_admin, url="http://127.0.0.1:8080/hook", events=["expense.created"])


def test_the_test_setting_still_refuses_private_addresses(loopback, site_admin):
    with pytest.raises(UnsafeWebhookURL):
        webhook_endpoint_create(actor=site_admin, url="http://10.0.0.1/hook", events=["expense.created"])


def resolving_to(address):
    def getaddrinfo(host, port, *args, **kwargs):
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, port))]

    return getaddrinfo


def test_a_hostname_resolving_to_a_private_address_is_refused(monkeypatch, site_admin):
    monkeypatch.setattr(webhooks.socket, "getaddrinfo", resolving_to("10.20.30.40"))
    with pytest.raises(UnsafeWebhookURL):
        webhook_endpoint_create(actor=site_admin, url="https://internal.example.com/hook", events=["expense.created"])


def test_an_address_that_turns_private_is_refused_at_delivery(monkeypatch, site_admin, member):
    monkeypatch.setattr(webhooks.socket, "getaddrinfo", resolving_to("93.184.216.34"))
    webhook_endpoint_create(actor=site_admin, url="https://hooks.example.com/x", events=["expense.created"])
    business_meal(member)
    monkeypatch.setattr(webhooks.socket, "getaddrinfo", resolving_to("169.254.169.254"))
    posted = []
    monkeypatch.setattr(webhooks.requests, "post", lambda *a, **k: posted.append(a))
    call_command("deliver_webhooks")
    delivery = WebhookDelivery.objects.get()
    assert posted == []
    assert (delivery.status, delivery.response_status) == ("pending", None)
    assert "private" in delivery.error


def test_redirects_are_not_followed(loopback, site_admin, member):
    with Receiver(statuses=[302]) as receiver:
        webhook_endpoint_create(actor=site_admin, url=receiver.url, events=["expense.created"])
        business_meal(member)
        call_command("deliver_webhooks")
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.response_status) == ("pending", 302)
    assert len(receiver.requests) == 1


def test_unknown_events_are_refused(site_admin, monkeypatch):
    monkeypatch.setattr(webhooks.socket, "getaddrinfo", resolving_to("93.184.216.34"))
    with pytest.raises(DomainError) as refused:
        webhook_endpoint_create(actor=site_admin, url="https://hooks.example.com/x", events=["expense.eaten"])
    assert refused.value.field == "events"
    assert not WebhookEndpoint.objects.exists()


def test_meals_created_in_bulk_queue_a_delivery_each_for_a_subscribed_endpoint(loopback, site_admin, member):
    from expenses.services.expenses import expenses_create_many

    drafts = [{"amount": Decimal(f"{10 + n}.00"), "occurred_at": YESTERDAY} for n in range(3)]
    webhook_endpoint_create(actor=site_admin, url="http://127.0.0.1:9/hooks", events=["expense.approved"])
    expenses_create_many(owner=member, drafts=drafts)
    assert not WebhookDelivery.objects.exists()  # no endpoint takes expense.created: no delivery, no payload

    endpoint = webhook_endpoint_create(actor=site_admin, url="http://127.0.0.1:9/hooks", events=["expense.created"])
    created = expenses_create_many(owner=member, drafts=drafts)
    deliveries = list(WebhookDelivery.objects.order_by("id"))
    assert [(d.endpoint_id, d.event, d.payload["expense"]["id"]) for d in deliveries] == [
        (endpoint.pk, "expense.created", expense.pk) for expense in created
    ]
    assert [d.payload["expense"]["amount"] for d in deliveries] == ["10.00", "11.00", "12.00"]
    assert {d.payload["actor"]["id"] for d in deliveries} == {member.pk}
    assert len({d.event_id for d in deliveries}) == 3
