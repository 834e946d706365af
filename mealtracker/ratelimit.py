"""Rate limits shared by every process and Lambda instance: counted in Redis when it is the cache, else in the database.

A sliding-window counter. Each key keeps the hits of its current fixed window and of the previous one, and the
estimate for "the last `period` seconds" weighs the previous window by how much of it still overlaps them, so a
client cannot send twice the rate across a window boundary as it could with a plain fixed window. The upsert
is atomic, so two concurrent requests never count once, which the cache's read-then-write throttle could; and it
is one query where the database cache took four (read, count for culling, read again, write); a refused request
takes a second one, to take its count back.

With Redis as the cache (REDIS_URL) the same two windows are two Redis keys, counted by one atomic INCR in a
MULTI/EXEC round trip: no database statement per request. While Redis does not answer, the database counts.
"""

import logging
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from redis.exceptions import RedisError

from mealtracker.client_ip import client_ip
from mealtracker.models import RateCounter

# `counter` is the stored row, `excluded` the one this request would insert. Every SET expression sees the row as it
# was before the statement (standard SQL; PostgreSQL and SQLite agree). A request whose clock is a window behind
# the stored one counts into the stored window rather than resetting it.
_UPSERT = """
    INSERT INTO mealtracker_ratecounter AS counter (key, window_start, hits, previous_hits, expires_at)
    VALUES (%s, %s, 1, 0, %s)
    ON CONFLICT (key) DO UPDATE SET
        previous_hits = CASE
            WHEN counter.window_start >= excluded.window_start THEN counter.previous_hits
            WHEN counter.window_start = excluded.window_start - %s THEN counter.hits
            ELSE 0 END,
        hits = CASE WHEN counter.window_start >= excluded.window_start THEN counter.hits + 1 ELSE 1 END,
        window_start = CASE
            WHEN counter.window_start >= excluded.window_start THEN counter.window_start
            ELSE excluded.window_start END,
        expires_at = excluded.expires_at
    RETURNING window_start, hits, previous_hits
"""
# A refused request is taken back out, as DRF's throttles do: a client that keeps retrying is not locked out for
# longer than its own accepted requests warrant.
_UNDO = "UPDATE mealtracker_ratecounter SET hits = hits - 1 WHERE key = %s AND window_start = %s AND hits > 0"


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    estimate: float  # requests counted in the last `period` seconds, this one included
    retry_after: float  # seconds until a request would be allowed again; 0 when this one is


logger = logging.getLogger(__name__)


def hit(key: str, *, limit: int, period: int, now: float | None = None) -> Verdict:
    """Count one request for `key`; allowed while at most `limit` requests fall in the last `period` seconds."""
    now = time.time() if now is None else now
    if counted_in_redis():
        try:
            return _hit_redis(key, limit=limit, period=period, now=now)
        except RedisError:
            logger.warning("Rate limit counters unavailable in Redis; counting in the database", exc_info=True)
    return _hit_database(key, limit=limit, period=period, now=now)


def counted_in_redis() -> bool:
    """Whether the cache is Redis (mealtracker.redis_cache), which then keeps the counters."""
    return hasattr(cache, "redis_client")


def redis_counter_key(key: str, window_start: int) -> str:
    return cache.make_and_validate_key(f"ratelimit:{key}:{window_start}")


def _hit_redis(key: str, *, limit: int, period: int, now: float) -> Verdict:
    window_start = int(now // period * period)
    current, previous_key = redis_counter_key(key, window_start), redis_counter_key(key, window_start - period)
    client = cache.redis_client(current, write=True)
    with client.pipeline(transaction=True) as pipe:
        pipe.incr(current)
        pipe.expire(current, 2 * period)
        pipe.get(previous_key)
        hits, _, previous = pipe.execute()
    previous = int(previous or 0)
    elapsed = min(max(now - window_start, 0.0), float(period))
    estimate = previous * (period - elapsed) / period + hits
    if estimate <= limit:
        return Verdict(allowed=True, estimate=estimate, retry_after=0.0)
    client.decr(current)
    return Verdict(
        allowed=False, estimate=estimate, retry_after=_retry_after(limit, period, elapsed, hits - 1, previous)
    )


def _hit_database(key: str, *, limit: int, period: int, now: float) -> Verdict:
    window_start = int(now // period * period)
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [key, window_start, window_start + 2 * period, period])
        stored_start, hits, previous = cursor.fetchone()
    elapsed = min(max(now - stored_start, 0.0), float(period))
    estimate = previous * (period - elapsed) / period + hits
    if estimate <= limit:
        return Verdict(allowed=True, estimate=estimate, retry_after=0.0)
    with connection.cursor() as cursor:
        cursor.execute(_UNDO, [key, stored_start])
    retry_after = _retry_after(limit, period, elapsed, hits - 1, previous)
    return Verdict(allowed=False, estimate=estimate, retry_after=retry_after)


def _retry_after(limit: int, period: int, elapsed: float, hits: int, previous: int) -> float:
    """Seconds until one more request fits after `hits` accepted ones, if no other arrives meanwhile."""
    room = limit - 1  # the estimate must drop to this before one more request fits
    if hits <= room and previous:
        # Still in this window: wait for the previous window's weight to fall enough.
        return max(period * (1 - (room - hits) / previous) - elapsed, 1.0)
    # Into the next window, where this window's hits become the weighted previous ones.
    into_next = period * (1 - room / hits) if hits else 0.0
    return (period - elapsed) + max(into_next, 0.0)


def counters_purge(now: float | None = None) -> int:
    """Delete counters no window can use any more (a scheduled job calls this)."""
    deleted, _ = RateCounter.objects.filter(expires_at__lt=time.time() if now is None else now).delete()
    return deleted


PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """DRF's notation, "20/hour" or "5/m", as (requests, seconds)."""
    count, _, period = rate.partition("/")
    try:
        return int(count), PERIODS[period.strip()[:1].lower()]
    except (ValueError, KeyError) as exc:
        raise ValueError(f"{rate!r} is not a rate such as '20/hour'.") from exc


def hit_rate(key: str, rate: str) -> Verdict:
    """`hit` with the limit and period of a rate setting such as "20/hour"."""
    limit, period = parse_rate(rate)
    return hit(key, limit=limit, period=period)


def address_key(scope: str, request) -> str:
    """The counter key of `scope` for the request's client address (the trusted-proxy rule every throttle uses)."""
    return f"{scope}:ip:{client_ip(request)}"
