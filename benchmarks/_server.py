"""A loopback HTTP server in its own process, shared by the benchmarks.

The server runs in a child process (``multiprocessing`` with the ``spawn`` start method) so that
it never competes with the measured client for the GIL, binds ``127.0.0.1`` on a free port and
reports that port back before :class:`LoopbackServer` returns.  Two kinds of server:

``LoopbackServer.static(routes)``
    A minimal asyncio HTTP/1.1 server answering ``GET`` (and any other method) on a fixed set of
    paths with prebuilt responses.  Its per-request cost is a few microseconds, so nearly all of
    the time a benchmark measures is the client's; a heavier server would add the same constant to
    every variant and pull every ratio towards 1.  Keep-alive, pipelining and request bodies sent
    with ``Content-Length`` are handled; chunked request bodies are not (no client here sends one).

``LoopbackServer.asgi("package.module:factory")``
    Any ASGI application served by uvicorn (for instance the emulator's loopback app): the factory
    is imported and called in the child, so it needs no pickling.

Use either as a context manager::

    with LoopbackServer.static({"/v1/Configuration": json_response(body)}) as server:
        httpx.get(server.url + "/v1/Configuration")
"""

from __future__ import annotations

import asyncio
import importlib
import multiprocessing
import socket
from collections.abc import Mapping
from typing import Any

__all__ = ["LoopbackServer", "json_response"]

_REASONS = {200: "OK", 401: "Unauthorized", 404: "Not Found", 405: "Method Not Allowed"}


def json_response(
    body: bytes, status: int = 200, headers: Mapping[str, str] | None = None
) -> bytes:
    """The bytes of a complete HTTP/1.1 response carrying a JSON ``body``."""
    lines = [
        f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}",
        "Content-Type: application/json; charset=utf-8",
        f"Content-Length: {len(body)}",
        "Connection: keep-alive",
    ]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


_NOT_FOUND = json_response(
    b'{"code": 20404, "message": "The requested resource was not found", '
    b'"more_info": "https://www.twilio.com/docs/errors/20404", "status": 404}',
    404,
)
_UNAUTHORIZED = json_response(
    b'{"code": 20003, "message": "Authenticate", '
    b'"more_info": "https://www.twilio.com/docs/errors/20003", "status": 401}',
    401,
)


class _StaticProtocol(asyncio.Protocol):
    """One connection: parse requests off the buffer, answer each from the route table."""

    def __init__(self, routes: Mapping[str, bytes], authorization: str | None) -> None:
        self._routes = routes
        self._auth = authorization.encode("latin-1") if authorization else None
        self._buf = b""
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data: bytes) -> None:
        self._buf += data
        out: list[bytes] = []
        close = False
        while True:
            end = self._buf.find(b"\r\n\r\n")
            if end < 0:
                break
            head = self._buf[:end].split(b"\r\n")
            length = 0
            authorization = None
            for line in head[1:]:
                name, _, value = line.partition(b":")
                name = name.strip().lower()
                if name == b"content-length":
                    length = int(value)
                elif name == b"authorization":
                    authorization = value.strip()
                elif name == b"connection" and value.strip().lower() == b"close":
                    close = True
            if len(self._buf) < end + 4 + length:
                break  # the body is still arriving
            self._buf = self._buf[end + 4 + length :]
            parts = head[0].split(b" ")
            path = parts[1].split(b"?", 1)[0].decode("latin-1") if len(parts) > 1 else ""
            if self._auth is not None and authorization != self._auth:
                out.append(_UNAUTHORIZED)
            else:
                out.append(self._routes.get(path, _NOT_FOUND))
            if close:
                break
        if out and self._transport is not None:
            self._transport.write(b"".join(out))
            if close:
                self._transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self._transport = None


def _bind() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    sock.set_inheritable(True)
    return sock


def _serve_static(conn: Any, routes: Mapping[str, bytes], authorization: str | None) -> None:
    async def main() -> None:
        sock = _bind()
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: _StaticProtocol(routes, authorization), sock=sock)
        conn.send(sock.getsockname()[1])
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def _serve_asgi(conn: Any, factory: str, kwargs: Mapping[str, Any]) -> None:
    import uvicorn

    module, _, name = factory.partition(":")
    app = getattr(importlib.import_module(module), name)(**kwargs)
    sock = _bind()
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class NoDelay(H11Protocol):  # type: ignore[misc]
        """TCP_NODELAY per connection, or Nagle adds ~40 ms to every response."""

        def connection_made(self, transport: Any) -> None:
            transport.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            super().connection_made(transport)

    config = uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="off", http=NoDelay
    )
    server = uvicorn.Server(config)
    conn.send(sock.getsockname()[1])
    server.run(sockets=[sock])


class LoopbackServer:
    """A server in a child process on ``127.0.0.1``; ``port`` and ``url`` once started."""

    def __init__(self, target: Any, *args: Any) -> None:
        self._target = target
        self._args = args
        self._process: multiprocessing.process.BaseProcess | None = None
        self.port = 0

    @classmethod
    def static(
        cls, routes: Mapping[str, bytes], *, authorization: str | None = None
    ) -> LoopbackServer:
        """Prebuilt responses by path (query strings ignored); 404 elsewhere.

        With ``authorization``, a request whose ``Authorization`` header differs gets a 401.
        """
        return cls(_serve_static, dict(routes), authorization)

    @classmethod
    def asgi(cls, factory: str, **kwargs: Any) -> LoopbackServer:
        """The ASGI app returned by ``factory`` (``"module:callable"``) called with ``kwargs``."""
        return cls(_serve_asgi, factory, kwargs)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> LoopbackServer:
        ctx = multiprocessing.get_context("spawn")
        parent, child = ctx.Pipe(duplex=False)
        self._process = ctx.Process(
            target=self._target, args=(child, *self._args), daemon=True, name="loopback-server"
        )
        self._process.start()
        child.close()
        if not parent.poll(timeout):
            self.stop()
            raise RuntimeError(f"the loopback server did not start within {timeout:.0f}s")
        self.port = int(parent.recv())
        parent.close()
        return self

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.join(5)
            if self._process.is_alive():
                self._process.kill()
                self._process.join()
            self._process = None

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
