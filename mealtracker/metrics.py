"""CloudWatch metrics as Embedded Metric Format (EMF) lines: one JSON object per line on stdout.

On Lambda, CloudWatch Logs turns each line into metrics with no API call and no agent; locally the lines are
plain JSON to read or grep. Every metric of the app is emitted from here:

- per request (`request`): Requests, Latency (ms), Status2xx/3xx/4xx/5xx, ColdStart, DBQueries, DBTime (ms),
  with the dimensions Service and Route (the URL name, never the raw path, so cardinality stays bounded);
- business events (`business_event`): MealsLogged, MealsSubmitted, MealsApproved, ImportsApplied, OcrReads
  (with OcrConfidence), ReportCacheHits and ReportCacheMisses, with the dimension Service.

Set METRICS_ENABLED=false to silence them (the default off the function is on too: the lines are cheap).
"""

import json
import logging
import sys
import time

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

NAMESPACE_DEFAULT = "MealTracker"
SERVICE = "mealtracker"

# Units CloudWatch accepts that we use.
COUNT = "Count"
MILLISECONDS = "Milliseconds"
NONE = "None"

BUSINESS_EVENTS = {
    "meal_logged": ("MealsLogged", COUNT),
    "meal_submitted": ("MealsSubmitted", COUNT),
    "meal_approved": ("MealsApproved", COUNT),
    "import_applied": ("ImportsApplied", COUNT),
    "ocr_read": ("OcrReads", COUNT),
    "report_cache_hit": ("ReportCacheHits", COUNT),
    "report_cache_miss": ("ReportCacheMisses", COUNT),
}

_cold = True


def enabled() -> bool:
    return getattr(settings, "METRICS_ENABLED", True)


def namespace() -> str:
    return getattr(settings, "METRICS_NAMESPACE", NAMESPACE_DEFAULT)


def emf_line(metrics: dict[str, tuple[float, str]], *, dimensions: dict[str, str], properties: dict | None = None):
    """One EMF document: `metrics` maps a name to (value, unit); properties are searchable, not metrics."""
    document = {
        "_aws": {
            "Timestamp": int(time.time() * 1000),
            "CloudWatchMetrics": [
                {
                    "Namespace": namespace(),
                    "Dimensions": [sorted(dimensions)],
                    "Metrics": [{"Name": name, "Unit": unit} for name, (_, unit) in metrics.items()],
                }
            ],
        },
        **dimensions,
        **{name: value for name, (value, _) in metrics.items()},
        **(properties or {}),
    }
    return json.dumps(document, separators=(",", ":"), default=str)


def emit(metrics: dict[str, tuple[float, str]], *, dimensions: dict[str, str], properties: dict | None = None):
    if not enabled() or not metrics:
        return
    # Straight to stdout, not through logging: the line must be the JSON document alone.
    sys.stdout.write(emf_line(metrics, dimensions=dimensions, properties=properties) + "\n")
    sys.stdout.flush()


def take_cold_start() -> bool:
    """True for the first request this process serves (a Lambda cold start), False afterwards."""
    global _cold
    cold, _cold = _cold, False
    return cold


def request(*, route: str, status: int, latency_ms: float, db_queries: int, db_ms: float, request_id: str):
    """The per-request metrics line."""
    status_class = f"Status{status // 100}xx"
    emit(
        {
            "Requests": (1, COUNT),
            "Latency": (round(latency_ms, 2), MILLISECONDS),
            status_class: (1, COUNT),
            "ColdStart": (1 if take_cold_start() else 0, COUNT),
            "DBQueries": (db_queries, COUNT),
            "DBTime": (round(db_ms, 2), MILLISECONDS),
        },
        dimensions={"Service": SERVICE, "Route": route},
        properties={"request_id": request_id, "status": status},
    )


def business_event(event: str, count: int = 1, **properties):
    """One business event (see BUSINESS_EVENTS); `confidence` is recorded as OcrConfidence for OCR reads."""
    name, unit = BUSINESS_EVENTS[event]
    values = {name: (count, unit)}
    confidence = properties.pop("confidence", None)
    if confidence is not None:
        values["OcrConfidence"] = (round(float(confidence), 4), NONE)
    from mealtracker.request_context import current_request_id

    emit(values, dimensions={"Service": SERVICE}, properties={"request_id": current_request_id(), **properties})


def business_event_on_commit(event: str, count: int = 1, **properties):
    """The event once the current transaction commits (at once outside one): a rolled-back write counts nothing."""
    transaction.on_commit(lambda: business_event(event, count, **properties))
