"""The receiver: signature check, typed event, de-duplication, per-key order, handlers.

Nothing here touches a socket: [`Receiver.handle`][flexconv.events.Receiver.handle] takes the
request as plain values and returns ``(status, headers, body)``; the ASGI and WSGI adapters in
``flexconv.events.adapters`` are thin shells around it.
"""

from __future__ import annotations

import contextvars
import inspect
import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TypeVar
from urllib.parse import parse_qsl, urlsplit

import attrs

from flexconv.events.models import (
    ASSIGNMENT,
    CONVERSATIONS_POST_EVENTS,
    CONVERSATIONS_PRE_EVENTS,
    TASKROUTER_EVENT_TYPES,
    AssignmentCallback,
    ConversationsEvent,
    Event,
    Instruction,
    PreEventAnswer,
    TaskRouterEvent,
)
from flexconv.events.signature import SignatureChecker
from flexconv.events.stores import AsyncStore, Claim, MemoryStore, Store
from flexconv.locks import LockTimeoutError

if TYPE_CHECKING:
    import asyncio
    import logging
    from concurrent.futures import Future, ThreadPoolExecutor

    from flexconv.events.adapters import ASGIApp, WSGIApp

__all__ = ["Handler", "Policy", "Receiver", "Response"]

#: A handler: gets the event, returns ``None`` or (assignment callbacks, pre-events) an answer;
#: a plain function or a coroutine function.
Handler = Callable[[Any], Any]
H = TypeVar("H", bound=Handler)

KNOWN_NAMES = (
    TASKROUTER_EVENT_TYPES | CONVERSATIONS_PRE_EVENTS | CONVERSATIONS_POST_EVENTS | {ASSIGNMENT}
)

#: Seconds Twilio waits for an answer: TaskRouter callbacks 15 s, Conversations webhooks 5 s.
BUDGETS = {"taskrouter": 15.0, "assignment": 15.0, "conversations": 5.0}

#: Ordering keys held by the current thread or task (a handler whose own API call makes Twilio,
#: or the in-process emulator, deliver an event for the same task must not wait for itself).
_HELD: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar(
    "flexconv_events_held", default=frozenset()
)


class Response(NamedTuple):
    """What [`Receiver.handle`][flexconv.events.Receiver.handle] returns."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


class Policy(Protocol):
    """Something that installs handlers on a receiver (see
    [`Receiver.use`][flexconv.events.Receiver.use])."""

    def install(self, receiver: Receiver) -> None:
        """Register this policy's handlers on ``receiver``."""
        ...


def _logger() -> logging.Logger:
    import logging

    return logging.getLogger("flexconv.events")


def _text(status: int, message: str) -> Response:
    return Response(status, [("content-type", "text/plain; charset=utf-8")], message.encode())


_JSON = [("content-type", "application/json")]
_EMPTY_204 = Response(204, _JSON, b"")
_EMPTY_200 = Response(200, [("content-type", "text/plain; charset=utf-8")], b"")
_EMPTY_OBJECT = Response(200, _JSON, b"{}")
_FORBIDDEN = _text(403, "Forbidden: the X-Twilio-Signature does not match")
_TOO_LARGE = _text(413, "Payload Too Large")
_BUSY = _text(503, "Busy with the same event or key: deliver again later")


def _encode(response: Response) -> bytes:
    ctype = next((v for k, v in response.headers if k == "content-type"), "")
    return f"{response.status}\n{ctype}\n".encode() + response.body


def _decode(stored: bytes) -> Response:
    status, ctype, body = stored.split(b"\n", 2)
    headers = [("content-type", ctype.decode())] if ctype else []
    return Response(int(status), headers, body)


@attrs.frozen
class _Registration:
    name: str
    handler: Handler
    background: bool
    is_async: bool
    ident: str


