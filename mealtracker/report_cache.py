"""Report and dashboard figures cached per viewer and filter, under keys that change when the data changes.

A key is `figures:<name>:<viewer>:<digest>` where the digest covers the filters, the viewer's timezone and local
date, and the write stamps the figures depend on (mealtracker/write_stamps.py):

- a member sees their own meals and their team's shared ones: their own stamp and their team's;
- every other role (manager, finance, auditor, admin) may see other teams: the stamp of any change anywhere.

Every write moves those stamps, so the next read after a write computes fresh figures; old entries are never
read again and expire after REPORT_CACHE_SECONDS. The cache being down costs speed, never an error.
"""

import hashlib
import logging
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from mealtracker import metrics, write_stamps

logger = logging.getLogger(__name__)
T = TypeVar("T")
MEMBER_ROLE = "member"


def stamp_keys(viewer) -> list[str]:
    """The stamps a viewer's figures depend on."""
    if getattr(viewer, "role", None) == MEMBER_ROLE:
        return [write_stamps.user_key(viewer.pk), write_stamps.team_key(viewer.team_id or 0)]
    return [write_stamps.user_key(viewer.pk), write_stamps.EVERYONE_KEY]


def figures_key(viewer, name: str, params) -> str:
    keys = stamp_keys(viewer)
    tz = getattr(viewer, "timezone", "") or timezone.get_current_timezone_name()
    material = repr((params, str(tz), timezone.localdate().isoformat(), write_stamps.stamps(keys)))
    return f"figures:{name}:{viewer.pk}:{hashlib.sha256(material.encode()).hexdigest()[:32]}"


def cached_figures(viewer, name: str, params, compute: Callable[[], T]) -> T:
    """`compute()`'s result for this viewer, name and parameters, from the cache while the data is unchanged."""
    seconds = settings.REPORT_CACHE_SECONDS
    if seconds <= 0 or not getattr(viewer, "is_authenticated", False):
        return compute()
    try:
        key = figures_key(viewer, name, params)
        found = cache.get(key)
    except Exception:
        logger.warning("Report cache unavailable; computing the figures", exc_info=True)
        return compute()
    if found is not None:
        metrics.business_event("report_cache_hit", report=name)
        return found
    metrics.business_event("report_cache_miss", report=name)
    value = compute()
    try:
        cache.set(key, value, seconds)
    except Exception:
        logger.warning("Could not store figures in the cache", exc_info=True)
    return value
