"""[`RedisStore`][flexconv.events.RedisStore]: records and locks in Redis, shared by receivers on
several machines (redis-py, ``pip install 'flexconv[redis]'``)."""

from __future__ import annotations

import secrets
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from typing import TYPE_CHECKING, Any

from flexconv._core.errors import ConfigurationError
from flexconv.events.stores.base import Claim

if TYPE_CHECKING:
    import redis
    import redis.asyncio

__all__ = ["RedisStore"]

#: Return the record when there is one; otherwise claim the key (answering nil).
_CLAIM = """
local v = redis.call("GET", KEYS[1])
if v then return v end
redis.call("SET", KEYS[1], "c" .. ARGV[1], "PX", ARGV[2])
return false
"""

#: Delete a claim only when it is still ours.
_RELEASE = """
if redis.call("GET", KEYS[1]) == "c" .. ARGV[1] then
    return redis.call("DEL", KEYS[1])
end
return 0
"""


def _ms(seconds: float) -> int:
    return max(1, round(seconds * 1000))


def _from_record(key: str, value: bytes | None, token: str) -> Claim:
    if value is None:
        return Claim(key, "claimed", token)
    if value[:1] == b"d":
        return Claim(key, "done", answer=bytes(value[1:]))
    return Claim(key, "busy")


class RedisStore:
    """Records and locks in Redis, shared by receivers on several machines (redis-py).

    Args:
        client: a ``redis://`` URL (both faces work: a sync and an asyncio client are made on
            first use), a ``redis.Redis`` (sync face only) or a ``redis.asyncio.Redis`` (async
            face only).
        prefix: put before every key.
        poll_interval: seconds between attempts while waiting for a lock.

    Locks are [`RedisLock`][flexconv.locks.RedisLock] / ``AsyncRedisLock`` under
    ``<prefix>lock:``.
    """

    def __init__(
        self,
        client: str | redis.Redis | redis.asyncio.Redis,
        *,
        prefix: str = "flexconv:events:",
        poll_interval: float = 0.005,
    ) -> None:
        try:
            import redis as redis_module
            import redis.asyncio as redis_asyncio
        except ImportError:
            raise ConfigurationError(
                "RedisStore needs redis-py: pip install 'flexconv[redis]'"
            ) from None
        self._url: str | None = None
        self._sync: redis.Redis | None = None
        self._async: redis.asyncio.Redis | None = None
        if isinstance(client, str):
            self._url = client
        elif isinstance(client, redis_module.Redis):
            self._sync = client
        elif isinstance(client, redis_asyncio.Redis):
            self._async = client
        else:
            raise TypeError(
                "RedisStore takes a redis:// URL, a redis.Redis or a redis.asyncio.Redis, got "
                f"{type(client).__name__}"
            )
        self._prefix = prefix
        self._poll = poll_interval
        self._sync_locks: dict[tuple[float, float], Any] = {}
        self._async_locks: dict[tuple[float, float], Any] = {}
        self._sync_claim: Any = None
        self._async_claim: Any = None

    def _redis(self) -> redis.Redis:
        if self._sync is None:
            if self._url is None:
                raise ConfigurationError(
                    "This RedisStore was given a redis.asyncio client: use the async face "
                    "(the ASGI adapter, handle_async) or pass a redis:// URL"
                )
            import redis as redis_module

            self._sync = redis_module.Redis.from_url(self._url)
        return self._sync

    def _aredis(self) -> redis.asyncio.Redis:
        if self._async is None:
            if self._url is None:
                raise ConfigurationError(
                    "This RedisStore was given a sync redis client: use the sync face "
                    "(the WSGI adapter, handle) or pass a redis:// URL"
                )
            import redis.asyncio as redis_asyncio

            self._async = redis_asyncio.Redis.from_url(self._url)
        return self._async

    def claim(self, key: str, lease: float) -> Claim:
        """See [`Store.claim`][flexconv.events.Store.claim] (one round trip)."""
        if self._sync_claim is None:
            self._sync_claim = self._redis().register_script(_CLAIM)
        token = secrets.token_hex(8)
        value = self._sync_claim(keys=[self._prefix + key], args=[token, _ms(lease)])
        return _from_record(key, value, token)

    def finish(self, claim: Claim, answer: bytes, remember: float) -> None:
        """See [`Store.finish`][flexconv.events.Store.finish]."""
        self._redis().set(self._prefix + claim.key, b"d" + answer, px=_ms(remember))

    def release(self, claim: Claim) -> None:
        """See [`Store.release`][flexconv.events.Store.release]."""
        self._redis().eval(_RELEASE, 1, self._prefix + claim.key, claim.token)

    def lock(self, key: str, ttl: float, wait: float) -> AbstractContextManager[Any]:
        """See [`Store.lock`][flexconv.events.Store.lock]."""
        from flexconv.locks import RedisLock

        lock = self._sync_locks.get((ttl, wait))
        if lock is None:
            lock = self._sync_locks[(ttl, wait)] = RedisLock(
                self._redis(),
                prefix=self._prefix + "lock:",
                ttl=ttl,
                wait=wait,
                poll_interval=self._poll,
            )
        return lock.hold(key)

    async def claim_async(self, key: str, lease: float) -> Claim:
        """See [`Store.claim`][flexconv.events.Store.claim] (one round trip)."""
        if self._async_claim is None:
            self._async_claim = self._aredis().register_script(_CLAIM)
        token = secrets.token_hex(8)
        value = await self._async_claim(keys=[self._prefix + key], args=[token, _ms(lease)])
        return _from_record(key, value, token)

    async def finish_async(self, claim: Claim, answer: bytes, remember: float) -> None:
        """See [`Store.finish`][flexconv.events.Store.finish]."""
        await self._aredis().set(self._prefix + claim.key, b"d" + answer, px=_ms(remember))

    async def release_async(self, claim: Claim) -> None:
        """See [`Store.release`][flexconv.events.Store.release]."""
        await self._aredis().eval(_RELEASE, 1, self._prefix + claim.key, claim.token)

    def lock_async(self, key: str, ttl: float, wait: float) -> AbstractAsyncContextManager[Any]:
        """See [`Store.lock`][flexconv.events.Store.lock]."""
        from flexconv.locks import AsyncRedisLock

        lock = self._async_locks.get((ttl, wait))
        if lock is None:
            lock = self._async_locks[(ttl, wait)] = AsyncRedisLock(
                self._aredis(),
                prefix=self._prefix + "lock:",
                ttl=ttl,
                wait=wait,
                poll_interval=self._poll,
            )
        return lock.hold(key)

    def close(self) -> None:
        """Close the sync connections this store opened from a URL."""
        if self._url is not None and self._sync is not None:
            self._sync.close()

    async def aclose(self) -> None:
        """Close the asyncio connections this store opened from a URL."""
        if self._url is not None and self._async is not None:
            await self._async.aclose()

    def __repr__(self) -> str:
        return f"RedisStore(prefix={self._prefix!r})"
