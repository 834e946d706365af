"""Every API error as one RFC 9457 problem-details document (`application/problem+json`).

Shape: ``{"type", "title", "status", "detail", "code", "errors": {field: [messages]}}``. Domain errors, DRF's
errors and Django's 404/403 all map here, once; anything unexpected becomes a bare 500 whose details stay in
the log, never in the response.
"""

import logging
from http import HTTPStatus

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.db import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import set_rollback

from mealtracker.errors import DomainError

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
NON_FIELD_KEY = "non_field_errors"
# While the database restarts or fails over, requests answer 503 and ask the client to retry shortly.
DATABASE_ERRORS = (OperationalError, InterfaceError)
DATABASE_RETRY_AFTER_SECONDS = 5
DATABASE_UNAVAILABLE_DETAIL = "The database is unavailable for a moment; retry shortly."


def problem_type(code: str) -> str:
    return f"urn:mealtracker:problem:{code}"


def problem_body(status: int, *, detail: str, code: str, errors: dict | None = None) -> dict:
    return {
        "type": problem_type(code),
        "title": HTTPStatus(status).phrase,
        "status": int(status),
        "detail": detail,
        "code": code,
        "errors": errors or {},
    }


def problem_json_response(status: int, *, detail: str, code: str, errors: dict | None = None) -> JsonResponse:
    """A problem document outside DRF's view machinery (the /api/ catch-all 404, for instance)."""
    return JsonResponse(
        problem_body(status, detail=detail, code=code, errors=errors), status=status, content_type=PROBLEM_CONTENT_TYPE
    )


def database_unavailable_response() -> JsonResponse:
    """The 503 problem for a lost database connection (no traceback, a Retry-After the client can follow)."""
    response = problem_json_response(503, detail=DATABASE_UNAVAILABLE_DETAIL, code="database_unavailable")
    response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    """Outside DRF's views (admin, web pages, the /api/ 404), a lost database connection is a 503 too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            logger.warning("Database unavailable on %s %s: %s", request.method, request.path, exception)
            return database_unavailable_response()
        return None


def flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as `{"field": [...], "tags.0": [...], "non_field_errors": [...]}`."""
    flat: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = NON_FIELD_KEY if key in ("non_field_errors", "__all__") else str(key)
            for field, messages in flatten_errors(value, f"{prefix}{name}." if prefix or name else "").items():
                flat.setdefault(field, []).extend(messages)
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            flat[prefix.rstrip(".") or NON_FIELD_KEY] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                if item:
                    flat.update(flatten_errors(item, f"{prefix}{index}."))
    else:
        flat[prefix.rstrip(".") or NON_FIELD_KEY] = [str(detail)]
    return flat


def _first_code(detail) -> str:
    if isinstance(detail, dict):
        return next((_first_code(v) for v in detail.values()), "invalid")
    if isinstance(detail, list):
        return next((_first_code(v) for v in detail), "invalid")
    return getattr(detail, "code", None) or "invalid"


def _from_domain_error(exc: DomainError) -> tuple[int, str, str, dict]:
    errors = getattr(exc, "errors", None)
    if errors:
        errors = {(NON_FIELD_KEY if k == "__all__" else k): [str(m) for m in v] for k, v in errors.items()}
    elif exc.field:
        errors = {exc.field: [exc.message]}
    return int(exc.status), exc.message, exc.code, errors or {}


def _from_api_exception(exc: exceptions.APIException) -> tuple[int, str, str, dict]:
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten_errors(exc.detail)
        messages = [m for ms in errors.values() for m in ms]
        detail = messages[0] if len(messages) == 1 else "Some fields are not valid; see errors."
        return exc.status_code, detail, _first_code(exc.detail), errors
    detail = exc.detail
    if isinstance(detail, dict | list):
        errors = flatten_errors(detail)
        text = str(detail.get("detail", "")) if isinstance(detail, dict) else ""
        return exc.status_code, text or exc.default_detail, _first_code(detail), errors
    return exc.status_code, str(detail), getattr(detail, "code", None) or exc.default_code, {}


def problem_exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: one problem document per error, logged when it is our fault."""
    headers = {}
    if isinstance(exc, DomainError):
        status, detail, code, errors = _from_domain_error(exc)
    elif isinstance(exc, Http404):
        status, detail, code, errors = 404, "Not found.", "not_found", {}
    elif isinstance(exc, RequestDataTooBig):
        status, detail, code, errors = 413, "The request body is too large.", "request_too_large", {}
    elif isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        status, detail, code, errors = 400, "The request carries more fields or files than allowed.", "too_many", {}
    elif isinstance(exc, SuspiciousOperation):
        status, detail, code, errors = 400, "The request could not be read.", "malformed_request", {}
    elif isinstance(exc, PermissionDenied):
        status, detail, code, errors = 403, "You do not have permission to do this.", "permission_denied", {}
    elif isinstance(exc, DATABASE_ERRORS):
        logger.warning("Database unavailable in API view: %s", exc)
        status, detail, code, errors = 503, DATABASE_UNAVAILABLE_DETAIL, "database_unavailable", {}
        headers["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
    elif isinstance(exc, exceptions.APIException):
        status, detail, code, errors = _from_api_exception(exc)
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))
    else:
        view = context.get("view")
        logger.exception("Unhandled error in API view %s", type(view).__name__ if view else "?")
        status, detail, code, errors = 500, "Something went wrong on our side; it has been logged.", "server_error", {}
    set_rollback()
    response = Response(problem_body(status, detail=detail, code=code, errors=errors), status=status, headers=headers)
    request = context.get("request")
    renderer = getattr(request, "accepted_renderer", None)
    if renderer is None or getattr(renderer, "format", "json") == "json":
        response.content_type = PROBLEM_CONTENT_TYPE
    return response
