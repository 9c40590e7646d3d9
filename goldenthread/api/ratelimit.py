"""Rate limits per API token (and per signed-in user for same-site calls), counted in
Django's cache: a fixed window of one minute. More calls than the limit answer 429 with
`Retry-After` (seconds to the next window). Settings: GOLDENTHREAD_API_RATE_PER_MINUTE and
GOLDENTHREAD_API_RATE_CACHE (the name of a cache in CACHES)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches

WINDOW_SECONDS = 60


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int


def per_minute() -> int:
    return int(getattr(settings, "GOLDENTHREAD_API_RATE_PER_MINUTE", 120))


def check_rate(key: str, *, now: float | None = None) -> RateDecision:
    """Count one call for `key` in the current minute; say whether it is within the limit."""
    limit = per_minute()
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS)
    retry_after = max(1, WINDOW_SECONDS - int(now % WINDOW_SECONDS))
    cache = caches[getattr(settings, "GOLDENTHREAD_API_RATE_CACHE", "default")]
    cache_key = f"gt-api-rate:{key}:{window}"
    # add() then incr(): the first call of a window makes the counter, every call counts.
    cache.add(cache_key, 0, timeout=WINDOW_SECONDS + 5)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=WINDOW_SECONDS + 5)
        count = 1
    return RateDecision(
        allowed=count <= limit,
        limit=limit,
        remaining=max(0, limit - count),
        retry_after=retry_after,
    )
