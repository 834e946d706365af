"""Each request's id, in every log line and the X-Request-ID response header, and its metrics line.

The id is API Gateway's own request id when the request came through it (so a log line, an access log entry and
a client's report all name the same request), and a fresh random one otherwise. The middleware sits first, so it
times and counts everything below it, database queries on the primary and the replica included.
"""

import contextlib
import logging
import time
import uuid
from contextvars import ContextVar

from django.core.signals import request_finished
from django.db import connections

from mealtracker import metrics

HEADER = "X-Request-ID"
_request_id = ContextVar("request_id", default="-")
_request_cache: ContextVar[dict | None] = ContextVar("request_cache", default=None)


def current_request_id() -> str:
    return _request_id.get()


def request_cache() -> dict | None:
    """A dict that lives as long as the request being answered (None outside one): for a fact a request asks for
    again and again and that it cannot change meanwhile, such as whose meals a manager reads."""
    return _request_cache.get()


def request_id_from(request) -> str:
    event = request.META.get("lambda.event")
    if isinstance(event, dict):
        gateway_id = (event.get("requestContext") or {}).get("requestId")
        if gateway_id:
            return str(gateway_id)[:128]
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every log record ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get()
        return True


class _QueryTimer:
    """A database execute wrapper that counts queries and their time."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - started


def route_of(request) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match and match.view_name else "unmatched"


def _forget_request_id(**kwargs):
    _request_id.set("-")


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        # The id stays set until the response is closed: Django logs a request's 4xx/5xx after the middleware.
        request_finished.connect(_forget_request_id, dispatch_uid="mealtracker_forget_request_id")

    def __call__(self, request):
        request.request_id = request_id_from(request)
        _request_id.set(request.request_id)
        cache_token = _request_cache.set({})
        started = time.perf_counter()
        timer = _QueryTimer()
        status = 500
        try:
            with contextlib.ExitStack() as stack:
                for alias in connections:
                    stack.enter_context(connections[alias].execute_wrapper(timer))
                response = self.get_response(request)
            status = response.status_code
            response[HEADER] = request.request_id
            return response
        finally:
            _request_cache.reset(cache_token)
            metrics.request(
                route=route_of(request),
                status=status,
                latency_ms=(time.perf_counter() - started) * 1000,
                db_queries=timer.count,
                db_ms=timer.seconds * 1000,
                request_id=request.request_id,
            )
