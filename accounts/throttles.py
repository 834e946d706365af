"""Sign-in attempts counted per client address and per account, the same way for the web form and the API.

The lockout (django-axes) counts failures of one e-mail from one address; these counts also slow a client trying
one password on many accounts (spraying) and many clients trying one account. Counted in Redis when it is the
cache, in the database otherwise (`mealtracker.ratelimit`), so every Lambda instance agrees.
"""

import hashlib

from django.conf import settings

from mealtracker import ratelimit


def sign_in_attempt(request, email: str | None) -> ratelimit.Verdict:
    """Count one sign-in attempt from the request's client and for `email`; refused when either is over its rate."""
    verdict = ratelimit.hit_rate(ratelimit.address_key("signin", request), settings.SIGN_IN_RATE_PER_ADDRESS)
    account = (email or "").strip().lower()
    if not verdict.allowed or not account:
        return verdict
    # Keyed by a digest: the counters table holds no e-mail addresses.
    digest = hashlib.sha256(account.encode()).hexdigest()
    return ratelimit.hit_rate(f"signin:account:{digest}", settings.SIGN_IN_RATE_PER_ACCOUNT)


def refusal_message(verdict: ratelimit.Verdict) -> str:
    minutes = max(1, round(verdict.retry_after / 60))
    return f"Too many sign-in attempts; try again in {minutes} minute{'s' if minutes != 1 else ''}."