def _check_name(name: object, *, unknown_ok: bool) -> str:
    if not isinstance(name, str) or not name:
        raise TypeError(f"An event name must be a non-empty string, got {name!r}")
    if name.endswith("*") or name in KNOWN_NAMES or unknown_ok:
        return name
    import difflib

    close = difflib.get_close_matches(name, sorted(KNOWN_NAMES), n=3)
    hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
    raise ValueError(
        f"Unknown event type {name!r}: expected a TaskRouter event type "
        "('reservation.created', ...), 'assignment', a Conversations webhook ('onMessageAdded', "
        f"'onMessageAdd', ...) or a prefix pattern ending in '*' ('task.*').{hint} "
        "Pass unknown_ok=True for a type this version does not know."
    )


class Receiver:
    """Receives Twilio's callbacks and runs handlers exactly once per event.

    ```python
    from flexconv.events import Instruction, Receiver

    receiver = Receiver(auth_token, public_url="https://hooks.example.com")

    @receiver.on("reservation.created")
    def created(event):
        print(event.task_sid, event.task_attributes)

    @receiver.on("assignment")
    def assign(callback):
        return Instruction.accept()

    app = receiver.asgi()  # or receiver.wsgi(); or receiver.handle(method, url, headers, body)
    ```

    Args:
        auth_token: the token Twilio signs with (the account's auth token).
        previous_auth_token: a second token also accepted, while rotating the auth token.
        public_url: the URL (or origin) Twilio calls, when this server sees another one (see
            [`SignatureChecker`][flexconv.events.SignatureChecker]).
        trusted_proxies: proxies (addresses or networks) whose ``X-Forwarded-Proto`` and
            ``X-Forwarded-Host`` are believed; from anyone else they are ignored.
        store: de-duplication records and locks: a
            [`MemoryStore`][flexconv.events.MemoryStore] by default;
            [`SQLiteStore`][flexconv.events.SQLiteStore] or
            [`RedisStore`][flexconv.events.RedisStore] to share them.
        client: the flexconv client handlers and policies use (``receiver.client``).
        max_body: the largest body accepted, in bytes (larger: 413).
        lease: seconds a claim (and a per-key lock) lasts before a receiver that crashed
            loses it and a redelivery may run the handler again.
        remember: seconds a finished event is remembered (duplicates within it get the same
            answer without running handlers).
        lock_wait: seconds to wait for another event of the same task or conversation, or for
            a duplicate being handled elsewhere, before answering 503 (Twilio delivers again).
        ordered: run events of one task or one conversation one at a time (default).
    """

    def __init__(
        self,
        auth_token: str,
        *,
        previous_auth_token: str | None = None,
        public_url: str | None = None,
        trusted_proxies: Iterable[str] = (),
        store: Store | AsyncStore | None = None,
        client: Any = None,
        max_body: int = 1_048_576,
        lease: float = 60.0,
        remember: float = 86_400.0,
        lock_wait: float = 4.0,
        ordered: bool = True,
    ) -> None:
        if not isinstance(auth_token, str) or not auth_token:
            raise ValueError("Receiver needs the auth token Twilio signs with (a string)")
        tokens = [auth_token]
        if previous_auth_token is not None:
            if not isinstance(previous_auth_token, str) or not previous_auth_token:
                raise ValueError("previous_auth_token must be a non-empty string or None")
            tokens.append(previous_auth_token)
        self._checker = SignatureChecker(
            tokens, public_url=public_url, trusted_proxies=trusted_proxies
        )
        for name, value in (("lease", lease), ("remember", remember), ("lock_wait", lock_wait)):
            if not isinstance(value, (int, float)) or not 0 < value < float("inf"):
                raise ValueError(f"{name} must be a positive number of seconds, got {value!r}")
        if not isinstance(max_body, int) or max_body < 1:
            raise ValueError(f"max_body must be a positive number of bytes, got {max_body!r}")
        self._store: Any = store if store is not None else MemoryStore()
        if not isinstance(self._store, (Store, AsyncStore)):
            raise TypeError(
                "store must implement flexconv.events.Store or AsyncStore "
                f"(claim/finish/release/lock), got {type(store).__name__}"
            )
        self._async_store = isinstance(self._store, AsyncStore)
        self.client = client
        self.max_body = max_body
        self._lease = float(lease)
        self._remember = float(remember)
        self._lock_wait = float(lock_wait)
        self._ordered = ordered
        self._exact: dict[str, list[_Registration]] = {}
        self._patterns: list[_Registration] = []
        self._cache: dict[str, tuple[list[_Registration], list[_Registration]]] = {}
        self._executor: ThreadPoolExecutor | None = None
        self._futures: set[Future[None]] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    # ------------------------------------------------------------------------- registration

    def on(
        self, *names: str, background: bool = False, unknown_ok: bool = False
    ) -> Callable[[H], H]:
        """Register the decorated function for one or more event types.

        Names are TaskRouter event types (``reservation.created``), ``assignment``,
        Conversations webhooks (``onMessageAdded``, ``onMessageAdd``), or prefix patterns ending
        in ``*`` (``task.*``, ``onMessage*``, ``*``).  The handler may be sync or async.

        ``background=True`` acknowledges the event first and runs the handler afterwards, for
        work longer than Twilio waits (15 s TaskRouter, 5 s Conversations): it runs once per
        event (its own de-duplication record) but outside the per-key order, and a failure is
        logged, not redelivered by Twilio (which already got its 2xx).
        """
        if not names:
            raise TypeError("on() needs at least one event type")

        def register(func: H) -> H:
            for name in names:
                self.add_handler(name, func, background=background, unknown_ok=unknown_ok)
            return func

        return register

    def add_handler(
        self,
        name: str,
        handler: Handler,
        *,
        background: bool = False,
        unknown_ok: bool = False,
        ident: str | None = None,
    ) -> None:
        """Register ``handler`` for ``name`` (see [`on`][flexconv.events.Receiver.on]).

        ``ident`` names the handler in de-duplication records of background handlers (default:
        its module and qualified name); keep it stable across deployments.
        """
        name = _check_name(name, unknown_ok=unknown_ok)
        if not callable(handler):
            raise TypeError(f"A handler must be callable, got {type(handler).__name__}")
        if background and (name == ASSIGNMENT or name in CONVERSATIONS_PRE_EVENTS):
            raise ValueError(
                f"{name!r} is answered by its handler: it cannot run in the background"
            )
        is_async = inspect.iscoroutinefunction(handler) or inspect.iscoroutinefunction(
            getattr(handler, "__call__", None)  # noqa: B004
        )
        reg = _Registration(
            name,
            handler,
            background,
            is_async,
            ident
            or f"{getattr(handler, '__module__', '')}.{getattr(handler, '__qualname__', repr(handler))}",
        )
        if name.endswith("*"):
            self._patterns.append(reg)
        else:
            self._exact.setdefault(name, []).append(reg)
        self._cache.clear()

    def use(self, policy: Policy | Callable[[Receiver], Any]) -> Receiver:
        """Install a policy: an object with ``install(receiver)`` or a callable taking the
        receiver.  Returns the receiver, so calls chain."""
        install = getattr(policy, "install", None)
        if callable(install):
            install(self)
        elif callable(policy):
            policy(self)
        else:
            raise TypeError(f"use() takes a policy with install(receiver), got {policy!r}")
        return self

    def _handlers(self, event_type: str) -> tuple[list[_Registration], list[_Registration]]:
        found = self._cache.get(event_type)
        if found is None:
            regs = list(self._exact.get(event_type, ()))
            regs += [r for r in self._patterns if event_type.startswith(r.name[:-1])]
            found = ([r for r in regs if not r.background], [r for r in regs if r.background])
            self._cache[event_type] = found
        return found

    # ----------------------------------------------------------------------- request parsing

    def parse(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | Sequence[tuple[str, str]],
        body: bytes,
        *,
        client: str | None = None,
    ) -> Event | Response:
        """Check and parse a request: the typed event, or the error response (403, 413, ...)."""
        prepared = self._prepare(method, url, headers, body, client)
        return prepared if isinstance(prepared, Response) else prepared[0]

    def _prepare(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | Sequence[tuple[str, str]],
        body: bytes,
        client: str | None,
    ) -> Response | tuple[Event, str]:
        method = method.upper()
        if method not in ("POST", "GET"):
            return Response(405, [("allow", "POST, GET")], b"")
        if len(body) > self.max_body:
            return _TOO_LARGE
        items = headers.items() if isinstance(headers, Mapping) else headers
        hdrs = {k.lower(): v for k, v in items}
        form: list[tuple[str, str]] | None
        try:
            if method == "GET":
                form = [
                    (k, v)
                    for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True)
                    if k != "bodySHA256"
                ]
            elif "json" in hdrs.get("content-type", ""):
                form = None
            else:
                form = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            form = None
        if not self._checker.check(
            method, url, hdrs, body, None if method == "GET" else form, client
        ):
            _logger().warning(
                "flexconv.events: refused %s %s: bad or missing signature",
                method,
                urlsplit(url).path,
            )
            return _FORBIDDEN
        if form is None:
            try:
                decoded = json.loads(body)
            except ValueError:
                return _text(400, "Bad Request: expected a form or a JSON object")
            if not isinstance(decoded, dict):
                return _text(400, "Bad Request: expected a JSON object")
            form = [
                (str(k), v if isinstance(v, str) else json.dumps(v)) for k, v in decoded.items()
            ]
        params = dict(form)
        token = hdrs.get("i-twilio-idempotency-token") or None
        event_type = params.get("EventType")
        event: Event
        if event_type and "." in event_type:
            event = TaskRouterEvent.from_params(
                params, event_type=event_type, idempotency_token=token
            )
        elif event_type and event_type.startswith("on"):
            event = ConversationsEvent.from_params(
                params, event_type=event_type, idempotency_token=token
            )
        elif not event_type and "ReservationSid" in params and "TaskSid" in params:
            event = AssignmentCallback.from_params(
                params, event_type=ASSIGNMENT, idempotency_token=token
            )
        else:
            return _text(400, "Bad Request: not a TaskRouter or Conversations callback")
        key = f"token:{token}" if token else f"event:{event.dedup_identity()}"
        return event, key

    @staticmethod
    def _family(event: Event) -> str:
        if isinstance(event, TaskRouterEvent):
            return "taskrouter"
        if isinstance(event, AssignmentCallback):
            return "assignment"
        return "conversations"

    @staticmethod
    def _default(event: Event) -> Response:
        if isinstance(event, TaskRouterEvent):
            return _EMPTY_204
        if isinstance(event, AssignmentCallback):
            return _EMPTY_OBJECT
        return _EMPTY_200

    def _answer(self, event: Event, results: Iterable[Any]) -> Response:
        """The response from the handlers' return values (the first answer wins)."""
        for result in results:
            if result is None:
                continue
            if isinstance(event, AssignmentCallback) and isinstance(result, Instruction):
                return Response(
                    200, _JSON, json.dumps(result.to_json(), separators=(",", ":")).encode()
                )
            if (
                isinstance(event, ConversationsEvent)
                and event.is_pre_event
                and isinstance(result, PreEventAnswer)
            ):
                if result.status != 200:
                    return _text(result.status, "Refused")
                if not result.changes:
                    return _EMPTY_200
                return Response(
                    200, _JSON, json.dumps(dict(result.changes), separators=(",", ":")).encode()
                )
            expected = (
                "an Instruction or None"
                if isinstance(event, AssignmentCallback)
                else "a PreEventAnswer or None"
                if isinstance(event, ConversationsEvent) and event.is_pre_event
                else "None"
            )
            raise TypeError(
                f"A handler for {event.event_type!r} returned {type(result).__name__}; "
                f"expected {expected}"
            )
        return self._default(event)

    def _budget_check(self, event: Event, started: float) -> None:
        budget = BUDGETS[self._family(event)]
        elapsed = time.monotonic() - started
        if elapsed > budget:
            _logger().warning(
                "flexconv.events: handlers for %s took %.1fs, longer than Twilio waits (%gs); "
                "register slow work with background=True",
                event.event_type,
                elapsed,
                budget,
            )

    @staticmethod
    def _store_failed(exc: BaseException) -> Response:
        _logger().error(
            "flexconv.events: the store failed (%s); answering 503 so Twilio delivers again",
            type(exc).__name__,
            exc_info=exc,
        )
        return _BUSY

    def _failed(self, event: Event, exc: BaseException) -> Response:
        _logger().error(
            "flexconv.events: a handler for %s failed; answering 500 so Twilio delivers it again",
            event.event_type,
            exc_info=exc,
        )
        return _text(500, "A handler failed; deliver again")

    # -------------------------------------------------------------------------------- sync

    def handle(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | Sequence[tuple[str, str]],
        body: bytes,
        *,
        client: str | None = None,
    ) -> Response:
        """Handle one request (sync handlers run here; async ones on a fresh event loop).

        ``url`` is the full URL as this server received it (scheme, host, path, query);
        ``client`` the peer address (for ``trusted_proxies``).  Returns
        ``(status, headers, body)``.
        """
        prepared = self._prepare(method, url, headers, body, client)
        if isinstance(prepared, Response):
            return prepared
        event, key = prepared
        foreground, background = self._handlers(event.event_type)
        if not foreground and not background:
            return self._default(event)
        store = self._store
        order = event.ordering_key if self._ordered else None
        held = _HELD.get()
        try:
            if order is None or order in held:
                response = self._run(store, event, key, foreground)
            else:
                with store.lock(order, self._lease, self._lock_wait):
                    reset = _HELD.set(held | {order})
                    try:
                        response = self._run(store, event, key, foreground)
                    finally:
                        _HELD.reset(reset)
        except LockTimeoutError:
            return _BUSY
        except Exception as exc:
            return self._store_failed(exc)
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

    def _run(self, store: Any, event: Event, key: str, regs: list[_Registration]) -> Response:
        if not regs:
            return self._default(event)
        claim = self._claim(store, key)
        if claim.state == "busy":
            return _BUSY
        if claim.state == "done":
            return _decode(claim.answer or b"")
        started = time.monotonic()
        try:
            response = self._answer(event, [self._call(reg, event) for reg in regs])
        except Exception as exc:
            store.release(claim)
            return self._failed(event, exc)
        self._budget_check(event, started)
        store.finish(claim, _encode(response), self._remember)
        return response

    @staticmethod
    def _call(reg: _Registration, event: Event) -> Any:
        if reg.is_async:
            import asyncio

            return asyncio.run(reg.handler(event))
        return reg.handler(event)

    def _submit(self, event: Event, key: str, reg: _Registration) -> None:
        if self._executor is None:
            from concurrent.futures import ThreadPoolExecutor

            self._executor = ThreadPoolExecutor(4, thread_name_prefix="flexconv-events")
        future = self._executor.submit(self._background, event, key, reg)
        self._futures.add(future)
        future.add_done_callback(self._futures.discard)

    def _background(self, event: Event, key: str, reg: _Registration) -> None:
        store = self._store
        claim = store.claim(f"{key}#bg:{reg.ident}", self._lease)
        if claim.state != "claimed":
            return
        try:
            self._call(reg, event)
        except Exception as exc:
            store.release(claim)
            _logger().error(
                "flexconv.events: background handler %s for %s failed",
                reg.ident,
                event.event_type,
                exc_info=exc,
            )
            return
        store.finish(claim, b"", self._remember)

    def drain(self, timeout: float | None = None) -> None:
        """Wait for background handlers started by [`handle`][flexconv.events.Receiver.handle]."""
        from concurrent.futures import wait

        wait(list(self._futures), timeout=timeout)

    def close(self) -> None:
        """Wait for background handlers, stop the worker threads and close the store's sync
        connections (a store that has ``close()``)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
        closer = getattr(self._store, "close", None)
        if callable(closer):
            closer()

    # ------------------------------------------------------------------------------- async

    async def handle_async(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | Sequence[tuple[str, str]],
        body: bytes,
        *,
        client: str | None = None,
    ) -> Response:
        """Handle one request on the running event loop (sync handlers run in a worker thread).

        Same arguments and answer as [`handle`][flexconv.events.Receiver.handle].
        """
        prepared = self._prepare(method, url, headers, body, client)
        if isinstance(prepared, Response):
            return prepared
        event, key = prepared
        foreground, background = self._handlers(event.event_type)
        if not foreground and not background:
            return self._default(event)
        store = self._store
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
            return _BUSY
        except Exception as exc:
            return self._store_failed(exc)
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

    async def _call_async(self, reg: _Registration, event: Event) -> Any:
        if reg.is_async:
            return await reg.handler(event)
        import asyncio

        return await asyncio.to_thread(reg.handler, event)

    async def _run_async(
        self, store: Any, event: Event, key: str, regs: list[_Registration]
    ) -> Response:
        if not regs:
            return self._default(event)
        claim = await self._claim_async(store, key)
        if claim.state == "busy":
            return _BUSY
        if claim.state == "done":
            return _decode(claim.answer or b"")
        started = time.monotonic()
        try:
            results = [await self._call_async(reg, event) for reg in regs]
            response = self._answer(event, results)
        except Exception as exc:
            await self._store_call(store, "release", claim)
            return self._failed(event, exc)
        self._budget_check(event, started)
        await self._store_call(store, "finish", claim, _encode(response), self._remember)
        return response

    async def _background_async(self, event: Event, key: str, reg: _Registration) -> None:
        store = self._store
        claim = await self._store_call(store, "claim", f"{key}#bg:{reg.ident}", self._lease)
        if claim.state != "claimed":
            return
        try:
            await self._call_async(reg, event)
        except Exception as exc:
            await self._store_call(store, "release", claim)
            _logger().error(
                "flexconv.events: background handler %s for %s failed",
                reg.ident,
                event.event_type,
                exc_info=exc,
            )
            return
        await self._store_call(store, "finish", claim, b"", self._remember)

    async def drain_async(self) -> None:
        """Wait for background handlers started by
        [`handle_async`][flexconv.events.Receiver.handle_async]."""
        import asyncio

        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def aclose(self) -> None:
        """Wait for background handlers and close the store's asyncio connections (a store that
        has ``aclose()``); the ASGI adapter calls it at lifespan shutdown, call it yourself from
        your framework's shutdown when the receiver is mounted in an app."""
        await self.drain_async()
        closer = getattr(self._store, "aclose", None)
        if callable(closer):
            await closer()

    # ----------------------------------------------------------------------------- adapters

    def asgi(self) -> ASGIApp:
        """An ASGI application (mount it in FastAPI or Starlette, or serve it with uvicorn)."""
        from flexconv.events.adapters import ASGIApp

        return ASGIApp(self)

    def wsgi(self) -> WSGIApp:
        """A WSGI application (Flask, Django, gunicorn, wsgiref)."""
        from flexconv.events.adapters import WSGIApp

        return WSGIApp(self)

    def __repr__(self) -> str:
        count = sum(len(v) for v in self._exact.values()) + len(self._patterns)
        return f"Receiver(handlers={count}, store={self._store!r}, checker={self._checker!r})"


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
