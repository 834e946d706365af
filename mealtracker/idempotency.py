"""`Idempotency-Key` on creates, one rule for the API and the web pages: the first result of a create is kept per
(user, key) for API_IDEMPOTENCY_TTL, and a retry with the same key gets that result back and creates nothing.

The API reads the key from the `Idempotency-Key` header (mealtracker/api/idempotency.py); the add-meal page from the
same header or from its hidden `idempotency_key` field (a form sent twice, or sent again from the browser's outbox
after being offline). Two concurrent first attempts race on the unique (user, key) constraint; the loser's work is
rolled back and it gets the winner's result. The same key with a different request is refused (a 422).
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import TypeVar

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone

from mealtracker.errors import DomainError
from mealtracker.models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
PAGE_FIELD = "idempotency_key"  # the add-meal form's hidden field
MAX_KEY_LENGTH = 255
Result = TypeVar("Result")


class IdempotencyKeyReused(DomainError):
    status = HTTPStatus.UNPROCESSABLE_ENTITY
    code = "idempotency_key_reused"


@dataclass(frozen=True)
class KeptResponse:
    """What is stored of a first response: enough to answer a retry the same way."""

    status: int
    body: object  # JSON
    headers: dict[str, str]


def request_fingerprint(method: str, path: str, body) -> str:
    """sha256 of the method, path and body (JSON-able; files by their size): a retry must match it."""
    text = json.dumps(body, sort_keys=True, default=str)
    return hashlib.sha256(f"{method} {path}\n{text}".encode()).hexdigest()


def _replayed(record: IdempotencyKey, fingerprint: str, replay: Callable[[KeptResponse], Result]) -> Result:
    if record.fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            f"The {HEADER} was already used for a different request; use a new key.", field=HEADER
        )
    return replay(KeptResponse(record.response_status, record.response_body, record.response_headers))


def run_once(
    *,
    user,
    key: str,
    method: str,
    path: str,
    fingerprint: str,
    create: Callable[[], Result],
    keep: Callable[[Result], KeptResponse | None],
    replay: Callable[[KeptResponse], Result],
) -> Result:
    """`create()` once per (user, key), in one transaction with the kept response (`keep(result)`, None keeps
    nothing: a refusal may be retried); later calls with the key get `replay(kept)`."""
    if len(key) > MAX_KEY_LENGTH:
        raise DomainError(f"The {HEADER} is at most {MAX_KEY_LENGTH} characters.", field=HEADER)
    now = timezone.now()
    IdempotencyKey.objects.filter(user=user, key=key, expires_at__lte=now).delete()
    record = IdempotencyKey.objects.filter(user=user, key=key).first()
    if record is not None:
        return _replayed(record, fingerprint, replay)
    try:
        with transaction.atomic():
            result = create()
            kept = keep(result)
            if kept is not None:
                IdempotencyKey.objects.create(
                    user=user, key=key, method=method, path=path[:500], fingerprint=fingerprint,
                    response_status=kept.status, response_body=kept.body, response_headers=kept.headers,
                    expires_at=now + settings.API_IDEMPOTENCY_TTL,
                )  # fmt: skip
    except IntegrityError:
        # A concurrent request with the same key won; our create was rolled back with the failed insert.
        record = IdempotencyKey.objects.filter(user=user, key=key).first()
        if record is None:
            raise
        return _replayed(record, fingerprint, replay)
    return result


def page_idempotency_key(request: HttpRequest) -> str:
    """The key of a page's create: the header (the outbox sends it) or the form's hidden field."""
    return (request.headers.get(HEADER) or request.POST.get(PAGE_FIELD) or "").strip()


def _page_fingerprint(request: HttpRequest) -> str:
    fields = {name: values for name, values in request.POST.lists() if name not in {"csrfmiddlewaretoken", PAGE_FIELD}}
    files = {name: [upload.size for upload in uploads] for name, uploads in request.FILES.lists()}
    return request_fingerprint(request.method, request.path, {"fields": fields, "files": files})


def page_create_once(request: HttpRequest, create: Callable[[], HttpResponse], *, replayed: Callable[[str], None]):
    """A page's create (a form post answered with a redirect) run once per key; a retry is redirected to the same
    place, after `replayed(location)` (e.g. a message). Without a key, `create()` runs as usual."""
    key = page_idempotency_key(request)
    if not key:
        return create()

    def keep(response: HttpResponse) -> KeptResponse | None:
        if response.status_code in (HTTPStatus.FOUND, HTTPStatus.SEE_OTHER) and response.has_header("Location"):
            return KeptResponse(response.status_code, None, {"Location": response["Location"]})
        return None

    def replay(kept: KeptResponse) -> HttpResponse:
        location = kept.headers["Location"]
        replayed(location)
        response = HttpResponseRedirect(location)
        response[REPLAYED_HEADER] = "true"
        return response

    return run_once(
        user=request.user, key=key, method=request.method, path=request.path,
        fingerprint=_page_fingerprint(request), create=create, keep=keep, replay=replay,
    )  # fmt: skip


def idempotency_keys_purge() -> int:
    """Delete expired keys (a scheduled job calls this)."""
    deleted, _ = IdempotencyKey.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
