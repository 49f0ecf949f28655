"""Locks that serialise a read-modify-write across processes and machines.

Flex Configuration has no ETag, so two writers that read ``channel_configs``, change it and write
it back can lose each other's change.  Within one process flexconv serialises its own attachment
writes per account; across processes pass a lock backed by a shared store:

```python
import redis
from flexconv.locks import RedisLock

lock = RedisLock(redis.Redis.from_url("redis://localhost:6379/0"))
client.attachments.update("web", enabled=False, lock=lock)
```

A lock is anything with ``hold(key)`` returning a context manager that yields a *lease*; the
lease's ``ensure()`` confirms, just before the write, that the lock is still held (and renews
it).  `RedisLock` and `AsyncRedisLock` implement it with redis-py
(``pip install 'flexconv[redis]'``): ``SET key token NX PX ttl`` to take it, a compare-and-delete
script to release it, so a writer whose lease expired never releases someone else's.

Keys are plain strings chosen by the caller (attachments use ``attachments:<account SID>``); the
store prefix keeps them apart from other data in the same Redis database.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import (
    AbstractAsyncContextManager,
    AbstractContextManager,
    asynccontextmanager,
    contextmanager,
)
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from flexconv._concurrency import async_sleep, sleep
from flexconv._core.checks import check_seconds
from flexconv._core.errors import (
    ConfigurationError,
    LockError,
    LockLostError,
    LockTimeoutError,
    ValidationError,
)

if TYPE_CHECKING:
    import redis
    import redis.asyncio

__all__ = [
    "AsyncLease",
    "AsyncLock",
    "AsyncRedisLock",
    "Lease",
    "Lock",
    "LockError",
    "LockLostError",
    "LockTimeoutError",
    "RedisLock",
]


@runtime_checkable
class Lease(Protocol):
    """A held lock (sync)."""

    @property
    def key(self) -> str:
        """The key the lock is held on."""
        ...

    def ensure(self) -> None:
        """Confirm the lock is still held and renew it; raise `LockLostError` if not."""
        ...


@runtime_checkable
class AsyncLease(Protocol):
    """A held lock (async)."""

    @property
    def key(self) -> str:
        """The key the lock is held on."""
        ...

    async def ensure(self) -> None:
        """Confirm the lock is still held and renew it; raise `LockLostError` if not."""
        ...


@runtime_checkable
class Lock(Protocol):
    """What the sync client needs from a shared lock."""

    def hold(self, key: str) -> AbstractContextManager[Lease]:
        """Take the lock on ``key`` (waiting for other holders) for the ``with`` block."""
        ...


@runtime_checkable
class AsyncLock(Protocol):
    """What the async client needs from a shared lock."""

    def hold(self, key: str) -> AbstractAsyncContextManager[AsyncLease]:
        """Take the lock on ``key`` (waiting for other holders) for the ``async with`` block."""
        ...


# --------------------------------------------------------------------------------------- Redis

#: Release only when the stored token is ours (a lease that expired must not free another's).
_RELEASE = """
if redis.call("get", KEYS[1]) == ARGV[1] then
    return redis.call("del", KEYS[1])
end
return 0
"""

#: Renew only when the stored token is ours.
_RENEW = """
if redis.call("get", KEYS[1]) == ARGV[1] then
    return redis.call("pexpire", KEYS[1], ARGV[2])
