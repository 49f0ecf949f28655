"""Plain ASGI and WSGI applications around a [`Receiver`][flexconv.events.Receiver].

No web framework is needed at run time.  Mount them where your framework takes an ASGI or WSGI
app:

```python
app.mount("/twilio", receiver.asgi())            # FastAPI / Starlette
app.wsgi_app = DispatcherMiddleware(app.wsgi_app, {"/twilio": receiver.wsgi()})  # Flask
```

Both refuse a body larger than ``receiver.max_body`` with 413, from ``Content-Length`` before
reading and while reading (a missing or lying length does not help).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flexconv.events.receiver import Receiver

__all__ = ["ASGIApp", "WSGIApp"]

_TOO_LARGE_BODY = b"Payload Too Large"
_STATUS = {
    200: "200 OK",
    204: "204 No Content",
    400: "400 Bad Request",
    403: "403 Forbidden",
    405: "405 Method Not Allowed",
    413: "413 Payload Too Large",
    500: "500 Internal Server Error",
    503: "503 Service Unavailable",
}

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]


def _content_length(value: str | bytes | None) -> int | None:
    if value is None:
        return None
    try:
        length = int(value)
    except ValueError:
        return -1
    return length if length >= 0 else -1


def _length_error(length: int, limit: int) -> tuple[int, list[tuple[str, str]], bytes]:
    if length > limit:
        return 413, [], _TOO_LARGE_BODY
    return 400, [], b"Bad Request: invalid Content-Length"


class ASGIApp:
    """The receiver as an ASGI 3 application (HTTP; lifespan events are acknowledged)."""

    def __init__(self, receiver: Receiver) -> None:
        self.receiver = receiver

    async def __call__(
        self,
        scope: Scope,
        receive: Callable[[], Awaitable[Message]],
        send: Callable[[Message], Awaitable[None]],
    ) -> None:
        """Serve one ASGI connection."""
        kind = scope["type"]
        if kind == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await self.receiver.aclose()
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if kind != "http":
            return
        limit = self.receiver.max_body
        headers: dict[str, str] = {}
        for raw_name, raw_value in scope.get("headers", ()):
            headers[raw_name.decode("latin-1").lower()] = raw_value.decode("latin-1")
        length = _content_length(headers.get("content-length"))
        if length is not None and (length < 0 or length > limit):
            await _asgi_send(send, *_length_error(length, limit))
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await _asgi_send(send, 413, [], _TOO_LARGE_BODY)
                return
            if chunk:
                chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        scheme = scope.get("scheme", "http")
        host = headers.get("host")
        if not host:
            server = scope.get("server")
            host = f"{server[0]}:{server[1]}" if server else "localhost"
        path = scope.get("path", "/")
        root = scope.get("root_path", "")
        if root and not path.startswith(root):
            path = root + path
        query = scope.get("query_string", b"")
        url = f"{scheme}://{host}{path}"
        if query:
            url += "?" + query.decode("latin-1")
        peer = scope.get("client")
        status, out_headers, out_body = await self.receiver.handle_async(
            scope.get("method", "GET"), url, headers, body, client=peer[0] if peer else None
        )
        await _asgi_send(send, status, out_headers, out_body)

    def __repr__(self) -> str:
        return f"ASGIApp({self.receiver!r})"


async def _asgi_send(
    send: Callable[[Message], Awaitable[None]],
    status: int,
    headers: Iterable[tuple[str, str]],
    body: bytes,
) -> None:
    raw = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers]
    if status != 204:
        raw.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body if status != 204 else b""})


class WSGIApp:
    """The receiver as a WSGI application (handlers run in the server's worker thread)."""

    def __init__(self, receiver: Receiver) -> None:
        self.receiver = receiver

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        """Serve one WSGI request."""
        from wsgiref.util import request_uri

        limit = self.receiver.max_body
        length = _content_length(environ.get("CONTENT_LENGTH") or None)
        if length is not None and (length < 0 or length > limit):
            return _wsgi_send(start_response, *_length_error(length, limit))
        stream = environ["wsgi.input"]
        if length is not None:
            body = stream.read(length) if length else b""
        else:  # no length (chunked): read until the end, never more than the limit + 1
            parts: list[bytes] = []
            size = 0
            while size <= limit:
                chunk = stream.read(min(65_536, limit + 1 - size))
                if not chunk:
                    break
                parts.append(chunk)
                size += len(chunk)
            body = b"".join(parts)
        if len(body) > limit:
            return _wsgi_send(start_response, 413, [], _TOO_LARGE_BODY)
        headers = {
            key[5:].replace("_", "-").lower(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        status, out_headers, out_body = self.receiver.handle(
            environ.get("REQUEST_METHOD", "GET"),
            request_uri(environ, include_query=True),
            headers,
            body,
            client=environ.get("REMOTE_ADDR"),
        )
        return _wsgi_send(start_response, status, out_headers, out_body)

    def __repr__(self) -> str:
        return f"WSGIApp({self.receiver!r})"


def _wsgi_send(
    start_response: Callable[..., Any],
    status: int,
    headers: Iterable[tuple[str, str]],
    body: bytes,
) -> list[bytes]:
    out = list(headers)
    if status != 204:
        out.append(("Content-Length", str(len(body))))
    start_response(_STATUS.get(status, f"{status} Status"), out)
    return [body] if status != 204 else []
