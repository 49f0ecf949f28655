"""Where a receiver keeps de-duplication records and per-key locks.

One small protocol, in a sync face ([`Store`][flexconv.events.Store]) and an async face
([`AsyncStore`][flexconv.events.AsyncStore]); the stores here implement both:

- [`MemoryStore`][flexconv.events.MemoryStore] (the default): one process;
- [`SQLiteStore`][flexconv.events.SQLiteStore]: the processes of one machine, and it survives a
  restart (stdlib ``sqlite3``);
- [`RedisStore`][flexconv.events.RedisStore]: receivers on several machines behind a load
  balancer (redis-py, ``pip install 'flexconv[redis]'``); its locks are
  [`flexconv.locks.RedisLock`][flexconv.locks.RedisLock] and ``AsyncRedisLock``.

A record goes through ``claim`` (taken, with a lease: a receiver that crashes mid-handler loses
it when the lease expires, so Twilio's redelivery runs the handler again) to ``finish`` (done:
the answer is kept for ``remember`` seconds and given to every duplicate) or ``release``
(the handler failed: the next delivery claims it again).
"""

from __future__ import annotations

import itertools
import secrets
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import (
    AbstractAsyncContextManager,
    AbstractContextManager,
    asynccontextmanager,
    contextmanager,
)
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

import attrs

from flexconv._core.errors import ConfigurationError
from flexconv.locks import LockTimeoutError

if TYPE_CHECKING:
    import redis
    import redis.asyncio

__all__ = [
    "AsyncStore",
    "Claim",
    "MemoryStore",
    "RedisStore",
    "SQLiteStore",
    "Store",
]

ClaimState = Literal["claimed", "done", "busy"]


@attrs.frozen
class Claim:
    """The outcome of [`Store.claim`][flexconv.events.Store.claim]."""

    key: str
    """The de-duplication key."""
    state: ClaimState
    """``claimed``: yours to run; ``done``: ran already (``answer`` holds its answer); ``busy``: another receiver holds an unexpired claim."""
    token: str = attrs.field(default="", repr=False)
    """Identifies this claim for ``finish``/``release`` (empty unless ``claimed``)."""
    answer: bytes | None = attrs.field(default=None, repr=False)
    """The stored answer of a ``done`` record."""


@runtime_checkable
class Store(Protocol):
    """What a receiver needs from a store (sync face)."""

    def claim(self, key: str, lease: float) -> Claim:
        """Take ``key`` for ``lease`` seconds unless it is done or claimed by someone else."""
        ...

    def finish(self, claim: Claim, answer: bytes, remember: float) -> None:
        """Mark a claimed key done, keeping ``answer`` for ``remember`` seconds."""
        ...

    def release(self, claim: Claim) -> None:
        """Give a claimed key back (its handler failed) so a redelivery claims it again."""
        ...

    def lock(self, key: str, ttl: float, wait: float) -> AbstractContextManager[Any]:
        """Hold the lock on ``key`` (expiring after ``ttl``) for the block, waiting up to
        ``wait`` seconds (then [`LockTimeoutError`][flexconv.locks.LockTimeoutError])."""
        ...


@runtime_checkable
class AsyncStore(Protocol):
    """What a receiver needs from a store (async face: the same names ending in ``_async``)."""

    async def claim_async(self, key: str, lease: float) -> Claim:
        """See [`Store.claim`][flexconv.events.Store.claim]."""
        ...

    async def finish_async(self, claim: Claim, answer: bytes, remember: float) -> None:
        """See [`Store.finish`][flexconv.events.Store.finish]."""
        ...

    async def release_async(self, claim: Claim) -> None:
        """See [`Store.release`][flexconv.events.Store.release]."""
        ...

    def lock_async(self, key: str, ttl: float, wait: float) -> AbstractAsyncContextManager[Any]:
        """See [`Store.lock`][flexconv.events.Store.lock]."""
        ...


def _timeout(key: str, wait: float) -> LockTimeoutError:
    return LockTimeoutError(
        f"Could not take the event lock {key!r} within {wait:g}s: another event for the same "
        "task or conversation is still running"
    )


async def _async_sleep(seconds: float) -> None:
    import asyncio

    await asyncio.sleep(seconds)


# ------------------------------------------------------------------------------------- memory


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
                    raise _timeout(key, wait)
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
                raise _timeout(key, wait)
            await _async_sleep(pause)
            pause = min(pause * 2, 0.02)
        try:
            yield
        finally:
            with self._mutex:
                self._unlock(key, token)

    def __repr__(self) -> str:
        return f"MemoryStore(records={len(self._records)})"


# ------------------------------------------------------------------------------------- sqlite


