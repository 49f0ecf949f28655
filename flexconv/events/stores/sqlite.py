"""[`SQLiteStore`][flexconv.events.SQLiteStore]: records and locks in an SQLite file, shared by
the processes of one machine."""

from __future__ import annotations

import secrets
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

from flexconv.events.stores.base import Claim, lock_timeout

__all__ = ["SQLiteStore"]


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
                raise lock_timeout(key, wait)
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
                raise lock_timeout(key, wait)
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.05)
        try:
            yield
        finally:
            await asyncio.to_thread(self._unlock, key, token)

    def __repr__(self) -> str:
        return f"SQLiteStore({self._path!r})"
