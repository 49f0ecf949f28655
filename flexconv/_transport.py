"""The one module that talks to the network.

A transport is a small protocol of our own: ``send(request, timeout) -> RawResponse`` (awaited on
the async side) and ``close()`` / ``aclose()``.  Adapters here cover httpx (sync and async),
aiohttp (the default async backend: several times cheaper per call than httpx's async pool under
concurrency) and in-process handlers such as the emulator (`flexconv._handlers`, re-exported
here).  Transports raise only flexconv's connection and timeout errors, each saying whether
the request may have reached the server.

httpx and aiohttp are imported lazily, so ``import flexconv`` stays cheap.
"""

from __future__ import annotations

import asyncio
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from flexconv._core.checks import check_seconds
from flexconv._core.errors import (
    APIConnectionError,
    APITimeoutError,
    ClientClosedError,
    ValidationError,
)
from flexconv._core.operation import (
    LowerHeaders,
    RawResponse,
    RequestSpec,
    new_raw_response,
    static_headers,
)
from flexconv._deadlines import Deadlines
from flexconv._handlers import AsyncHandlerTransport, HandlerTransport, _handler_of, late_error
from flexconv._handlers import Handler as Handler  # re-exported: the handler's signature
from flexconv._loops import LoopPool

if TYPE_CHECKING:
    import aiohttp
    import httpx

__all__ = [
    "AiohttpTransport",
    "AsyncHandlerTransport",
    "AsyncHttpxTransport",
    "AsyncTransport",
    "HandlerTransport",
    "HttpxTransport",
    "SyncTransport",
    "Timeout",
    "make_async_transport",
    "make_sync_transport",
]


@dataclass(frozen=True)
class Timeout:
    """Timeouts in seconds.  Every phase is bounded: ``None`` is refused."""

    connect: float = 5.0
    """Seconds to establish a connection."""
    read: float = 30.0
    """Seconds to wait for the response: with httpx, for each piece of it; with aiohttp (the
    default async backend), for the whole of it, from the start of the request."""
    write: float = 30.0
    """Seconds to send the request."""
    pool: float = 10.0
    """Seconds to wait for a free connection from the pool."""

    def __post_init__(self) -> None:
        for name in ("connect", "read", "write", "pool"):
            value = getattr(self, name)
            if value is None:
                raise ValidationError(
                    f"Timeout.{name} must be a positive number of seconds, got None; "
                    "unbounded timeouts are not allowed"
                )
            check_seconds(value, f"Timeout.{name}", allow_zero=False)

    @classmethod
    def of(cls, value: Timeout | float | None) -> Timeout:
        """A [`Timeout`][flexconv._transport.Timeout] from a number (every phase) or a Timeout; ``None`` means the default."""
        if value is None:
            return cls()
        if isinstance(value, Timeout):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            check_seconds(value, "timeout", allow_zero=False)
            return cls(connect=min(float(value), 5.0), read=value, write=value, pool=value)
        raise ValidationError(f"timeout must be a number of seconds or a Timeout, got {value!r}")


@runtime_checkable
class SyncTransport(Protocol):
    """What the sync client needs from a transport."""

    def send(self, request: RequestSpec, timeout: Timeout) -> RawResponse: ...

    def close(self) -> None: ...


@runtime_checkable
class AsyncTransport(Protocol):
    """What the async client needs from a transport."""

    async def send(self, request: RequestSpec, timeout: Timeout) -> RawResponse: ...

    async def aclose(self) -> None: ...


def _beyond(headers: dict[str, str], defaults: dict[str, str]) -> dict[str, str]:
    """The request headers an owned client does not already send by default (httpx merges
    each per-request header at some cost: the constant ones are installed on the client once)."""
    if not defaults:
        return headers
    return {k: v for k, v in headers.items() if defaults.get(k) != v}


# --------------------------------------------------------------------------------------- httpx


@functools.lru_cache(maxsize=32)
def _httpx_timeout(timeout: Timeout) -> httpx.Timeout:
    """httpx's form of a [`Timeout`][flexconv._transport.Timeout] (cached: clients reuse a handful of them)."""
    import httpx

    return httpx.Timeout(
        connect=timeout.connect, read=timeout.read, write=timeout.write, pool=timeout.pool
    )


