"""The loopback server: the emulator over real HTTP on 127.0.0.1 (a plain ASGI app + uvicorn).

    with ServerThread(emu) as server:           # port 0: the OS picks a free port
        base = server.url                       # e.g. "http://127.0.0.1:53124"
        # conversations at f"{base}/conversations/v1/...", Flex at f"{base}/flex-api/v1/...",
        # or send any path with a Host header such as "conversations.twilio.com"

    serve(emu, port=8080, clock="wall")         # blocking, for ``flexconv emulator serve``

Every request goes to ``emu.handle``; the state is the in-process emulator's, so what a test does
through ``emu`` and through HTTP is the same account.  How a request travels:

- Credentials are checked from the headers **before the body is read**: a request without the
  account's HTTP Basic credentials gets 401 (Twilio's 20003) and its body is never buffered.  A
  body larger than ``max_body`` gets 413 in Twilio's error shape, also without being buffered.
- A ``GET`` is answered on the event loop when the emulator's lock is free and nothing is due on
  the clock (``Emulator.handle_if_idle``); anything else runs in a worker thread, so webhooks
  the emulator sends may call back into the server (a receiver calling the API while handling a
  delivery does not deadlock).
- As Twilio does, a request is answered before the webhooks it caused are sent: they wait
  (``WebhookEmitter.deferring``) until the answer is written, then go out from a worker thread.
  Pre-action webhooks, whose answer the action needs, still go out before it is applied.
- Every response carries a ``Twilio-Request-Id`` (``RQ`` + 32 hex digits).  A request that reached
  the server with a ``*.twilio.com`` Host header is answered as Twilio would be: every URL in the
  answer (``url``, ``links``, ``next_page_url``) says ``https://``.
- A body that is not UTF-8, JSON nested too deeply, or an unexpected failure answers in Twilio's
  error shape (400, or 500 with 20500), never a plain-text page.
- A latency fault's ``delay`` is slept with ``asyncio.sleep``; a dropped connection fault closes
  the connection without an answer.
- Paths under ``/_emulator/v1/`` are the control API (``flexconv.emulator.control_api``):
  the clock, simulated customers and agents, seeding, faults and webhook delivery over HTTP.

The virtual clock is driven by a ``flexconv.emulator.control_api.ClockDriver``:
``clock="wall"`` makes it follow the wall clock (``speed`` times as fast) so that Flex's
asynchronous set-up, routing, timeouts and timers happen on their own; ``"manual"`` (the default
of ``ServerThread``) leaves it to ``emu.advance`` and the control API.

uvicorn comes with the ``emulator`` extra (``pip install 'flexconv[emulator]'``, which also brings
httptools and uvloop: the server uses them when they are installed).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import random
import socket
import threading
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ._asgi import (
    Receive,
    Scope,
    Send,
    content_length,
    drop_connection,
    lifespan,
    read_body,
    request_url,
    respond,
)
from ._base import ApiError, DroppedConnection, EmuResponse
from .control_api import CONTROL_PREFIX, ClockDriver, ClockMode, ControlApi
from .webhooks import Gate

if TYPE_CHECKING:
    from .emulator import Emulator


#: The default cap on a request body (bytes); larger bodies are refused with 413.
MAX_BODY = 4 * 1024 * 1024

_log = logging.getLogger("flexconv.emulator")


def _missing(exc: ImportError) -> RuntimeError:
    return RuntimeError(
        f"The emulator's loopback server needs uvicorn: pip install 'flexconv[emulator]' ({exc})"
    )


def _unauthenticated() -> EmuResponse:
    resp = ApiError(401, 20003, "Authenticate").response()
    resp.headers["WWW-Authenticate"] = 'Basic realm="Twilio API"'
    return resp


def _too_large(limit: int) -> EmuResponse:
    return ApiError(
        413, 20413, f"Request Entity Too Large: the body exceeds {limit} bytes"
    ).response()


class EmulatorApp:
    """The ASGI application serving one emulator (see the module docs).

    ``max_body`` caps request bodies (bytes).  ``clock`` is the ``ClockDriver`` the control
    API reports and configures (a manual one by default).  ``workers`` bounds the threads that run
    requests which cannot be answered on the event loop.  ``close`` stops the clock driver
    and the worker threads.
    """

    def __init__(
        self,
        emu: Emulator,
        *,
        max_body: int = MAX_BODY,
        clock: ClockDriver | None = None,
        workers: int = 32,
    ) -> None:
        self.emu = emu
        self.max_body = max_body
        self.clock = clock if clock is not None else ClockDriver(emu)
        self.control = ControlApi(emu, self.clock)
        self._executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix="flexconv-emulator"
        )
        self._rng = random.Random()

    def close(self) -> None:
        """Stop the clock driver and the worker threads."""
        self.clock.stop()
        self._executor.shutdown(wait=False, cancel_futures=True)

    def request_id(self) -> str:
        """A fresh ``Twilio-Request-Id`` (``RQ`` + 32 hex digits)."""
        return "RQ%032x" % self._rng.getrandbits(128)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope.get("type")
        if kind == "lifespan":
            await lifespan(receive, send)
            return
        if kind != "http":
            return
        request_id = self.request_id()
        headers: dict[str, str] = {}
        for name, value in scope.get("headers", ()):
            key = name.decode("latin-1").lower()
            text = value.decode("latin-1")
            headers[key] = f"{headers[key]}, {text}" if key in headers else text
        method: str = scope.get("method", "GET")
        has_body = "transfer-encoding" in headers or headers.get("content-length", "0") != "0"
        if not self.emu.authenticated(headers):
            await respond(send, _unauthenticated(), request_id, close=has_body)
            return
        length = content_length(headers)
        if length is None and "content-length" in headers:
            bad = ApiError(400, 20001, "Invalid Content-Length header").response()
            await respond(send, bad, request_id, close=True)
            return
        if length is not None and length > self.max_body:
            await respond(send, _too_large(self.max_body), request_id, close=True)
            return
        body = b""
        if has_body:
            read = await read_body(receive, self.max_body)
            if read is None:
                await respond(send, _too_large(self.max_body), request_id, close=True)
                return
            body = read
        url = request_url(scope, headers)
        gate = Gate()  # what this request raises is sent once it has been answered
        try:
            resp = await self._answer(scope, method, url, headers, body, gate)
        except DroppedConnection as drop:
            if not drop.before_send:
                await asyncio.sleep(0)
            await drop_connection(scope, send)
            await self._deliver_after(gate)
            return
        except BaseException:
            self.emu.webhooks.release(gate)
            raise
        try:
            if resp.delay > 0:
                await asyncio.sleep(resp.delay)
            await respond(send, resp, request_id)
        finally:
            await self._deliver_after(gate)

    async def _deliver_after(self, gate: Gate) -> None:
        """Open ``gate`` (its request is answered) and send what may go now, off the loop."""
        webhooks = self.emu.webhooks
        webhooks.release(gate)
        if webhooks.paused or not webhooks.pending():
            return
        loop = asyncio.get_running_loop()
        with contextlib.suppress(RuntimeError):  # shutting down: they stay queued
            await loop.run_in_executor(self._executor, webhooks.send_ready)

    async def _answer(
        self,
        scope: Scope,
        method: str,
        url: str,
        headers: dict[str, str],
        body: bytes,
        gate: Gate,
    ) -> EmuResponse:
        emu = self.emu
        path: str = scope.get("path", "/")
        if path.startswith(CONTROL_PREFIX):
            answer: EmuResponse = await self._in_thread(
                self.control.handle, method, url, headers, body
            )
            return answer
        if body and "json" not in headers.get("content-type", ""):
            try:
                body.decode("utf-8")
            except UnicodeDecodeError:
                return ApiError(
                    400, 20001, "Invalid request body: form parameters must be UTF-8"
                ).response()
        try:
            with emu.webhooks.deferring(gate):
                resp = emu.handle_if_idle(method, url, headers, body)
        except (DroppedConnection, ApiError):
            raise
        except RecursionError:
            return _too_deep()
        except Exception:
            _log.exception("the emulator failed on %s %s", method, path)
            return _internal_error()
        if resp is not None:
            return resp
        handled: EmuResponse = await self._in_thread(
            self._handle_deferred, gate, method, url, headers, body
        )
        return handled

    def _handle_deferred(
        self, gate: Gate, method: str, url: str, headers: dict[str, str], body: bytes
    ) -> EmuResponse:
        with self.emu.webhooks.deferring(gate):
            return self.emu.handle(method, url, headers, body)

    async def _in_thread(self, fn: Callable[..., Any], *args: Any) -> Any:
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor, fn, *args)
        except (DroppedConnection, ApiError):
            raise
        except RecursionError:
            return _too_deep()
        except Exception:
            _log.exception("the emulator failed")
            return _internal_error()


def create_app(
    emu: Emulator, *, max_body: int = MAX_BODY, clock: ClockDriver | None = None
) -> EmulatorApp:
    """An ASGI application that hands every request to ``emu.handle`` (see the module docs)."""
    return EmulatorApp(emu, max_body=max_body, clock=clock)


def _too_deep() -> EmuResponse:
    return ApiError(400, 20001, "Invalid JSON: nested too deeply").response()


def _internal_error() -> EmuResponse:
    return ApiError(500, 20500, "Internal Server Error").response()


def _uvicorn() -> Any:
    try:
        import uvicorn
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise _missing(exc) from exc
    return uvicorn


def _nodelay_protocol() -> Any:
    """uvicorn's HTTP protocol (httptools when installed, else h11) with ``TCP_NODELAY``.

    Without it the response's head and body may leave as two small writes, Nagle holds the second
    until the client's delayed ACK, and a request takes about 40 ms on loopback.
    """
    base: Any
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

        base = HttpToolsProtocol
    except ImportError:
        from uvicorn.protocols.http.h11_impl import H11Protocol

        base = H11Protocol

    class NoDelayProtocol(base):  # type: ignore[misc]
        def connection_made(self, transport: Any) -> None:
            sock = transport.get_extra_info("socket")
            if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
                with contextlib.suppress(OSError):
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            super().connection_made(transport)

    return NoDelayProtocol


def _loop_setting() -> str:
    """uvicorn's event loop: uvloop when installed, else asyncio.

    uvicorn 0.36 and later build the loop from a factory (no process-wide loop policy), so a
    `ServerThread` leaves the rest of the process on its own event loop.
    """
    try:
        import uvloop  # noqa: F401
    except ImportError:
        return "asyncio"
    return "uvloop"


def _config(uvicorn: Any, app: EmulatorApp, log_level: str, **kw: Any) -> Any:
    return uvicorn.Config(
        app,
        log_level=log_level,
        lifespan="off",
        access_log=False,
        server_header=False,
        http=_nodelay_protocol(),
        loop=_loop_setting(),
        **kw,
    )


def serve(
    emu: Emulator,
    host: str = "127.0.0.1",
    port: int = 8080,
    *,
    clock: ClockMode = "wall",
    speed: float = 1.0,
    auto_tick: bool | None = None,
    max_body: int = MAX_BODY,
    log_level: str = "warning",
) -> None:
    """Serve ``emu`` over HTTP until interrupted (blocking).

    ``clock="wall"`` (the default here) starts the virtual clock at the current time and moves it
    with the wall clock, ``speed`` times as fast; ``"manual"`` leaves it to the control API
    (``POST /_emulator/v1/Clock/Advance``).  ``auto_tick`` sets ``Emulator.auto_tick`` (run
    what is due before each request).
    """
    uvicorn = _uvicorn()
    if auto_tick is not None:
        emu.auto_tick = auto_tick
    driver = ClockDriver(emu, clock, speed=speed, from_now=clock == "wall")
    app = EmulatorApp(emu, max_body=max_body, clock=driver)
    driver.start()
    try:
        uvicorn.Server(_config(uvicorn, app, log_level, host=host, port=port)).run()
    finally:
        app.close()


class ServerThread:
    """The loopback server on 127.0.0.1 in a background thread; a context manager.

    ``port=0`` lets the OS choose a free port; ``url`` tells which.  ``clock`` is ``"manual"``
    by default (tests move time with ``emu.advance``); ``"wall"`` moves it with the wall clock,
    ``speed`` times as fast.  ``stop`` (or leaving the ``with`` block) shuts uvicorn down and
    joins the thread.
    """

    def __init__(
        self,
        emu: Emulator,
        port: int = 0,
        *,
        host: str = "127.0.0.1",
        auto_tick: bool | None = None,
        clock: ClockMode = "manual",
        speed: float = 1.0,
        max_body: int = MAX_BODY,
        log_level: str = "warning",
        startup_timeout: float = 10.0,
    ) -> None:
        self.emu = emu
        self.host = host
        self._requested_port = port
        self._auto_tick = auto_tick
        self._clock_mode: ClockMode = clock
        self._speed = speed
        self._max_body = max_body
        self._log_level = log_level
        self._startup_timeout = startup_timeout
        self._server: Any = None
        self._app: EmulatorApp | None = None
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None
        self.port: int | None = None

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>`` (no trailing slash)."""
        if self.port is None:
            raise RuntimeError("the server is not running")
        return f"http://{self.host}:{self.port}"

    @property
    def clock(self) -> ClockDriver:
        """The clock driver (mode, speed) of the running server."""
        if self._app is None:
            raise RuntimeError("the server is not running")
        return self._app.clock

    def product_url(self, product: str) -> str:
        """The base URL of one product through the path prefix, e.g. ``…/conversations``."""
        return f"{self.url}/{product}"

    def start(self) -> ServerThread:
        """Bind, start uvicorn in a daemon thread and wait until it accepts connections."""
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
        driver = ClockDriver(self.emu, self._clock_mode, speed=self._speed)
        app = EmulatorApp(self.emu, max_body=self._max_body, clock=driver)
        self._app = app
        server = uvicorn.Server(_config(uvicorn, app, self._log_level))
        self._server = server
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="flexconv-emulator", daemon=True
        )
        self._thread = thread
        thread.start()
        waiter = threading.Event()
        waited = 0.0
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the emulator's loopback server failed to start")
            waiter.wait(0.01)
            waited += 0.01
            if waited > self._startup_timeout:
                self.stop()
                raise RuntimeError("the emulator's loopback server did not start in time")
        driver.start()
        return self

    def stop(self) -> None:
        """Shut the server down and join its thread."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._app is not None:
            self._app.close()
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.close()
        self._server = self._thread = self._sock = self._app = None
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


__all__ = ["MAX_BODY", "EmulatorApp", "ServerThread", "create_app", "serve"]
