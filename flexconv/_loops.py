"""Which event loop an owned connection pool belongs to, and closing it when that loop shuts down
(the httpx and aiohttp transports of `flexconv._transport`)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

from flexconv._core.errors import FlexConvError

__all__ = ["LoopPool"]


async def _closer(close: Callable[[], Awaitable[None]]) -> AsyncIterator[None]:
    """Suspended in its loop until that loop shuts its async generators down (`asyncio.run`
    does, before closing the loop), then closes the pool it guards, inside that loop."""
    try:
        yield
    finally:
        await close()


class LoopPool:
    """Which event loop an owned connection pool belongs to, and its shutdown guard.

    Connections belong to the loop that opened them.  When a client is used from a new loop
    (a second `asyncio.run`), the pool of the old one was closed when that loop shut down, and
    a fresh pool is opened for the new loop.  A pool whose loop is still alive elsewhere cannot
    be closed from here: using it from a second loop is refused with a clear error.
    """

    __slots__ = ("guard", "loop")

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.guard: AsyncIterator[None] | None = None

    def moved(self, loop: asyncio.AbstractEventLoop, pool_closed: bool) -> bool:
        """Whether `loop` needs a pool of its own (first use, or a new loop)."""
        old = self.loop
        if old is loop:
            return False
        if old is not None and not pool_closed and not old.is_closed():
            raise FlexConvError(
                "This async client's connections belong to another event loop that is still "
                "open; use one client per event loop (or close it in its loop first)"
            )
        return True

    async def bind(
        self, loop: asyncio.AbstractEventLoop, close: Callable[[], Awaitable[None]]
    ) -> None:
        """Record `loop` and arm the guard that closes the pool when `loop` shuts down."""
        self.loop = loop
        self.guard = _closer(close)
        await self.guard.__anext__()

    async def release(self) -> None:
        guard, self.guard = self.guard, None
        if guard is not None:
            await guard.aclose()  # type: ignore[attr-defined]
