"""[`MemoryStore`][flexconv.events.MemoryStore]: records and locks in one process's memory."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

from flexconv.events.stores.base import Claim, lock_timeout

__all__ = ["MemoryStore"]


async def _async_sleep(seconds: float) -> None:
    import asyncio

    await asyncio.sleep(seconds)


class MemoryStore:
    """Records and locks in this process's memory (the default store).

    Args:
        max_records: done records kept at most (the oldest go first); expired ones are
            dropped as new ones arrive.
    """

    def __init__(self, *, max_records: int = 100_000) -> None:
        if not isinstance(max_records, int) or max_records < 1:
            raise ValueError(f"max_records must be a positive int, got {max_records!r}")
        self._max = max_records
        self._mutex = threading.Lock()
        self._changed = threading.Condition(self._mutex)
        # key -> (state, token, expires (monotonic), answer); insertion order ~ expiry order
        self._records: dict[str, tuple[str, str, float, bytes | None]] = {}
        self._locks: dict[str, tuple[str, float]] = {}
        self._tokens = itertools.count(1)  # claims and locks only need to differ in-process

    # records
    def claim(self, key: str, lease: float) -> Claim:
        """See [`Store.claim`][flexconv.events.Store.claim]."""
        now = time.monotonic()
        with self._mutex:
            record = self._records.get(key)
            if record is not None and record[2] > now:
                if record[0] == "done":
                    return Claim(key, "done", answer=record[3])
                return Claim(key, "busy")
            token = str(next(self._tokens))
            self._records.pop(key, None)
            self._records[key] = ("claimed", token, now + lease, None)
            self._trim(now)
            return Claim(key, "claimed", token)

    def _trim(self, now: float) -> None:
        records = self._records
        while records:
            first = next(iter(records))
            entry = records[first]
            if entry[2] > now and len(records) <= self._max:
                break
            del records[first]

    def finish(self, claim: Claim, answer: bytes, remember: float) -> None:
        """See [`Store.finish`][flexconv.events.Store.finish]."""
        with self._mutex:
            self._records.pop(claim.key, None)
            self._records[claim.key] = ("done", "", time.monotonic() + remember, answer)

    def release(self, claim: Claim) -> None:
        """See [`Store.release`][flexconv.events.Store.release]."""
        with self._mutex:
            record = self._records.get(claim.key)
            if record is not None and record[0] == "claimed" and record[1] == claim.token:
                del self._records[claim.key]

    async def claim_async(self, key: str, lease: float) -> Claim:
        """See [`Store.claim`][flexconv.events.Store.claim] (never blocks the loop)."""
        return self.claim(key, lease)

    async def finish_async(self, claim: Claim, answer: bytes, remember: float) -> None:
        """See [`Store.finish`][flexconv.events.Store.finish]."""
        self.finish(claim, answer, remember)

    async def release_async(self, claim: Claim) -> None:
        """See [`Store.release`][flexconv.events.Store.release]."""
        self.release(claim)

    # locks
    def _try_lock(self, key: str, ttl: float) -> str | None:
        now = time.monotonic()
        held = self._locks.get(key)
        if held is not None and held[1] > now:
            return None
        token = str(next(self._tokens))
        self._locks[key] = (token, now + ttl)
        return token

    def _unlock(self, key: str, token: str) -> None:
        held = self._locks.get(key)
        if held is not None and held[0] == token:
            del self._locks[key]
        self._changed.notify_all()

    @contextmanager
    def lock(self, key: str, ttl: float, wait: float) -> Iterator[None]:
        """See [`Store.lock`][flexconv.events.Store.lock]."""
        deadline = time.monotonic() + wait
        with self._mutex:
            while (token := self._try_lock(key, ttl)) is None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise lock_timeout(key, wait)
                expires = self._locks[key][1] - time.monotonic()
                self._changed.wait(max(0.001, min(remaining, expires)))
        try:
            yield
        finally:
            with self._mutex:
                self._unlock(key, token)

    @asynccontextmanager
    async def lock_async(self, key: str, ttl: float, wait: float) -> AsyncIterator[None]:
        """See [`Store.lock`][flexconv.events.Store.lock] (waits without blocking the loop)."""
        deadline = time.monotonic() + wait
        pause = 0.0005
        while True:
            with self._mutex:
                token = self._try_lock(key, ttl)
            if token is not None:
                break
            if time.monotonic() >= deadline:
                raise lock_timeout(key, wait)
            await _async_sleep(pause)
            pause = min(pause * 2, 0.02)
        try:
            yield
        finally:
            with self._mutex:
                self._unlock(key, token)

    def __repr__(self) -> str:
        return f"MemoryStore(records={len(self._records)})"
