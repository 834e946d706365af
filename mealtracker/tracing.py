"""X-Ray subsegments and Sentry error reports, each switched on by configuration and installed once per process.

X-Ray: on Lambda with active tracing (XRAY_TRACING), aws-xray-sdk patches psycopg2 (SQL), botocore (S3 and
Textract) and requests/httplib (Google Places) so each call is a subsegment of the function's trace. Off Lambda
nothing is patched: there is no daemon to send to.

Sentry: with SENTRY_DSN set, unhandled errors are reported without personal data: no user, no cookies, no request
bodies, no query strings, and the headers that carry credentials are removed before sending.
"""

import importlib.util
import logging

from django.conf import settings

logger = logging.getLogger(__name__)

XRAY_PATCHED = ("psycopg2", "botocore", "requests", "httplib")
SENSITIVE_HEADERS = {"authorization", "cookie", "x-csrftoken", "x-api-key", "proxy-authorization", "set-cookie"}
FILTERED = "[Filtered]"

_installed = False


def install() -> None:
    """Switch on what the settings ask for; safe to call more than once."""
    global _installed
    if _installed:
        return
    _installed = True
    if settings.XRAY_TRACING:
        install_xray()
    if settings.SENTRY_DSN:
        install_sentry()


def install_xray() -> bool:
    if importlib.util.find_spec("aws_xray_sdk") is None:
        logger.warning("XRAY_TRACING is on but aws-xray-sdk is not installed; no subsegments are recorded")
        return False
    from aws_xray_sdk.core import patch, xray_recorder

    xray_recorder.configure(service="mealtracker", context_missing="LOG_ERROR")
    patch(XRAY_PATCHED, raise_errors=False)
    return True


def scrub_event(event: dict, hint: dict | None = None) -> dict:
    """Sentry's before_send: drop who the user is and anything that could hold a credential or personal data."""
    event.pop("user", None)
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("cookies", "data", "query_string", "env"):
            request.pop(key, None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                name: (FILTERED if name.lower() in SENSITIVE_HEADERS else value) for name, value in headers.items()
            }
    for breadcrumb in (event.get("breadcrumbs") or {}).get("values", []):
        breadcrumb.pop("data", None)
    return event


def install_sentry() -> bool:
    if importlib.util.find_spec("sentry_sdk") is None:
        logger.warning("SENTRY_DSN is set but sentry-sdk is not installed; errors are only logged")
        return False
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=settings.SENTRY_DSN,
        environment=settings.SENTRY_ENVIRONMENT,
        release=settings.APP_VERSION,
        send_default_pii=False,
        traces_sample_rate=settings.SENTRY_TRACES_SAMPLE_RATE,
        before_send=scrub_event,
        integrations=[DjangoIntegration()],
    )
    return True
