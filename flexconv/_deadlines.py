"""Response deadlines for many concurrent requests on one event-loop timer.

aiohttp's own read timeout (``sock_read``) arms and cancels an event-loop timer at least twice
per response; at sixteen concurrent calls that timer traffic cost about as much as everything
flexconv itself does per call (`benchmarks/bench_instructions.py`).  Here each request only
records its deadline in a dict; one timer per event loop fires at the earliest deadline still
pending, cancels the requests that are late, and re-arms itself for the next one.  A request that
ends in time costs a dict insert and a delete.

The transport turns the cancellation into flexconv's `APITimeoutError` (see `Deadlines.late()`).
"""

from __future__ import annotations

import asyncio


class Deadlines:
    """The pending response deadlines of one event loop."""

    __slots__ = ("_handle", "_late", "_pending", "loop")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self._pending: dict[asyncio.Task[object], float] = {}
        self._late: set[asyncio.Task[object]] = set()
        self._handle: asyncio.TimerHandle | None = None

    def start(self, task: asyncio.Task[object], seconds: float) -> None:
        """``task`` must finish its request within ``seconds``."""
        when = self.loop.time() + seconds
        self._pending[task] = when
        handle = self._handle
        if handle is None or when < handle.when():
            if handle is not None:
                handle.cancel()
            self._handle = self.loop.call_at(when, self._fire)

    def done(self, task: asyncio.Task[object]) -> None:
        """``task``'s request ended (in time or not)."""
        self._pending.pop(task, None)

    def late(self, task: asyncio.Task[object]) -> bool:
        """Whether ``task`` was cancelled because its deadline passed; if so, that cancellation
        is withdrawn (the caller raises a timeout error instead), and ``False`` is returned when
        the task is also being cancelled for another reason, which must go on."""
        if not self._late or task not in self._late:
            return False
        self._late.discard(task)
        uncancel = getattr(task, "uncancel", None)  # Python 3.11+
        if uncancel is None:
            return True
        return bool(uncancel() == 0)

    def _fire(self) -> None:
        self._handle = None
        now = self.loop.time()
        following: float | None = None
        for task, when in list(self._pending.items()):
            if when <= now:
                del self._pending[task]
                if not task.done():
                    self._late.add(task)
                    task.cancel()
            elif following is None or when < following:
                following = when
        if following is not None:
            self._handle = self.loop.call_at(following, self._fire)

    def close(self) -> None:
        """Stop the timer (the loop is going away)."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
