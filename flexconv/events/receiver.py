"""The receiver: signature check, typed event, de-duplication, per-key order, handlers.

Nothing here touches a socket: [`Receiver.handle`][flexconv.events.Receiver.handle] takes the
request as plain values and returns ``(status, headers, body)``; the ASGI and WSGI adapters in
``flexconv.events.adapters`` are thin shells around it.

The receiver's parts, each in a module of its own: ``_request`` (size, signature, body, typed
event), ``_registry`` (handlers by event type), ``_execution`` (de-duplication, per-key order,
background handlers) and ``_answers`` (what Twilio is answered).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from flexconv.events._answers import BUDGETS as BUDGETS
from flexconv.events._answers import Response, default
from flexconv.events._execution import Execution
from flexconv.events._registry import KNOWN_NAMES as KNOWN_NAMES
from flexconv.events._registry import H, Handler, Registry
from flexconv.events._request import prepare
from flexconv.events.models import Event
from flexconv.events.signature import SignatureChecker
from flexconv.events.stores import AsyncStore, MemoryStore, Store

if TYPE_CHECKING:
    from flexconv.events.adapters import ASGIApp, WSGIApp

__all__ = ["Handler", "Policy", "Receiver", "Response"]


class Policy(Protocol):
    """Something that installs handlers on a receiver (see
    [`Receiver.use`][flexconv.events.Receiver.use])."""

    def install(self, receiver: Receiver) -> None:
        """Register this policy's handlers on ``receiver``."""
        ...


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
            A Conversations webhook waits at most 3 s in all (Twilio waits 5 s for it).
        ordered: run events of one task or one conversation one at a time (default).
        retries: background attempts for a Conversations post-event whose handler failed or
            whose conversation stayed busy (see below).
        retry_delay: seconds before the first background attempt; each next one waits twice
            as long (1, 2, 4, 8 s by default).

    **When a handler fails or its key is busy.** A TaskRouter callback (event or assignment) is
    answered 500 (failed) or 503 (busy) and Twilio delivers it again, as the URL's connection
    overrides allow ([`Wiring`][flexconv.lifecycle.Wiring] writes ``#rc=5&rp=ct,rt,5xx``).
    Twilio never delivers a Conversations webhook again, so a post-event (``onMessageAdded``,
    ...) is acknowledged with 200 instead and retried in the background ``retries`` times, under
    the same de-duplication claim (handlers that succeeded never run twice); when all fail, an
    error names the event and its idempotency token as lost.  A pre-event (``onMessageAdd``,
    ...) is answered 500 or 503, which refuses the action.
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
        retries: int = 4,
        retry_delay: float = 1.0,
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
        if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
            raise ValueError(f"retries must be a whole number >= 0, got {retries!r}")
        if not isinstance(retry_delay, (int, float)) or not 0 <= retry_delay < float("inf"):
            raise ValueError(f"retry_delay must be a number of seconds >= 0, got {retry_delay!r}")
        if not isinstance(max_body, int) or max_body < 1:
            raise ValueError(f"max_body must be a positive number of bytes, got {max_body!r}")
        store = store if store is not None else MemoryStore()
        if not isinstance(store, (Store, AsyncStore)):
            raise TypeError(
                "store must implement flexconv.events.Store or AsyncStore "
                f"(claim/finish/release/lock), got {type(store).__name__}"
            )
        self.client = client
        self.max_body = max_body
        self._registry = Registry()
        self._execution = Execution(
            store,
            lease=float(lease),
            remember=float(remember),
            lock_wait=float(lock_wait),
            ordered=ordered,
            retries=retries,
            retry_delay=float(retry_delay),
        )

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
        self._registry.add(name, handler, background=background, unknown_ok=unknown_ok, ident=ident)

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
        prepared = prepare(self._checker, self.max_body, method, url, headers, body, client)
        return prepared if isinstance(prepared, Response) else prepared[0]

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
        prepared = prepare(self._checker, self.max_body, method, url, headers, body, client)
        if isinstance(prepared, Response):
            return prepared
        event, key = prepared
        foreground, background = self._registry.handlers(event.event_type)
        if not foreground and not background:
            return default(event)
        return self._execution.run(event, key, foreground, background)

    def drain(self, timeout: float | None = None) -> None:
        """Wait for background handlers started by [`handle`][flexconv.events.Receiver.handle]."""
        self._execution.drain(timeout)

    def close(self) -> None:
        """Wait for background handlers, stop the worker threads and close the store's sync
        connections (a store that has ``close()``)."""
        self._execution.close()

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
        prepared = prepare(self._checker, self.max_body, method, url, headers, body, client)
        if isinstance(prepared, Response):
            return prepared
        event, key = prepared
        foreground, background = self._registry.handlers(event.event_type)
        if not foreground and not background:
            return default(event)
        return await self._execution.run_async(event, key, foreground, background)

    async def drain_async(self) -> None:
        """Wait for background handlers started by
        [`handle_async`][flexconv.events.Receiver.handle_async]."""
        await self._execution.drain_async()

    async def aclose(self) -> None:
        """Wait for background handlers and close the store's asyncio connections (a store that
        has ``aclose()``); the ASGI adapter calls it at lifespan shutdown, call it yourself from
        your framework's shutdown when the receiver is mounted in an app."""
        await self._execution.aclose()

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
        return (
            f"Receiver(handlers={len(self._registry)}, store={self._execution.store!r}, "
            f"checker={self._checker!r})"
        )
