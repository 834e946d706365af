"""`Idempotency-Key` on API creates: a retried request gets the first response back, and creates nothing new.

The rule (storage per user, expiry, races, refusal of a reused key) is mealtracker/idempotency.py's, shared with the
web pages; this module reads the header and keeps DRF responses.
"""

import json

from rest_framework.response import Response

from mealtracker.idempotency import (
    HEADER,
    REPLAYED_HEADER,
    IdempotencyKeyReused,
    KeptResponse,
    idempotency_keys_purge,
    request_fingerprint,
    run_once,
)

KEPT_HEADERS = ("ETag", "Location")

__all__ = ["HEADER", "REPLAYED_HEADER", "IdempotencyKeyReused", "idempotency_keys_purge", "run_idempotently"]


def _body(request):
    if not hasattr(request.data, "items"):
        return request.data
    return {
        name: (value if isinstance(value, str | int | float | bool | list | dict | None)
               else str(getattr(value, "size", value)))
        for name, value in request.data.items()
    }  # fmt: skip


def _keep(response: Response) -> KeptResponse | None:
    if not 200 <= response.status_code < 300:
        return None
    return KeptResponse(
        response.status_code,
        json.loads(json.dumps(response.data, default=str)),
        {h: response[h] for h in KEPT_HEADERS if h in response},
    )


def _replay(kept: KeptResponse) -> Response:
    return Response(kept.body, status=kept.status, headers={**kept.headers, REPLAYED_HEADER: "true"})


def run_idempotently(request, create) -> Response:
    """Call `create()` once per (user, key); later calls with the same key replay the stored response."""
    key = request.headers.get(HEADER, "").strip()
    if not key or not request.user.is_authenticated:
        return create()
    return run_once(
        user=request.user, key=key, method=request.method, path=request.path,
        fingerprint=request_fingerprint(request.method, request.path, _body(request)),
        create=create, keep=_keep, replay=_replay,
    )  # fmt: skip