end
return 0
"""


def _check_key(key: object) -> str:
    if not isinstance(key, str):
        raise TypeError(f"A lock key must be a string, got {type(key).__name__}")
    if not key or len(key) > 512:
        raise ValidationError("A lock key must be 1-512 characters")
    return key


class _Settings:
    """Validated settings shared by both Redis locks."""

    def __init__(self, prefix: str, ttl: float, wait: float, poll_interval: float) -> None:
        if not isinstance(prefix, str):
            raise TypeError(f"prefix must be a string, got {type(prefix).__name__}")
        self.prefix = prefix
        self.ttl = check_seconds(ttl, "ttl", allow_zero=False)
        if self.ttl < 0.01:
            raise ValidationError(f"ttl must be at least 0.01 seconds, got {ttl!r}")
        self.wait = check_seconds(wait, "wait")
        self.poll_interval = check_seconds(poll_interval, "poll_interval", allow_zero=False)
        self.ttl_ms = max(10, round(self.ttl * 1000))

    def timeout_error(self, key: str) -> LockTimeoutError:
        return LockTimeoutError(
            f"Could not take the lock {key!r} within {self.wait:g}s: another writer holds it "
            f"(a holder that died releases it within ttl={self.ttl:g}s); nothing was written"
        )

    def lost_error(self, key: str) -> LockLostError:
        return LockLostError(
            f"The lock {key!r} expired before the write (ttl={self.ttl:g}s is shorter than the "
            "change took, or the store lost it); nothing was written. Raise ttl= and retry"
        )


def _redis_sync(client: Any) -> redis.Redis:
    try:
        import redis
    except ImportError:
        raise ConfigurationError(
            "RedisLock needs redis-py: pip install 'flexconv[redis]'"
        ) from None
    if isinstance(client, str):
        return redis.Redis.from_url(client)
    if not isinstance(client, redis.Redis):
        raise TypeError(
            f"RedisLock takes a redis.Redis client or a redis:// URL, got {type(client).__name__}"
        )
    return client


def _redis_async(client: Any) -> redis.asyncio.Redis:
    try:
        import redis.asyncio
    except ImportError:
        raise ConfigurationError(
            "AsyncRedisLock needs redis-py: pip install 'flexconv[redis]'"
        ) from None
    if isinstance(client, str):
        return redis.asyncio.Redis.from_url(client)
    if not isinstance(client, redis.asyncio.Redis):
        raise TypeError(
            "AsyncRedisLock takes a redis.asyncio.Redis client or a redis:// URL, got "
            f"{type(client).__name__}"
        )
    return client


class _RedisLease:
    def __init__(self, lock: RedisLock, key: str, token: str) -> None:
        self._lock = lock
        self._key = key
        self._token = token

    @property
    def key(self) -> str:
        return self._key

    def ensure(self) -> None:
        settings = self._lock._settings
        renewed = self._lock._redis.eval(_RENEW, 1, self._key, self._token, settings.ttl_ms)
        if not renewed:
            raise settings.lost_error(self._key)


class RedisLock:
    """A lock shared through Redis, for the sync client.

    Args:
        client: a ``redis.Redis`` client, or a ``redis://`` URL.
        prefix: put before every key (``flexconv:lock:`` by default).
        ttl: seconds after which a holder that died (or hangs) loses the lock; the writer renews
            it just before writing.
        wait: seconds to wait for another holder before `LockTimeoutError`.
        poll_interval: seconds between attempts while waiting.
    """

    def __init__(
        self,
        client: redis.Redis | str,
        *,
        prefix: str = "flexconv:lock:",
        ttl: float = 30.0,
        wait: float = 60.0,
        poll_interval: float = 0.05,
    ) -> None:
        self._settings = _Settings(prefix, ttl, wait, poll_interval)
        self._owned = isinstance(client, str)
        self._redis = _redis_sync(client)

    @contextmanager
    def hold(self, key: str) -> Iterator[Lease]:
        """Take the lock on ``key`` for the block; release it (if still ours) afterwards."""
        name = self._settings.prefix + _check_key(key)
        token = secrets.token_hex(16)
        deadline = time.monotonic() + self._settings.wait
        while not self._redis.set(name, token, nx=True, px=self._settings.ttl_ms):
            if time.monotonic() >= deadline:
                raise self._settings.timeout_error(name)
            sleep(self._settings.poll_interval)
        try:
            yield _RedisLease(self, name, token)
        finally:
            self._redis.eval(_RELEASE, 1, name, token)

    def close(self) -> None:
        """Close the Redis connections this lock opened (a client you passed in stays open)."""
        if self._owned:
            self._redis.close()

    def __repr__(self) -> str:
        return f"RedisLock(prefix={self._settings.prefix!r}, ttl={self._settings.ttl:g})"


class _AsyncRedisLease:
    def __init__(self, lock: AsyncRedisLock, key: str, token: str) -> None:
        self._lock = lock
        self._key = key
        self._token = token

    @property
    def key(self) -> str:
        return self._key

    async def ensure(self) -> None:
        settings = self._lock._settings
        renewed = await self._lock._redis.eval(_RENEW, 1, self._key, self._token, settings.ttl_ms)
        if not renewed:
            raise settings.lost_error(self._key)


class AsyncRedisLock:
    """A lock shared through Redis, for the async client (redis-py's ``redis.asyncio``).

    Takes the same arguments as `RedisLock`, with a ``redis.asyncio.Redis`` client.
    """

    def __init__(
        self,
        client: redis.asyncio.Redis | str,
        *,
        prefix: str = "flexconv:lock:",
        ttl: float = 30.0,
        wait: float = 60.0,
        poll_interval: float = 0.05,
    ) -> None:
        self._settings = _Settings(prefix, ttl, wait, poll_interval)
        self._owned = isinstance(client, str)
        self._redis = _redis_async(client)

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[AsyncLease]:
        """Take the lock on ``key`` for the block; release it (if still ours) afterwards."""
        name = self._settings.prefix + _check_key(key)
        token = secrets.token_hex(16)
        deadline = time.monotonic() + self._settings.wait
        while not await self._redis.set(name, token, nx=True, px=self._settings.ttl_ms):
            if time.monotonic() >= deadline:
                raise self._settings.timeout_error(name)
            await async_sleep(self._settings.poll_interval)
        try:
            yield _AsyncRedisLease(self, name, token)
        finally:
            await self._redis.eval(_RELEASE, 1, name, token)

    async def aclose(self) -> None:
        """Close the Redis connections this lock opened (a client you passed in stays open)."""
        if self._owned:
            await self._redis.aclose()

    def __repr__(self) -> str:
        return f"AsyncRedisLock(prefix={self._settings.prefix!r}, ttl={self._settings.ttl:g})"
