"""When a user (their team, anyone) last changed data: read-your-writes and the keys of cached figures.

One stamp per user, per team and one for everything, kept in the shared cache (Redis or the database cache), so
every process and Lambda instance agrees. A write moves the stamps forward after its transaction commits:

- a user who wrote in the last `READ_YOUR_WRITES_SECONDS` reads from the primary, never from a replica that
  may not have replayed the write yet (mealtracker/db_router.py);
- cached report and dashboard figures are keyed by the stamps they depend on (mealtracker/report_cache.py), so a
  write changes the key and the next read computes fresh figures: nothing is ever deleted, old keys expire.
"""

import logging
import time
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

logger = logging.getLogger(__name__)

EVERYONE = "all"
# Stamps outlive every cached figure and the read-your-writes window by far.
STAMP_SECONDS = 7 * 24 * 3600


def user_key(user_id) -> str:
    return f"stamp:user:{user_id}"


def team_key(team_id) -> str:
    return f"stamp:team:{team_id}"


EVERYONE_KEY = f"stamp:{EVERYONE}"


def stamps_needed() -> bool:
    """Stamps serve the figures cache and read-your-writes: without either, a write costs no cache round trip."""
    return settings.REPORT_CACHE_SECONDS > 0 or getattr(settings, "DATABASE_REPLICA_ENABLED", False)


def data_changed(*, user_ids: Iterable = (), team_ids: Iterable = ()) -> None:
    """Mark these users' and teams' data (and everyone's) as changed, now and again when the transaction commits.

    The first stamp makes readers miss the cache at once; a reader that still saw the old rows before the commit
    stores them under a key that the second stamp, after the commit, leaves behind.
    """
    if not stamps_needed():
        return
    keys = {user_key(pk) for pk in user_ids if pk} | {team_key(pk) for pk in team_ids if pk} | {EVERYONE_KEY}
    _stamp(keys)
    if connection.in_atomic_block:
        transaction.on_commit(lambda: _stamp(keys))


def _stamp(keys: set[str]) -> None:
    now = time.time_ns()
    try:
        cache.set_many(dict.fromkeys(keys, now), timeout=STAMP_SECONDS)
    except Exception:  # the cache being down must not fail a write that has committed
        logger.warning("Could not record a data change in the cache", exc_info=True)


def stamps(keys: list[str]) -> list[int]:
    """The stamps of these keys in order (0 where none was recorded); one cache round trip."""
    found = cache.get_many(keys)
    return [found.get(key, 0) for key in keys]


def wrote_recently(user_id) -> bool:
    """Whether this user changed data within the read-your-writes window (True when the cache cannot tell)."""
    if not user_id:
        return False
    get = getattr(cache, "get_or_raise", cache.get)  # the Redis cache otherwise answers "absent" while it is down
    try:
        last = get(user_key(user_id))
    except Exception:
        logger.warning("Could not read a write stamp; reading from the primary", exc_info=True)
        return True
    return bool(last) and time.time_ns() - last < settings.READ_YOUR_WRITES_SECONDS * 1_000_000_000
