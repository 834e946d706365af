"""`Idempotency-Key` on create: a retried request gets the first response back, and creates nothing new.

Keys are stored per user with an expiry (`API_IDEMPOTENCY_TTL`). Two concurrent first attempts race on the
unique (user, key) constraint; the loser's work is rolled back and it replays the winner's response.
"""

import hashlib
import json
from http import HTTPStatus

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.response import Response

from mealtracker.errors import DomainError
from mealtracker.models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEPT_HEADERS = ("ETag", "Location")


class IdempotencyKeyReused(DomainError):
    status = HTTPStatus.UNPROCESSABLE_ENTITY
    code = "idempotency_key_reused"


def _fingerprint(request) -> str:
    body = json.dumps(
        {k: (v if isinstance(v, str | int | float | bool | list | dict | None) else str(getattr(v, "size", v)))
         for k, v in request.data.items()} if hasattr(request.data, "items") else request.data,
        sort_keys=True, default=str,
    )  # fmt: skip
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _replay(record: IdempotencyKey, fingerprint: str) -> Response:
    if record.fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            f"The {HEADER} was already used for a different request; use a new key.", field=HEADER
        )
    return Response(record.response_body, status=record.response_status, headers={
        **record.response_headers, REPLAYED_HEADER: "true"
    })  # fmt: skip


def run_idempotently(request, create) -> Response:
    """Call `create()` once per (user, key); later calls with the same key replay the stored response."""
    key = request.headers.get(HEADER, "").strip()
    if not key or not request.user.is_authenticated:
        return create()
    if len(key) > 255:
        raise DomainError(f"The {HEADER} is at most 255 characters.", field=HEADER)
    fingerprint = _fingerprint(request)
    now = timezone.now()
    IdempotencyKey.objects.filter(user=request.user, key=key, expires_at__lte=now).delete()
    record = IdempotencyKey.objects.filter(user=request.user, key=key).first()
    if record is not None:
        return _replay(record, fingerprint)
    try:
        with transaction.atomic():
            response = create()
            if 200 <= response.status_code < 300:
                IdempotencyKey.objects.create(
                    user=request.user, key=key, method=request.method, path=request.path[:500],
                    fingerprint=fingerprint, response_status=response.status_code,
                    response_body=json.loads(json.dumps(response.data, default=str)),
                    response_headers={h: response[h] for h in KEPT_HEADERS if h in response},
                    expires_at=now + settings.API_IDEMPOTENCY_TTL,
                )  # fmt: skip
    except IntegrityError:
        # A concurrent request with the same key won; our create was rolled back with the failed insert.
        record = IdempotencyKey.objects.filter(user=request.user, key=key).first()
        if record is None:
            raise
        return _replay(record, fingerprint)
    return response


def idempotency_keys_purge() -> int:
    """Delete expired keys (a scheduled job may call this)."""
    deleted, _ = IdempotencyKey.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
