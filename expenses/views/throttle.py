"""Per-user call budgets for pages that call paid or slow services (Google Places, OCR).

Counted by `mealtracker.ratelimit` (one atomic statement, shared across Lambda instances) over a sliding minute.
"""

from mealtracker import ratelimit


def over_budget(user, scope: str, per_minute: int) -> bool:
    """Count one call of `scope` for the user; True when the last minute's calls exceed `per_minute`."""
    return not ratelimit.hit(f"calls:{scope}:{user.pk}", limit=per_minute, period=60).allowed
