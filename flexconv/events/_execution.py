"""Exactly once and one at a time: an event's handlers run under a claim on its de-duplication
key in the store, and under the store's lock on its ordering key (its task or conversation);
background handlers run after the answer, once each.  A sync face (threads) and an async face
(the running event loop).

A TaskRouter callback whose handler fails, or whose key stays busy, is answered 5xx: Twilio
sends it again (with the connection overrides `Wiring` writes).  Twilio never sends a
Conversations webhook again, so a post-event in that case is acknowledged and retried here in
the background, with backoff, through the same claim (a retry never runs handlers that already
succeeded); when every retry fails it is logged as lost."""

from __future__ import annotations

import contextvars
import time
from typing import TYPE_CHECKING, Any

from flexconv.events._answers import (
    BUSY,
    Response,
    answer,
    budget_check,
    busy_deferred,
    decode,
    default,
    encode,
    failed,
    failure_route,
    logger,
    lost,
    store_failed,
)
from flexconv.events._registry import Registration
from flexconv.events.models import ConversationsEvent, Event
from flexconv.events.stores import AsyncStore, Claim, Store
from flexconv.locks import LockTimeoutError

if TYPE_CHECKING:
    import asyncio
    from collections.abc import Callable, Coroutine, Iterator
    from concurrent.futures import Future, ThreadPoolExecutor

__all__ = ["CONVERSATIONS_WAIT", "Execution"]

#: Seconds a Conversations webhook waits in all for its conversation's lock and for a duplicate
#: being handled elsewhere (at most `lock_wait`): Twilio waits 5 s for the answer, and this
#: leaves 2 s for the handlers.
CONVERSATIONS_WAIT = 3.0

#: Ordering keys held by the current thread or task (a handler whose own API call makes Twilio,
#: or the in-process emulator, deliver an event for the same task must not wait for itself).
_HELD: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar(
    "flexconv_events_held", default=frozenset()
)