class SQLiteStore:
    """Records and locks in an SQLite file: every process of one machine shares them, and
    they survive a restart (stdlib ``sqlite3``, WAL mode).

    Args:
        path: the database file (created if missing).
        timeout: seconds SQLite waits for another writer before failing.
    """

    def __init__(self, path: str, *, timeout: float = 10.0) -> None:
        if not isinstance(path, str) or not path:
            raise ValueError(f"SQLiteStore needs a file path, got {path!r}")
        self._path = path
        self._timeout = timeout
        self._local = threading.local()
        self._ops = 0
        with self._transaction() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS flexconv_events "
                "(key TEXT PRIMARY KEY, state TEXT NOT NULL, token TEXT NOT NULL, "
                "expires REAL NOT NULL, answer BLOB)"
            )
            db.execute(
                "CREATE TABLE IF NOT EXISTS flexconv_event_locks "
                "(key TEXT PRIMARY KEY, token TEXT NOT NULL, expires REAL NOT NULL)"
            )

    def _connection(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self._path, timeout=self._timeout, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
        return db

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        db = self._connection()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def claim(self, key: str, lease: float) -> Claim:
        """See [`Store.claim`][flexconv.events.Store.claim]."""
        now = time.time()
        with self._transaction() as db:
            row = db.execute(
                "SELECT state, expires, answer FROM flexconv_events WHERE key = ?", (key,)
            ).fetchone()
            if row is not None and row[1] > now:
                if row[0] == "done":
                    return Claim(key, "done", answer=bytes(row[2] or b""))
                return Claim(key, "busy")
            token = secrets.token_hex(8)
            db.execute(
                "INSERT OR REPLACE INTO flexconv_events VALUES (?, 'claimed', ?, ?, NULL)",
                (key, token, now + lease),
            )
            self._ops += 1
            if self._ops % 1000 == 0:
                db.execute("DELETE FROM flexconv_events WHERE expires <= ?", (now,))
            return Claim(key, "claimed", token)

    def finish(self, claim: Claim, answer: bytes, remember: float) -> None:
        """See [`Store.finish`][flexconv.events.Store.finish]."""
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO flexconv_events VALUES (?, 'done', '', ?, ?)",
                (claim.key, time.time() + remember, answer),
            )

    def release(self, claim: Claim) -> None:
        """See [`Store.release`][flexconv.events.Store.release]."""
        with self._transaction() as db:
            db.execute(
                "DELETE FROM flexconv_events WHERE key = ? AND state = 'claimed' AND token = ?",
                (claim.key, claim.token),
            )

    def _try_lock(self, key: str, ttl: float) -> str | None:
        now = time.time()
        with self._transaction() as db:
            row = db.execute(
                "SELECT expires FROM flexconv_event_locks WHERE key = ?", (key,)
            ).fetchone()
            if row is not None and row[0] > now:
                return None
            token = secrets.token_hex(8)
            db.execute(
                "INSERT OR REPLACE INTO flexconv_event_locks VALUES (?, ?, ?)",
                (key, token, now + ttl),
            )
            return token

    def _unlock(self, key: str, token: str) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM flexconv_event_locks WHERE key = ? AND token = ?", (key, token))

    @contextmanager
    def lock(self, key: str, ttl: float, wait: float) -> Iterator[None]:
        """See [`Store.lock`][flexconv.events.Store.lock] (polls while waiting)."""
        deadline = time.monotonic() + wait
        pause = 0.001
        while (token := self._try_lock(key, ttl)) is None:
            if time.monotonic() >= deadline:
                raise _timeout(key, wait)
            time.sleep(pause)
            pause = min(pause * 2, 0.05)
        try:
            yield
        finally:
            self._unlock(key, token)

    async def claim_async(self, key: str, lease: float) -> Claim:
        """See [`Store.claim`][flexconv.events.Store.claim] (in a worker thread)."""
        import asyncio

        return await asyncio.to_thread(self.claim, key, lease)

    async def finish_async(self, claim: Claim, answer: bytes, remember: float) -> None:
        """See [`Store.finish`][flexconv.events.Store.finish] (in a worker thread)."""
        import asyncio

        await asyncio.to_thread(self.finish, claim, answer, remember)

    async def release_async(self, claim: Claim) -> None:
        """See [`Store.release`][flexconv.events.Store.release] (in a worker thread)."""
        import asyncio

        await asyncio.to_thread(self.release, claim)

    @asynccontextmanager
    async def lock_async(self, key: str, ttl: float, wait: float) -> AsyncIterator[None]:
        """See [`Store.lock`][flexconv.events.Store.lock] (polls while waiting)."""
        import asyncio

        deadline = time.monotonic() + wait
        pause = 0.001
        while (token := await asyncio.to_thread(self._try_lock, key, ttl)) is None:
            if time.monotonic() >= deadline:
                raise _timeout(key, wait)
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.05)
        try:
            yield
        finally:
            await asyncio.to_thread(self._unlock, key, token)

    def __repr__(self) -> str:
        return f"SQLiteStore({self._path!r})"


# -------------------------------------------------------------------------------------- redis

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
