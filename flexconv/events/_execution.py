"""Exactly once and one at a time: an event's handlers run under a claim on its de-duplication
key in the store, and under the store's lock on its ordering key (its task or conversation);
background handlers run after the answer, once each.  A sync face (threads) and an async face
(the running event loop)."""

from __future__ import annotations

import contextvars
import time
from typing import TYPE_CHECKING, Any

from flexconv.events._answers import (
    BUSY,
    Response,
    answer,
    budget_check,
    decode,
    default,
    encode,
    failed,
    logger,
    store_failed,
)
from flexconv.events._registry import Registration
from flexconv.events.models import Event
from flexconv.events.stores import AsyncStore, Claim, Store
from flexconv.locks import LockTimeoutError

if TYPE_CHECKING:
    import asyncio
    from concurrent.futures import Future, ThreadPoolExecutor

__all__ = ["Execution"]

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
    """

    def __init__(
        self,
        store: Store | AsyncStore,
        *,
        lease: float,
        remember: float,
        lock_wait: float,
        ordered: bool,
    ) -> None:
        self.store: Any = store
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
        store = self.store
        order = event.ordering_key if self._ordered else None
        held = _HELD.get()
        try:
            if order is None or order in held:
                response = self._run_sync(store, event, key, foreground)
            else:
                with store.lock(order, self._lease, self._lock_wait):
                    reset = _HELD.set(held | {order})
                    try:
                        response = self._run_sync(store, event, key, foreground)
                    finally:
                        _HELD.reset(reset)
        except LockTimeoutError:
            return BUSY
        except Exception as exc:
            return store_failed(exc)
        if background and response.status < 300:
            for reg in background:
                self._submit(event, key, reg)
        return response

    def _claim(self, store: Any, key: str) -> Claim:
        claim: Claim = store.claim(key, self._lease)
        deadline = time.monotonic() + self._lock_wait
        pause = 0.002
        while claim.state == "busy" and time.monotonic() < deadline:
            time.sleep(pause)
            pause = min(pause * 2, 0.05)
            claim = store.claim(key, self._lease)
        return claim

    def _run_sync(self, store: Any, event: Event, key: str, regs: list[Registration]) -> Response:
        if not regs:
            return default(event)
        claim = self._claim(store, key)
        if claim.state == "busy":
            return BUSY
        if claim.state == "done":
            return decode(claim.answer or b"")
        started = time.monotonic()
        try:
            response = answer(event, [self._call(reg, event) for reg in regs])
        except Exception as exc:
            store.release(claim)
            return failed(event, exc)
        budget_check(event, started)
        store.finish(claim, encode(response), self._remember)
        return response

    @staticmethod
    def _call(reg: Registration, event: Event) -> Any:
        if reg.is_async:
            import asyncio

            return asyncio.run(reg.handler(event))
        return reg.handler(event)

    def _submit(self, event: Event, key: str, reg: Registration) -> None:
        if self._executor is None:
            from concurrent.futures import ThreadPoolExecutor

            self._executor = ThreadPoolExecutor(4, thread_name_prefix="flexconv-events")
        future = self._executor.submit(self._background, event, key, reg)
        self._futures.add(future)
        future.add_done_callback(self._futures.discard)

    def _background(self, event: Event, key: str, reg: Registration) -> None:
        store = self.store
        claim = store.claim(f"{key}#bg:{reg.ident}", self._lease)
        if claim.state != "claimed":
            return
        try:
            self._call(reg, event)
        except Exception as exc:
            store.release(claim)
            logger().error(
                "flexconv.events: background handler %s for %s failed",
                reg.ident,
                event.event_type,
                exc_info=exc,
            )
            return
        store.finish(claim, b"", self._remember)

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
        store = self.store
        order = event.ordering_key if self._ordered else None
        held = _HELD.get()
        try:
            if order is None or order in held:
                response = await self._run_async(store, event, key, foreground)
            else:
                async with self._lock_async(store, order):
                    reset = _HELD.set(held | {order})
                    try:
                        response = await self._run_async(store, event, key, foreground)
                    finally:
                        _HELD.reset(reset)
        except LockTimeoutError:
            return BUSY
        except Exception as exc:
            return store_failed(exc)
        if background and response.status < 300:
            import asyncio

            for reg in background:
                task = asyncio.get_running_loop().create_task(
                    self._background_async(event, key, reg)
                )
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
        return response

    def _lock_async(self, store: Any, key: str) -> Any:
        if self._async_store:
            return store.lock_async(key, self._lease, self._lock_wait)
        return _ThreadedLock(store.lock(key, self._lease, self._lock_wait))

    async def _store_call(self, store: Any, name: str, *args: Any) -> Any:
        if self._async_store:
            return await getattr(store, f"{name}_async")(*args)
        import asyncio

        return await asyncio.to_thread(getattr(store, name), *args)

    async def _claim_async(self, store: Any, key: str) -> Claim:
        import asyncio

        claim: Claim = await self._store_call(store, "claim", key, self._lease)
        deadline = time.monotonic() + self._lock_wait
        pause = 0.002
        while claim.state == "busy" and time.monotonic() < deadline:
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.05)
            claim = await self._store_call(store, "claim", key, self._lease)
        return claim

    async def _call_async(self, reg: Registration, event: Event) -> Any:
        if reg.is_async:
            return await reg.handler(event)
        import asyncio

        return await asyncio.to_thread(reg.handler, event)

    async def _run_async(
        self, store: Any, event: Event, key: str, regs: list[Registration]
    ) -> Response:
        if not regs:
            return default(event)
        claim = await self._claim_async(store, key)
        if claim.state == "busy":
            return BUSY
        if claim.state == "done":
            return decode(claim.answer or b"")
        started = time.monotonic()
        try:
            results = [await self._call_async(reg, event) for reg in regs]
            response = answer(event, results)
        except Exception as exc:
            await self._store_call(store, "release", claim)
            return failed(event, exc)
        budget_check(event, started)
        await self._store_call(store, "finish", claim, encode(response), self._remember)
        return response

    async def _background_async(self, event: Event, key: str, reg: Registration) -> None:
        store = self.store
        claim = await self._store_call(store, "claim", f"{key}#bg:{reg.ident}", self._lease)
        if claim.state != "claimed":
            return
        try:
            await self._call_async(reg, event)
        except Exception as exc:
            await self._store_call(store, "release", claim)
            logger().error(
                "flexconv.events: background handler %s for %s failed",
                reg.ident,
                event.event_type,
                exc_info=exc,
            )
            return
        await self._store_call(store, "finish", claim, b"", self._remember)

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
