"""Slack's Web API rate limits as token buckets, per method per workspace.

Tiers (calls per minute): t1 1+, t2 20+, t3 50+, t4 100+. t5 is "special": chat.postMessage
allows about one message per second per channel with short bursts; auth.test is generous.

Modes:
- ``"slack"``: buckets hold a minute's worth of calls, so an ordinary bot run never trips them.
- ``"strict"``: one call per bucket, refilled at the tier's rate, for tests of rate handling.
- ``"off"``: no limits (``limit_next`` still works).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

RateLimitMode = Literal["slack", "strict", "off"]

PER_MINUTE = {"t1": 1.0, "t2": 20.0, "t3": 50.0, "t4": 100.0}
POST_MESSAGE = "chat.postMessage"


@dataclass
class TokenBucket:
    capacity: float
    refill_per_second: float
    tokens: float
    updated: float

    def take(self, now: float) -> float:
        """Take a token; 0.0 when allowed, else the seconds until one is available."""
        elapsed = max(0.0, now - self.updated)
        self.tokens = min(self.capacity, self.tokens + elapsed * self.refill_per_second)
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.refill_per_second


@dataclass
class _ForcedLimit:
    remaining: int
    retry_after: int


def _shape(mode: RateLimitMode, method: str, tier: str | None) -> tuple[float, float]:
    """(capacity, refill per second) for a method's bucket."""
    if tier == "t5" or tier not in PER_MINUTE:
        if method == POST_MESSAGE:
            return (1.0, 1.0) if mode == "strict" else (30.0, 1.0)
        return (1.0, 1.0) if mode == "strict" else (1000.0, 1000.0 / 60.0)
    per_minute = PER_MINUTE[tier]
    if mode == "strict":
        return 1.0, per_minute / 60.0
    return per_minute, per_minute / 60.0


class RateLimiter:
    """Decides whether a Web API call is over its limit, and for how long."""

    def __init__(self, mode: RateLimitMode, clock: Callable[[], float]) -> None:
        if mode not in ("slack", "strict", "off"):
            raise ValueError(f"rate_limits must be 'slack', 'strict' or 'off', not {mode!r}")
        self.mode: RateLimitMode = mode
        self._clock = clock
        self._buckets: dict[tuple[str, str], TokenBucket] = {}
        self._forced: dict[str, list[_ForcedLimit]] = {}

    def limit_next(self, method: str, times: int = 1, retry_after: int = 1) -> None:
        """Make the next ``times`` calls of ``method`` answer 429 with ``Retry-After``."""
        if times < 1 or retry_after < 0:
            raise ValueError("times must be >= 1 and retry_after >= 0")
        self._forced.setdefault(method, []).append(_ForcedLimit(times, retry_after))

    def check(self, method: str, tier: str | None, channel: str | None = None) -> int | None:
        """None when the call may go ahead, else the whole seconds for ``Retry-After``."""
        forced = self._forced.get(method)
        if forced:
            limit = forced[0]
            limit.remaining -= 1
            if limit.remaining <= 0:
                forced.pop(0)
            return limit.retry_after
        if self.mode == "off":
            return None
        key = (method, channel or "") if method == POST_MESSAGE else (method, "")
        bucket = self._buckets.get(key)
        now = self._clock()
        if bucket is None:
            capacity, refill = _shape(self.mode, method, tier)
            bucket = TokenBucket(capacity, refill, capacity, now)
            self._buckets[key] = bucket
        wait = bucket.take(now)
        if wait <= 0.0:
            return None
        return max(1, math.ceil(wait))
