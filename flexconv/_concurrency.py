"""The few things that differ between the async and sync worlds beyond a rename.

The codegen maps each ``async_*`` name here to its plain twin; neither lives in a generated tree.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

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
