"""Webhooks: endpoints (https, public addresses only), signed deliveries, retries with backoff and replays."""

import datetime
import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import time
import uuid
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from expenses.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from mealtracker.errors import DomainError, NotAllowed

logger = logging.getLogger(__name__)

WEBHOOK_EVENTS = frozenset(
    {
        "expense.created",
        "expense.updated",
        "expense.submitted",
        "expense.approved",
        "expense.rejected",
        "expense.reimbursed",
        "report.created",
        "report.submitted",
        "report.approved",
        "report.partly_approved",
        "report.rejected",
        "report.reimbursed",
        "batch.paid",
        "comment.created",
    }
)
SIGNATURE_HEADER = "X-MealTracker-Signature"
MAX_BACKOFF = datetime.timedelta(hours=6)
RESPONSE_KEPT = 2000  # characters of the receiver's answer kept in the log


class UnsafeWebhookURL(DomainError):
    """The URL is not https or resolves to an address the app must not call (private, loopback, link-local...)."""


def _address_allowed(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address.is_loopback and settings.WEBHOOK_ALLOW_LOOPBACK:
        return True
    return address.is_global and not (address.is_multicast or address.is_reserved or address.is_unspecified)


def resolve_public_addresses(url: str) -> list[str]:
    """Every address the URL's host resolves to, all public; else UnsafeWebhookURL naming the field `url`."""
    parts = urlsplit(url)
    loopback_ok = settings.WEBHOOK_ALLOW_LOOPBACK
    if parts.scheme != "https" and not (loopback_ok and parts.scheme == "http"):
        raise UnsafeWebhookURL("Webhook endpoints must use https.", field="url", code="https_required")
    if not parts.hostname or parts.username or parts.password:
        raise UnsafeWebhookURL("Give a URL with a host name and no credentials.", field="url", code="invalid_url")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (OSError, ValueError) as exc:
        raise UnsafeWebhookURL("The endpoint's host name does not resolve.", field="url", code="unresolvable") from exc
    addresses = sorted({info[4][0].split("%")[0] for info in infos})
    for text in addresses:
        if not _address_allowed(ipaddress.ip_address(text)):
            raise UnsafeWebhookURL(
                "Webhook endpoints must not point at private, loopback or link-local addresses.",
                field="url",
                code="private_address",
            )
    return addresses


def _require_admin(actor: User) -> None:
    if not actor.is_admin:
        raise NotAllowed("Only admins manage webhooks.")


def _clean_events(events) -> list[str]:
    events = sorted(set(events or []))
    unknown = [name for name in events if name not in WEBHOOK_EVENTS]
    if unknown:
        raise DomainError(f"Unknown event {unknown[0]}.", field="events")
    if not events:
        raise DomainError("Choose at least one event.", field="events")
    return events


def webhook_endpoint_create(
    *, actor: User, url: str, events: list[str], secret: str = "", description: str = ""
) -> WebhookEndpoint:
    """Register an endpoint (admins only); the URL is checked now and again before every delivery."""
    _require_admin(actor)
    resolve_public_addresses(url)
    return WebhookEndpoint.objects.create(
        url=url, events=_clean_events(events), secret=secret or secrets.token_urlsafe(32), description=description,
        created_by=actor,
    )  # fmt: skip


def webhook_endpoint_update(*, actor: User, endpoint: WebhookEndpoint, **fields) -> WebhookEndpoint:
    _require_admin(actor)
    if "url" in fields:
        resolve_public_addresses(fields["url"])
    if "events" in fields:
        fields["events"] = _clean_events(fields["events"])
    for name, value in fields.items():
        if name not in {"url", "events", "secret", "description", "is_active"}:
            raise DomainError(f"Unknown field {name}.", field=name)
        setattr(endpoint, name, value)
    endpoint.save()
    return endpoint


def webhook_endpoint_delete(*, actor: User, endpoint: WebhookEndpoint) -> None:
    _require_admin(actor)
    endpoint.delete()


def webhook_deliveries_queue(*, event: str, payload: dict) -> list[WebhookDelivery]:
    """A pending delivery per active endpoint subscribed to `event`; `deliver_webhooks` sends them."""
    return webhook_deliveries_queue_many(event=event, payloads=[payload])


def webhook_endpoints_for(event: str) -> list[WebhookEndpoint]:
    """The active endpoints subscribed to `event`."""
    return [e for e in WebhookEndpoint.objects.filter(is_active=True) if event in e.events]


def webhook_deliveries_queue_many(
    *, event: str, payloads: list[dict], endpoints: list[WebhookEndpoint] | None = None
) -> list[WebhookDelivery]:
    """Pending deliveries of many events of one kind (the endpoints are read once; `endpoints`: already read by
    webhook_endpoints_for)."""
    if endpoints is None:
        endpoints = webhook_endpoints_for(event)
    if not endpoints:
        return []
    now = timezone.now()
    deliveries = [
        WebhookDelivery(endpoint=e, event=event, event_id=p["id"], payload=p, next_attempt_at=now)
        for p in payloads
        for e in endpoints
    ]
    return WebhookDelivery.objects.bulk_create(deliveries, batch_size=1000)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """`t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">` (docs/webhooks.md)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def backoff(attempts: int) -> datetime.timedelta:
    """1, 2, 4, 8 ... minutes after the attempts made so far, at most six hours."""
    return min(datetime.timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def webhook_deliver(delivery: WebhookDelivery) -> WebhookDelivery:
    """One attempt: re-check the address, POST the signed body (no redirects), log the answer, plan the retry."""
    endpoint = delivery.endpoint
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    timestamp = int(time.time())
    delivery.attempts += 1
    delivery.last_attempt_at = timezone.now()
    delivery.response_status, delivery.response_body, delivery.error = None, "", ""
    try:
        resolve_public_addresses(endpoint.url)
        response = requests.post(
            endpoint.url,
            data=body,
            headers={
                "Content-Type": "application/json",
                "User-Agent": "MealExpenseTracker-Webhooks/1",
                "X-MealTracker-Event": delivery.event,
                "X-MealTracker-Delivery": str(delivery.pk),
                SIGNATURE_HEADER: signature(endpoint.secret, timestamp, body),
            },
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
            allow_redirects=False,
        )
        delivery.response_status = response.status_code
        delivery.response_body = response.text[:RESPONSE_KEPT]
        ok = 200 <= response.status_code < 300
        if not ok:
            delivery.error = f"HTTP {response.status_code}"
    except UnsafeWebhookURL as exc:
        ok, delivery.error = False, exc.message[:300]
    except requests.RequestException as exc:
        ok, delivery.error = False, f"{type(exc).__name__}: {exc}"[:300]
    if ok:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.SUCCEEDED, None
    elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
    else:
        delivery.status = DeliveryStatus.PENDING
        delivery.next_attempt_at = timezone.now() + backoff(delivery.attempts)
    delivery.save()
    return delivery


def webhook_deliveries_due(*, limit: int = 100, now: datetime.datetime | None = None) -> list[WebhookDelivery]:
    """Attempt the pending deliveries whose time has come (each claimed under a row lock where the database has
    them, so two runs never send one twice)."""
    now = now or timezone.now()
    done = []
    for pk in list(
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    ):
        with transaction.atomic():
            delivery = (
                WebhookDelivery.objects.select_for_update(skip_locked=True)
                .select_related("endpoint")
                .filter(pk=pk, status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
                .first()
            )
            if delivery is None:
                continue
            if not delivery.endpoint.is_active:
                delivery.status, delivery.error, delivery.next_attempt_at = DeliveryStatus.FAILED, "Endpoint off", None
                delivery.save()
                continue
            done.append(webhook_deliver(delivery))
    return done


def webhook_delivery_replay(*, actor: User, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send an earlier delivery's event again (same body, same event id) as a new delivery, due now."""
    _require_admin(actor)
    return WebhookDelivery.objects.create(
        endpoint=delivery.endpoint, event=delivery.event, event_id=delivery.event_id, payload=delivery.payload,
        next_attempt_at=timezone.now(), replay_of=delivery,
    )  # fmt: skip


def webhook_test_event(*, actor: User, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """A `ping` delivery to check an endpoint and its signature verification."""
    _require_admin(actor)
    payload = {"id": str(uuid.uuid4()), "event": "ping", "created_at": timezone.now().isoformat()}
    return WebhookDelivery.objects.create(
        endpoint=endpoint, event="ping", event_id=payload["id"], payload=payload, next_attempt_at=timezone.now()
    )