@functools.lru_cache(maxsize=32)
def _aiohttp_timeout(timeout: Timeout) -> aiohttp.ClientTimeout:
    """aiohttp's form of a [`Timeout`][flexconv._transport.Timeout] (cached, like `_httpx_timeout()`)."""
    import aiohttp

    # no sock_read: the read bound is kept by `Deadlines` (one timer per loop, not per chunk)
    return aiohttp.ClientTimeout(
        total=None, connect=timeout.pool + timeout.connect, sock_connect=timeout.connect
    )


def _map_httpx_error(exc: Exception, request: RequestSpec) -> APIConnectionError | None:
    """flexconv's error for an httpx failure (``None``: not a network error, let it rise)."""
    import httpx

    if not isinstance(exc, httpx.TransportError):
        return None

    m, u = request.method, request.url
    if isinstance(exc, httpx.ConnectTimeout):
        return APITimeoutError("Timed out connecting", phase="connect", sent=False, method=m, url=u)
    if isinstance(exc, httpx.PoolTimeout):
        return APITimeoutError(
            "Timed out waiting for a pooled connection", phase="pool", method=m, url=u
        )
    if isinstance(exc, httpx.ReadTimeout):
        return APITimeoutError(
            "Timed out reading the response", phase="read", sent=True, method=m, url=u
        )
    if isinstance(exc, httpx.WriteTimeout):
        return APITimeoutError(
            "Timed out sending the request", phase="write", sent=True, method=m, url=u
        )
    if isinstance(exc, httpx.ConnectError):
        return APIConnectionError(f"Could not connect: {exc}", sent=False, method=m, url=u)
    return APIConnectionError(
        f"Connection failed: {type(exc).__name__}: {exc}", sent=True, method=m, url=u
    )


_LIMITS = {"max_connections": 100, "max_keepalive_connections": 20}


class HttpxTransport:
    """Sync transport over an ``httpx.Client`` (ours, or one the user passes and closes)."""

    def __init__(
        self, client: httpx.Client | None = None, *, transport: httpx.BaseTransport | None = None
    ) -> None:
        import httpx

        self._owned = client is None
        self._client = client or httpx.Client(
            transport=transport,
            limits=httpx.Limits(**_LIMITS),
            timeout=_httpx_timeout(Timeout()),
            headers=static_headers(),
        )
        self._defaults = static_headers() if self._owned else {}
        self._timeouts: tuple[Timeout | None, Any] = (None, None)

    def send(self, request: RequestSpec, timeout: Timeout) -> RawResponse:
        if self._client.is_closed:
            raise ClientClosedError("This client is closed; create a new one")
        timeouts = self._timeouts
        if timeouts[0] is not timeout:  # a client keeps one Timeout: convert it once
            timeouts = self._timeouts = (timeout, _httpx_timeout(timeout))
        try:
            resp = self._client.request(
                request.method,
                request.url,
                headers=_beyond(request.headers, self._defaults),
                content=request.content,
                timeout=timeouts[1],
            )
        except Exception as exc:
            mapped = _map_httpx_error(exc, request)
            if mapped is None:
                raise
            raise mapped from exc
        # httpx.Headers is already a case-insensitive mapping with lower-case keys
        return new_raw_response(resp.status_code, resp.headers, resp.content)

    def close(self) -> None:
        if self._owned:
            self._client.close()


