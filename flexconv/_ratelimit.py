"""Client-side pacing: a per-key request rate limit (the Interactions API allows 20 requests per
second per endpoint).  Not in a generated tree: the async and sync twins are both written here and
the codegen maps ``AsyncRateLimiter`` to ``RateLimiter``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from flexconv._concurrency import async_sleep, sleep
from flexconv._core.errors import ValidationError

__all__ = ["AsyncRateLimiter", "RateLimiter"]


class _Schedule:
    """Pure bookkeeping: when may the next request of ``key`` start (evenly spaced)."""

    def __init__(self, rate: float, clock: Callable[[], float]) -> None:
        if not isinstance(rate, (int, float)) or isinstance(rate, bool):
            raise TypeError(f"rate must be a number of requests per second, got {rate!r}")
        if not 0 < rate <= 10_000:  # also refuses NaN and infinity
            raise ValidationError(
                f"rate must be a positive, finite number of requests per second (at most "
                f"10000), got {rate!r}"
            )
        self.rate = float(rate)
        self.interval = 1.0 / self.rate
        self._clock = clock
        self._next: dict[str, float] = {}
        # the sync twin is shared by threads (the doctor's scan); reserving is one short step
        self._lock = threading.Lock()

    def reserve(self, key: str) -> float:
        """Reserve the next slot of ``key``; returns how long to wait for it."""
        with self._lock:
            now = self._clock()
            start = max(now, self._next.get(key, now))
            self._next[key] = start + self.interval
            return start - now


class AsyncRateLimiter:
    """At most ``rate`` requests per second per key (an endpoint), spaced evenly."""

    def __init__(self, rate: float = 20, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._schedule = _Schedule(rate, clock)

    @property
    def rate(self) -> float:
        """Requests per second allowed per key."""
        return self._schedule.rate

    async def acquire(self, key: str) -> None:
        """Wait until a request for ``key`` may start."""
        delay = self._schedule.reserve(key)
        if delay > 0:
            await async_sleep(delay)


class RateLimiter:
    """At most ``rate`` requests per second per key (an endpoint), spaced evenly (sync twin)."""

    def __init__(self, rate: float = 20, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._schedule = _Schedule(rate, clock)

    @property
    def rate(self) -> float:
        """Requests per second allowed per key."""
        return self._schedule.rate

    def acquire(self, key: str) -> None:
        """Wait until a request for ``key`` may start."""
        delay = self._schedule.reserve(key)
        if delay > 0:
            sleep(delay)
