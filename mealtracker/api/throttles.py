"""Throttles; their counters live in the default cache (the shared database cache), so all instances agree."""

from rest_framework.throttling import SimpleRateThrottle


class AuthRateThrottle(SimpleRateThrottle):
    """Sign-in, registration, refresh and password-reset endpoints: the `auth` rate per client address."""

    scope = "auth"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