class AsyncHttpxTransport:
    """Async transport over an `httpx.AsyncClient` (ours, or one the user passes and closes).

    An `AsyncClient` of our own follows the event loop: used from a new loop, it is replaced
    by a fresh one (the old one was closed as its loop shut down).
    """

    def __init__(
        self,
        client: httpx.AsyncClient | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._owned = client is None
        self._transport = transport
        self._client = client or self._new_client()
        self._defaults = static_headers() if self._owned else {}
        self._timeouts: tuple[Timeout | None, Any] = (None, None)
        self._closed = False
        # only a pool we built end to end can be rebuilt for a new loop
        self._pool = LoopPool() if client is None and transport is None else None

    def _new_client(self) -> httpx.AsyncClient:
        import httpx

        return httpx.AsyncClient(
            transport=self._transport,
            limits=httpx.Limits(**_LIMITS),
            timeout=_httpx_timeout(Timeout()),
            headers=static_headers(),
        )

    async def _client_for(self, loop: asyncio.AbstractEventLoop) -> httpx.AsyncClient:
        assert self._pool is not None
        if self._pool.moved(loop, self._client.is_closed):
            if self._pool.loop is not None:
                self._client = self._new_client()
            await self._pool.bind(loop, self._client.aclose)
        return self._client

    async def send(self, request: RequestSpec, timeout: Timeout) -> RawResponse:
        if self._closed:
            raise ClientClosedError("This client is closed; create a new one")
        client = self._client
        if self._pool is not None and self._pool.loop is not asyncio.get_running_loop():
            client = await self._client_for(asyncio.get_running_loop())
        elif client.is_closed:
            raise ClientClosedError("This client is closed; create a new one")
        timeouts = self._timeouts
        if timeouts[0] is not timeout:
            timeouts = self._timeouts = (timeout, _httpx_timeout(timeout))
        try:
            resp = await client.request(
                request.method,
                request.url,
                headers=_beyond(request.headers, self._defaults),
                content=request.content,
                timeout=timeouts[1],
            )
        except Exception as exc:
            mapped = _map_httpx_error(exc, request)
            if mapped is None:
                raise
            raise mapped from exc
        # httpx.Headers is already a case-insensitive mapping with lower-case keys
        return new_raw_response(resp.status_code, resp.headers, resp.content)

    async def aclose(self) -> None:
        self._closed = True
        if self._pool is not None:
            await self._pool.release()
        if self._owned:
            await self._client.aclose()


# ------------------------------------------------------------------------------------- aiohttp


def _map_aiohttp_error(exc: Exception, request: RequestSpec) -> APIConnectionError | None:
    """flexconv's error for an aiohttp failure (``None``: not a network error, let it rise)."""
    import aiohttp

    m, u = request.method, request.url
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return APITimeoutError("Timed out connecting", phase="connect", method=m, url=u)
    if isinstance(exc, (aiohttp.SocketTimeoutError, TimeoutError)):
        return APITimeoutError(
            "Timed out reading the response", phase="read", sent=True, method=m, url=u
        )
    if isinstance(exc, aiohttp.ClientConnectorError):
        return APIConnectionError(f"Could not connect: {exc}", sent=False, method=m, url=u)
    if isinstance(exc, aiohttp.ClientError):
        return APIConnectionError(
            f"Connection failed: {type(exc).__name__}: {exc}", sent=True, method=m, url=u
        )
    return None


class AiohttpTransport:
    """Async transport over aiohttp: the default async backend.

    The session is created on first use inside the running event loop (aiohttp requires it) and
    closed by `aclose()`, or when that loop shuts down (`asyncio.run` ending): used again from a
    new loop, the client opens a fresh session there.  A session the user passes is left for the
    user to close.

    Timeouts: ``pool`` and ``connect`` bound getting a connection, as aiohttp keeps them;
    ``read`` bounds the whole exchange from the start of the request until the last byte of the
    response, kept by one timer per event loop for all requests (`flexconv._deadlines`) rather
    than aiohttp's timer per read, which cost as much as the rest of the client's own work.
    """

    def __init__(self, session: aiohttp.ClientSession | None = None) -> None:
        self._owned = session is None
        self._session = session
        self._closed = False
        self._defaults = static_headers() if self._owned else {}
        self._pool = LoopPool() if self._owned else None
        self._timeouts: tuple[Timeout | None, Any] = (None, None)
        self._deadlines: Deadlines | None = None

    async def _open(self, loop: asyncio.AbstractEventLoop) -> aiohttp.ClientSession:
        import aiohttp

        assert self._pool is not None
        session = self._session
        if session is None or self._pool.moved(loop, session.closed):
            connector = aiohttp.TCPConnector(limit=_LIMITS["max_connections"])
            session = self._session = aiohttp.ClientSession(
                connector=connector, auto_decompress=True, headers=static_headers()
            )
            await self._pool.bind(loop, session.close)
        return session

    async def send(self, request: RequestSpec, timeout: Timeout) -> RawResponse:
        if self._closed:
            raise ClientClosedError("This client is closed; create a new one")
        session = self._session
        loop = asyncio.get_running_loop()
        if self._pool is not None and (
            session is None or self._pool.loop is not loop or session.closed
        ):
            session = await self._open(loop)
        assert session is not None
        timeouts = self._timeouts
        if timeouts[0] is not timeout:  # a client keeps one Timeout: convert it once
            timeouts = self._timeouts = (timeout, _aiohttp_timeout(timeout))
        deadlines = self._deadlines
        if deadlines is None or deadlines.loop is not loop:
            deadlines = self._deadlines = Deadlines(loop)
        task: Any = asyncio.current_task(loop)
        deadlines.start(task, timeout.read)
        try:
            async with session.request(
                request.method,
                request.url,
                headers=_beyond(request.headers, self._defaults),
                data=request.content,
                timeout=timeouts[1],
                allow_redirects=False,
            ) as resp:
                body = await resp.read()
                return new_raw_response(resp.status, LowerHeaders(resp.headers), body)
        except (Exception, asyncio.CancelledError) as exc:
            if deadlines.late(task):
                raise late_error(request) from None
            if isinstance(exc, asyncio.CancelledError):
                raise
            mapped = _map_aiohttp_error(exc, request)
            if mapped is None:
                raise
            raise mapped from exc
        finally:
            deadlines.done(task)

    async def aclose(self) -> None:
        self._closed = True
        if self._deadlines is not None:
            self._deadlines.close()
        if self._pool is not None:
            await self._pool.release()
        if self._owned and self._session is not None and not self._session.closed:
            await self._session.close()


# ------------------------------------------------------------------------------- selection


def make_sync_transport(*, transport: Any = None, http_client: Any = None) -> SyncTransport:
    """Pick the sync transport for what the user passed (nothing, a client, or a transport)."""
    if transport is not None and http_client is not None:
        raise ValidationError("Pass either transport= or http_client=, not both")
    if http_client is not None:
        import httpx

        if not isinstance(http_client, httpx.Client):
            raise ValidationError(
                f"http_client must be an httpx.Client for FlexConv, got {type(http_client).__name__}"
            )
        return HttpxTransport(http_client)
    if transport is None:
        return HttpxTransport()
    if isinstance(transport, SyncTransport) and not isinstance(transport, AsyncTransport):
        return transport
    import httpx

    if isinstance(transport, httpx.BaseTransport):
        return HttpxTransport(transport=transport)
    handler = _handler_of(transport)
    if handler is not None:
        return HandlerTransport(handler)
    raise ValidationError(
        "transport must be a flexconv SyncTransport, an httpx.BaseTransport or an object with "
        f"handle(method, url, headers, body) such as the emulator; got {type(transport).__name__}"
    )


def make_async_transport(*, transport: Any = None, http_client: Any = None) -> AsyncTransport:
    """Pick the async transport for what the user passed; aiohttp by default."""
    if transport is not None and http_client is not None:
        raise ValidationError("Pass either transport= or http_client=, not both")
    if http_client is not None:
        import httpx

        if isinstance(http_client, httpx.AsyncClient):
            return AsyncHttpxTransport(http_client)
        import aiohttp

        if isinstance(http_client, aiohttp.ClientSession):
            return AiohttpTransport(http_client)
        raise ValidationError(
            "http_client must be an httpx.AsyncClient or an aiohttp.ClientSession for "
            f"AsyncFlexConv, got {type(http_client).__name__}"
        )
    if transport is None:
        return AiohttpTransport()
    if isinstance(transport, AsyncTransport):
        return transport
    import httpx

    if isinstance(transport, httpx.AsyncBaseTransport):
        return AsyncHttpxTransport(transport=transport)
    handler = _handler_of(transport)
    if handler is not None:
        return AsyncHandlerTransport(handler)
    raise ValidationError(
        "transport must be a flexconv AsyncTransport, an httpx.AsyncBaseTransport or an object "
        f"with handle(method, url, headers, body) such as the emulator; got {type(transport).__name__}"
    )