class Execution:
    """Runs the handlers of one receiver: de-duplication through the store's claims, per-key
    order through its locks, background handlers on worker threads or event-loop tasks.

    Args:
        store: where the claims and locks are (sync face, async face or both).
        lease: seconds a claim and a lock last.
        remember: seconds a finished event's answer is kept.
        lock_wait: seconds to wait for a lock or a busy claim before answering 503.
        ordered: whether events with the same ordering key run one at a time.
        retries: background attempts for a Conversations post-event that failed or found its
            key busy.
        retry_delay: seconds before the first of them; each next one waits twice as long.
    """

    def __init__(
        self,
        store: Store | AsyncStore,
        *,
        lease: float,
        remember: float,
        lock_wait: float,
        ordered: bool,
        retries: int = 4,
        retry_delay: float = 1.0,
    ) -> None:
        self.store: Any = store
        self._retries = retries
        self._retry_delay = retry_delay
        self._async_store = isinstance(store, AsyncStore)
        self._lease = lease
        self._remember = remember
        self._lock_wait = lock_wait
        self._ordered = ordered
        self._executor: ThreadPoolExecutor | None = None
        self._futures: set[Future[None]] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    # -------------------------------------------------------------------------------- sync

    def run(
        self, event: Event, key: str, foreground: list[Registration], background: list[Registration]
    ) -> Response:
        """Run the handlers for one event (sync handlers here, async ones on a fresh loop)."""
        response = self._attempt(event, key, foreground)
        if response.status >= 500 and failure_route(event) == "retry":
            if response is BUSY:
                busy_deferred(event, key)
            self._spawn(self._retry, event, key, foreground, background)
            return default(event)
        if background and response.status < 300:
            for reg in background:
                self._spawn(self._background, event, key, reg)
        return response

    def _retry(
        self, event: Event, key: str, foreground: list[Registration], background: list[Registration]
    ) -> None:
        """Retry a deferred Conversations post-event (see the module docs) on a worker thread."""
        for delay in _retry_delays(self._retry_delay, self._retries):
            time.sleep(delay)
            if self._attempt(event, key, foreground).status < 500:
                for reg in background:
                    self._background(event, key, reg)
                return
        lost(event, key, self._retries)

    def _attempt(self, event: Event, key: str, foreground: list[Registration]) -> Response:
        """The handlers under the per-key lock and the claim: their answer, 503 or 500."""
        order = event.ordering_key if self._ordered else None
        held = _HELD.get()
        wait, until = self._waits(event)
        try:
            if order is None or order in held:
                response = self._run_sync(event, key, foreground, until)
            else:
                with self.store.lock(order, self._lease, wait):
                    reset = _HELD.set(held | {order})
                    try:
                        response = self._run_sync(event, key, foreground, until)
                    finally:
                        _HELD.reset(reset)
        except LockTimeoutError:
            return BUSY
        except Exception as exc:
            return store_failed(event, exc)
        return response

    def _waits(self, event: Event) -> tuple[float, float | None]:
        """How long to wait for the per-key lock, and until when for a busy claim (``None``:
        `lock_wait` more seconds once the lock is held).  A Conversations webhook shares one
        `CONVERSATIONS_WAIT` between both, inside Twilio's 5 s."""
        if isinstance(event, ConversationsEvent):
            wait = min(self._lock_wait, CONVERSATIONS_WAIT)
            return wait, time.monotonic() + wait
        return self._lock_wait, None

    def _pauses(self, until: float | None) -> Iterator[float]:
        """The pauses between claims of a busy key: until ``until`` (or `lock_wait` from now)."""
        return _pauses(time.monotonic() + self._lock_wait if until is None else until)

    def _claim(self, key: str, until: float | None) -> Claim:
        claim: Claim = self.store.claim(key, self._lease)
        for pause in self._pauses(until):
            if claim.state != "busy":
                break
            time.sleep(pause)
            claim = self.store.claim(key, self._lease)
        return claim

    def _run_sync(
        self, event: Event, key: str, regs: list[Registration], until: float | None
    ) -> Response:
        if not regs:
            return default(event)
        claim = self._claim(key, until)
        if claim.state == "busy":
            return BUSY
        if claim.state == "done":
            return decode(claim.answer or b"")
        started = time.monotonic()
        try:
            response = answer(event, [self._call(reg, event) for reg in regs])
        except Exception as exc:
            self.store.release(claim)
            return failed(event, exc)
        budget_check(event, started)
        self.store.finish(claim, encode(response), self._remember)
        return response

    @staticmethod
    def _call(reg: Registration, event: Event) -> Any:
        if reg.is_async:
            import asyncio

            return asyncio.run(reg.handler(event))
        return reg.handler(event)

    def _spawn(self, func: Callable[..., None], *args: Any) -> None:
        if self._executor is None:
            from concurrent.futures import ThreadPoolExecutor

            self._executor = ThreadPoolExecutor(4, thread_name_prefix="flexconv-events")
        future = self._executor.submit(func, *args)
        self._futures.add(future)
        future.add_done_callback(self._futures.discard)

    def _background(self, event: Event, key: str, reg: Registration) -> None:
        claim = self.store.claim(f"{key}#bg:{reg.ident}", self._lease)
        if claim.state != "claimed":
            return
        try:
            self._call(reg, event)
        except Exception as exc:
            self.store.release(claim)
            _background_failed(event, reg, exc)
            return
        self.store.finish(claim, b"", self._remember)

    def drain(self, timeout: float | None = None) -> None:
        """Wait for the background handlers started by `run`."""
        from concurrent.futures import wait

        wait(list(self._futures), timeout=timeout)

    def close(self) -> None:
        """Wait for the background handlers, stop the worker threads and close the store's sync
        connections (a store that has ``close()``)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
        closer = getattr(self.store, "close", None)
        if callable(closer):
            closer()

    # ------------------------------------------------------------------------------- async

    async def run_async(
        self, event: Event, key: str, foreground: list[Registration], background: list[Registration]
    ) -> Response:
        """Run the handlers for one event on the running loop (sync ones in a worker thread)."""
        response = await self._attempt_async(event, key, foreground)
        if response.status >= 500 and failure_route(event) == "retry":
            if response is BUSY:
                busy_deferred(event, key)
            self._spawn_async(self._retry_async(event, key, foreground, background))
            return default(event)
        if background and response.status < 300:
            for reg in background:
                self._spawn_async(self._background_async(event, key, reg))
        return response

    def _spawn_async(self, job: Coroutine[Any, Any, None]) -> None:
        import asyncio

        task = asyncio.get_running_loop().create_task(job)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _retry_async(
        self, event: Event, key: str, foreground: list[Registration], background: list[Registration]
    ) -> None:
        """`_retry` on the running loop."""
        import asyncio

        for delay in _retry_delays(self._retry_delay, self._retries):
            await asyncio.sleep(delay)
            if (await self._attempt_async(event, key, foreground)).status < 500:
                for reg in background:
                    await self._background_async(event, key, reg)
                return
        lost(event, key, self._retries)

    async def _attempt_async(
        self, event: Event, key: str, foreground: list[Registration]
    ) -> Response:
        """`_attempt` on the running loop."""
        order = event.ordering_key if self._ordered else None
        held = _HELD.get()
        wait, until = self._waits(event)
        try:
            if order is None or order in held:
                response = await self._run_async(event, key, foreground, until)
            else:
                async with self._lock_async(order, wait):
                    reset = _HELD.set(held | {order})
                    try:
                        response = await self._run_async(event, key, foreground, until)
                    finally:
                        _HELD.reset(reset)
        except LockTimeoutError:
            return BUSY
        except Exception as exc:
            return store_failed(event, exc)
        return response

    def _lock_async(self, key: str, wait: float) -> Any:
        if self._async_store:
            return self.store.lock_async(key, self._lease, wait)
        return _ThreadedLock(self.store.lock(key, self._lease, wait))

    async def _store_call(self, name: str, *args: Any) -> Any:
        if self._async_store:
            return await getattr(self.store, f"{name}_async")(*args)
        import asyncio

        return await asyncio.to_thread(getattr(self.store, name), *args)

    async def _claim_async(self, key: str, until: float | None) -> Claim:
        import asyncio

        claim: Claim = await self._store_call("claim", key, self._lease)
        for pause in self._pauses(until):
            if claim.state != "busy":
                break
            await asyncio.sleep(pause)
            claim = await self._store_call("claim", key, self._lease)
        return claim

    async def _call_async(self, reg: Registration, event: Event) -> Any:
        if reg.is_async:
            return await reg.handler(event)
        import asyncio

        return await asyncio.to_thread(reg.handler, event)

    async def _run_async(
        self, event: Event, key: str, regs: list[Registration], until: float | None
    ) -> Response:
        if not regs:
            return default(event)
        claim = await self._claim_async(key, until)
        if claim.state == "busy":
            return BUSY
        if claim.state == "done":
            return decode(claim.answer or b"")
        started = time.monotonic()
        try:
            results = [await self._call_async(reg, event) for reg in regs]
            response = answer(event, results)
        except Exception as exc:
            await self._store_call("release", claim)
            return failed(event, exc)
        budget_check(event, started)
        await self._store_call("finish", claim, encode(response), self._remember)
        return response

    async def _background_async(self, event: Event, key: str, reg: Registration) -> None:
        claim = await self._store_call("claim", f"{key}#bg:{reg.ident}", self._lease)
        if claim.state != "claimed":
            return
        try:
            await self._call_async(reg, event)
        except Exception as exc:
            await self._store_call("release", claim)
            _background_failed(event, reg, exc)
            return
        await self._store_call("finish", claim, b"", self._remember)

    async def drain_async(self) -> None:
        """Wait for the background handlers started by `run_async`."""
        import asyncio

        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def aclose(self) -> None:
        """Wait for the background handlers and close the store's asyncio connections (a store
        that has ``aclose()``)."""
        await self.drain_async()
        closer = getattr(self.store, "aclose", None)
        if callable(closer):
            await closer()


def _retry_delays(first: float, count: int) -> Iterator[float]:
    """The waits before each of ``count`` background retries: ``first``, then twice as long
    each time."""
    delay = first
    for _ in range(count):
        yield delay
        delay *= 2


def _pauses(deadline: float) -> Iterator[float]:
    """The pauses while a claim stays busy: 2 ms doubling up to 50 ms, until ``deadline`` (a
    `time.monotonic` instant)."""
    pause = 0.002
    while time.monotonic() < deadline:
        yield pause
        pause = min(pause * 2, 0.05)


def _background_failed(event: Event, reg: Registration, exc: BaseException) -> None:
    """Log a background handler's failure (its claim is released: a duplicate runs it again)."""
    logger().error(
        "flexconv.events: background handler %s for %s failed",
        reg.ident,
        event.event_type,
        exc_info=exc,
    )


class _ThreadedLock:
    """A sync store's lock used from async code: taken and released in a worker thread."""

    def __init__(self, cm: Any) -> None:
        self._cm = cm

    async def __aenter__(self) -> Any:
        import asyncio

        return await asyncio.to_thread(self._cm.__enter__)

    async def __aexit__(self, *exc: Any) -> Any:
        import asyncio

        return await asyncio.to_thread(self._cm.__exit__, *exc)
