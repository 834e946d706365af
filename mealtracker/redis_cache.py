"""Django's Redis cache, except that Redis not answering is a miss, never an error.

Everything kept in the cache can be done without for a while: report figures are computed again, a write stamp
that cannot be read sends the reader to the primary, a place lookup asks the provider again. So while Redis
restarts or fails over, a read returns its default, a write stores nothing and reports so (`False`), and requests
carry on a little slower instead of failing with a 500. Each failure is logged once per call as a warning.

A counter (`incr`) counts from zero while Redis is away: a login lockout (django-axes) restarts its count rather
than failing the sign-in. API throttles talk to Redis themselves (mealtracker/ratelimit.py) and fall back to the
database's counters instead.
"""

import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _unavailable(operation: str) -> None:
    logger.warning("Cache unavailable (%s); carrying on without it", operation, exc_info=True)


class TolerantRedisCache(RedisCache):
    """RedisCache whose connection and timeout errors degrade to misses (see the module docstring)."""

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except RedisError:
            _unavailable("add")
            return False

    def get_or_raise(self, key, default=None, version=None):
        """`get` that lets Redis errors through, for a caller that must tell "absent" from "unknown" (a user's
        write stamp: unknown means reading from the primary)."""
        return super().get(key, default, version)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError:
            _unavailable("get")
            return default

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except RedisError:
            _unavailable("set")

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except RedisError:
            _unavailable("touch")
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except RedisError:
            _unavailable("delete")
            return False

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except RedisError:
            _unavailable("get_many")
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except RedisError:
            _unavailable("has_key")
            return False

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except RedisError:
            _unavailable("incr")
            return delta

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except RedisError:
            _unavailable("set_many")
            return list(data)  # the keys that were not stored

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except RedisError:
            _unavailable("delete_many")

    def clear(self):
        try:
            return super().clear()
        except RedisError:
            _unavailable("clear")
            return False

    def redis_client(self, key: str, *, write: bool):
        """The redis-py client serving `key` (already made with `make_and_validate_key`), for atomic scripts."""
        return self._cache.get_client(key, write=write)
