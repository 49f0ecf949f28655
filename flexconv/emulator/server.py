"""The loopback server: the emulator over real HTTP on 127.0.0.1 (starlette + uvicorn).

    with ServerThread(emu) as server:           # port 0: the OS picks a free port
        base = server.url                       # e.g. "http://127.0.0.1:53124"
        # conversations at f"{base}/conversations/v1/...", Flex at f"{base}/flex-api/v1/...",
        # or send any path with a Host header such as "conversations.twilio.com"

    serve(emu, port=8080)                       # blocking, for ``flexconv emulator serve``

Every request goes to ``emu.handle`` (in a worker thread, so webhooks the emulator sends may call
back into the server).  A latency fault's ``delay`` is slept with ``asyncio.sleep``; a dropped
connection fault closes the connection without an answer.  The state is the in-process
emulator's: what a test does through ``emu`` and through HTTP is the same account.

starlette and uvicorn come with the ``emulator`` extra (``pip install flexconv[emulator]``).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ._base import DroppedConnection

if TYPE_CHECKING:
    from .emulator import Emulator

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_RAW_SEND = "flexconv.raw_send"
_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


def _missing(exc: ImportError) -> RuntimeError:
    return RuntimeError(
        "The emulator's loopback server needs starlette and uvicorn: "
        "pip install 'flexconv[emulator]'"
        f" ({exc})"
    )


def create_app(emu: Emulator) -> ASGIApp:
    """An ASGI application that hands every request to ``emu.handle``."""
    try:
        from starlette.applications import Starlette
        from starlette.concurrency import run_in_threadpool
        from starlette.requests import Request
        from starlette.responses import Response
        from starlette.routing import Route
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise _missing(exc) from exc

    async def endpoint(request: Request) -> Response:
        body = await request.body()
        headers = {k: v for k, v in request.headers.items()}
        host = headers.get("host") or f"{request.url.hostname}:{request.url.port}"
        url = f"{request.url.scheme}://{host}{request.url.path}"
        if request.url.query:
            url += f"?{request.url.query}"
        try:
            resp = await run_in_threadpool(emu.handle, request.method, url, headers, body)
        except DroppedConnection as drop:
            if not drop.before_send:
                await asyncio.sleep(0)
            await _drop(request.scope)
            return Response(status_code=599)
        if resp.delay > 0:
            await asyncio.sleep(resp.delay)
        return Response(content=resp.body, status_code=resp.status, headers=resp.headers)

    app = Starlette(routes=[Route("/{path:path}", endpoint, methods=_METHODS)])

    async def outer(scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") == "http":
            scope[_RAW_SEND] = send
        await app(scope, receive, send)

    return outer


async def _drop(scope: Scope) -> None:
    """Close the client's connection with no answer (uvicorn's transport, when reachable)."""
    raw_send = scope.get(_RAW_SEND)
    cycle = getattr(raw_send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is not None:
        transport.close()
        # let the server notice the disconnect, so it sends nothing for this request
        for _ in range(5):
            await asyncio.sleep(0)
            if getattr(cycle, "disconnected", False):
                break
        return
    # Another server: start a response promising a body, then stop; the client sees a broken
    # connection rather than an answer.
    if raw_send is not None:
        await raw_send(
            {"type": "http.response.start", "status": 500, "headers": [(b"content-length", b"1")]}
        )
        raise ConnectionAbortedError("dropped connection fault")


def _uvicorn() -> Any:
    try:
        import uvicorn
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise _missing(exc) from exc
    return uvicorn


def serve(
    emu: Emulator,
    host: str = "127.0.0.1",
    port: int = 8080,
    *,
    auto_tick: bool | None = None,
    log_level: str = "warning",
) -> None:
    """Serve ``emu`` over HTTP until interrupted (blocking).

    ``auto_tick`` sets `Emulator.auto_tick` (run due timers before each request), which
    code that polls an interaction channel usually wants.
    """
    uvicorn = _uvicorn()
    if auto_tick is not None:
        emu.auto_tick = auto_tick
    uvicorn.run(
        create_app(emu),
        host=host,
        port=port,
        log_level=log_level,
        lifespan="off",
        http=_nodelay_protocol(),
    )


def _nodelay_protocol() -> Any:
    """uvicorn's h11 protocol with ``TCP_NODELAY`` on each accepted connection.

    Without it the response's head and body leave as two small writes, Nagle holds the second
    until the client's delayed ACK, and every request takes about 40 ms on loopback.
    """
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class NoDelayH11Protocol(H11Protocol):
        def connection_made(self, transport: Any) -> None:
            sock = transport.get_extra_info("socket")
            if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            super().connection_made(transport)

    return NoDelayH11Protocol


class ServerThread:
    """The loopback server on 127.0.0.1 in a background thread; a context manager.

    ``port=0`` lets the OS choose a free port; `url` tells which.  `stop()` (or leaving
    the ``with`` block) shuts uvicorn down and joins the thread.
    """

    def __init__(
        self,
        emu: Emulator,
        port: int = 0,
        *,
        host: str = "127.0.0.1",
        auto_tick: bool | None = None,
        log_level: str = "warning",
        startup_timeout: float = 10.0,
    ) -> None:
        self.emu = emu
        self.host = host
        self._requested_port = port
        self._auto_tick = auto_tick
        self._log_level = log_level
        self._startup_timeout = startup_timeout
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None
        self.port: int | None = None

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>`` (no trailing slash)."""
        if self.port is None:
            raise RuntimeError("the server is not running")
        return f"http://{self.host}:{self.port}"

    def product_url(self, product: str) -> str:
        """The base URL of one product through the path prefix, e.g. ``…/conversations``."""
        return f"{self.url}/{product}"

    def start(self) -> ServerThread:
        if self._thread is not None:
            return self
        uvicorn = _uvicorn()
        if self._auto_tick is not None:
            self.emu.auto_tick = self._auto_tick
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self._requested_port))
        self._sock = sock
        self.port = int(sock.getsockname()[1])
        config = uvicorn.Config(
            create_app(self.emu),
            log_level=self._log_level,
            lifespan="off",
            access_log=False,
            http=_nodelay_protocol(),
        )
        server = uvicorn.Server(config)
        self._server = server
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="flexconv-emulator", daemon=True
        )
        self._thread = thread
        thread.start()
        deadline = threading.Event()
        waited = 0.0
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the emulator's loopback server failed to start")
            deadline.wait(0.01)
            waited += 0.01
            if waited > self._startup_timeout:
                self.stop()
                raise RuntimeError("the emulator's loopback server did not start in time")
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.close()
        self._server = self._thread = self._sock = None
        self.port = None

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
