"""The few things that differ between the async and sync worlds beyond a rename.

The codegen maps each ``async_*`` name here to its plain twin; neither lives in a generated tree.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


async def async_sleep(seconds: float) -> None:
    """Sleep without blocking the event loop."""
    import asyncio  # imported here so that the sync client never loads asyncio

    await asyncio.sleep(seconds)


def sleep(seconds: float) -> None:
    """Sleep (sync twin of `async_sleep()`)."""
    time.sleep(seconds)


async def async_map_bounded(
    fn: Callable[[T], Awaitable[R]], items: Iterable[T], limit: int
) -> list[R]:
    """``fn`` over ``items``, at most ``limit`` at once; the results in the items' order."""
    import asyncio

    sem = asyncio.Semaphore(limit)

    async def one(item: T) -> R:
        async with sem:
            return await fn(item)

    return list(await asyncio.gather(*(one(i) for i in items)))


def map_bounded(fn: Callable[[T], R], items: Iterable[T], limit: int) -> list[R]:
    """``fn`` over ``items`` on at most ``limit`` threads; results in order (sync twin)."""
    from concurrent.futures import ThreadPoolExecutor

    batch = list(items)
    if limit <= 1 or len(batch) <= 1:
        return [fn(i) for i in batch]
    with ThreadPoolExecutor(max_workers=min(limit, len(batch))) as pool:
        return list(pool.map(fn, batch))


# ------------------------------------------------------------------- per-account write locks
#
# Read-modify-write changes of one account's Flex Configuration (attachments) are serialised
# within the process, whatever client makes them: one threading lock per key, shared by every
# client, and for async clients an asyncio lock per event loop in front of it (so tasks of one
# loop queue fairly and only one of them at a time waits for the threading lock).

_GUARD = threading.Lock()
_THREAD_LOCKS: dict[tuple[str, str], threading.Lock] = {}
_LOOP_LOCKS: weakref.WeakKeyDictionary[Any, dict[tuple[str, str], Any]] = (
    weakref.WeakKeyDictionary()
)

#: Seconds between attempts of an async writer to take the threading lock held elsewhere.
_ASYNC_POLL = 0.002


def _thread_lock(key: tuple[str, str]) -> threading.Lock:
    with _GUARD:
        lock = _THREAD_LOCKS.get(key)
        if lock is None:
            lock = _THREAD_LOCKS[key] = threading.Lock()
        return lock


@contextmanager
def account_lock(key: tuple[str, str]) -> Iterator[None]:
    """Hold the process-wide write lock of ``key`` (``(origin, account SID)``) for the block."""
    with _thread_lock(key):
        yield


@asynccontextmanager
async def async_account_lock(key: tuple[str, str]) -> AsyncIterator[None]:
    """Hold the process-wide write lock of ``key`` for the block, without blocking the loop."""
    import asyncio

    loop = asyncio.get_running_loop()
    with _GUARD:
        per_loop = _LOOP_LOCKS.setdefault(loop, {})
        queue = per_loop.get(key)
        if queue is None:
            queue = per_loop[key] = asyncio.Lock()
    async with queue:
        shared = _thread_lock(key)
        # held by another thread or loop, which cannot wake this loop: poll
        while not shared.acquire(blocking=False):  # noqa: ASYNC110
            await asyncio.sleep(_ASYNC_POLL)
        try:
            yield
        finally:
            shared.release()
