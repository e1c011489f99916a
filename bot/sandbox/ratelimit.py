"""Slack's Web API rate limits as token buckets, per method per workspace.

Tiers (calls per minute): t1 1+, t2 20+, t3 50+, t4 100+, each allowing "occasional" or
"sporadic" bursts. t5 is "special": chat.postMessage allows about one message per second
per channel with short bursts over one, within a workspace-wide limit; auth.test is
generous.

Modes:
- ``"slack"`` (the default): as published. A tier's bucket holds ten seconds' worth of
  calls (at least two) and refills at the tier's rate; chat.postMessage allows a burst of
  three a channel, then one a second, and 600 a minute across the workspace after a burst
  of 60.
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

    def wait(self, now: float) -> float:
        """0.0 when a token is there, else the seconds until one is."""
        elapsed = max(0.0, now - self.updated)
        self.tokens = min(self.capacity, self.tokens + elapsed * self.refill_per_second)
        self.updated = now
        return 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / self.refill_per_second

    def take(self, now: float) -> float:
        """Take a token; 0.0 when allowed, else the seconds until one is available."""
        wait = self.wait(now)
        if wait <= 0.0:
            self.tokens -= 1.0
        return wait


@dataclass
class _ForcedLimit:
    remaining: int
    retry_after: int


BURST_SECONDS = 10.0  # how many seconds' worth of calls a tier's bucket holds
CHANNEL_BURST = 3.0  # chat.postMessage: a short burst in one channel, then 1 a second
WORKSPACE_POSTS = (60.0, 10.0)  # chat.postMessage across the workspace: burst, per second
WORKSPACE = "*"  # the channel key of the workspace-wide chat.postMessage bucket


def _shape(mode: RateLimitMode, method: str, tier: str | None) -> tuple[float, float]:
    """(capacity, refill per second) for a method's bucket."""
    if tier == "t5" or tier not in PER_MINUTE:
        if method == POST_MESSAGE:
            return (1.0, 1.0) if mode == "strict" else (CHANNEL_BURST, 1.0)
        return (1.0, 1.0) if mode == "strict" else (1000.0, 1000.0 / 60.0)
    per_minute = PER_MINUTE[tier]
    if mode == "strict":
        return 1.0, per_minute / 60.0
    return max(2.0, per_minute * BURST_SECONDS / 60.0), per_minute / 60.0


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
        now = self._clock()
        if method == POST_MESSAGE and self.mode == "slack":
            shared = self._bucket((method, WORKSPACE), now, WORKSPACE_POSTS)
            if (wait := shared.wait(now)) > 0.0:
                return self._seconds(wait)
            shape = _shape(self.mode, method, tier)
            if (wait := self._bucket((method, channel or ""), now, shape).take(now)) > 0.0:
                return self._seconds(wait)
            shared.take(now)
            return None
        key = (method, channel or "") if method == POST_MESSAGE else (method, "")
        return self._seconds(self._bucket(key, now, _shape(self.mode, method, tier)).take(now))

    def _bucket(self, key: tuple[str, str], now: float, shape: tuple[float, float]) -> TokenBucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            capacity, refill = shape
            bucket = TokenBucket(capacity, refill, capacity, now)
            self._buckets[key] = bucket
        return bucket

    @staticmethod
    def _seconds(wait: float) -> int | None:
        """None when allowed, else the whole seconds for ``Retry-After``."""
        return None if wait <= 0.0 else max(1, math.ceil(wait))
