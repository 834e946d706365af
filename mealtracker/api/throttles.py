"""API throttles counted by `mealtracker.ratelimit`: one upsert per request, shared by every instance."""

from rest_framework import throttling

from mealtracker import ratelimit
from mealtracker.client_ip import client_ip


class CountedInDatabase:
    """DRF's rate parsing and client identification, with the counting done by one atomic database statement."""

    verdict: ratelimit.Verdict | None = None

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        self.verdict = ratelimit.hit(key, limit=self.num_requests, period=self.duration)
        return self.verdict.allowed

    def wait(self):
        return self.verdict.retry_after if self.verdict else None

    def get_ident(self, request):
        # Not DRF's own reading of X-Forwarded-For: the one rule for every throttle and the lockout.
        return client_ip(request)


class UserRateThrottle(CountedInDatabase, throttling.UserRateThrottle):
    """Signed-in callers: the `user` rate per user; anonymous ones fall back to their address."""


class AnonRateThrottle(CountedInDatabase, throttling.AnonRateThrottle):
    """Anonymous callers: the `anon` rate per client address."""


class AuthRateThrottle(CountedInDatabase, throttling.SimpleRateThrottle):
    """Sign-in, registration, refresh and password-reset endpoints: the `auth` rate per client address."""

    scope = "auth"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
