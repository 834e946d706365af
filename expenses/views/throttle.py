"""Per-user call budgets for pages that call paid or slow services (Google Places, OCR).

A counter per user and minute in the shared cache (the database cache: it holds across Lambda instances).
"""

import time

from django.core.cache import cache


def over_budget(user, scope: str, per_minute: int) -> bool:
    """Count one call of `scope` for the user; True when this minute's calls exceed `per_minute`."""
    key = f"calls:{scope}:{user.pk}:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=90)
    try:
        calls = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=90)
        calls = 1
    return calls > per_minute
