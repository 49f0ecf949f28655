"""The plain ASGI plumbing of the loopback server: reading a request, writing an answer.

No server library is imported here; `flexconv.emulator.server` runs these on uvicorn.
"""

from __future__ import annotations

import asyncio
import urllib.parse
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from ._base import _TWILIO_HOST, EmuResponse

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def content_length(headers: dict[str, str]) -> int | None:
    raw = headers.get("content-length")
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        return None
    return value if value >= 0 else None


async def read_body(receive: Receive, limit: int) -> bytes | None:
    """The request body, or ``None`` once it grows past ``limit`` (the rest is never read)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message.get("type") == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        if chunk:
            chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def request_url(scope: Scope, headers: dict[str, str]) -> str:
    """The request's URL as the emulator sees it (``https`` for a ``*.twilio.com`` host)."""
    host = headers.get("host")
    if not host:
        server = scope.get("server") or ("127.0.0.1", 80)
        host = f"{server[0]}:{server[1]}"
    scheme = scope.get("scheme", "http")
    if _TWILIO_HOST.match(host.split(":")[0].lower()):
        scheme = "https"  # Twilio is only ever reached over https; its URLs say so
    raw = scope.get("raw_path")
    path = raw.decode("latin-1") if raw else quote_path(scope.get("path", "/"))
    url = f"{scheme}://{host}{path}"
    query = scope.get("query_string", b"")
    if query:
        url += "?" + query.decode("latin-1")
    return url


def quote_path(path: str) -> str:
    """``path`` percent-encoded as it travels in a request line."""
    return urllib.parse.quote(path, safe="/:@!$&'()*+,;=-._~")


async def respond(send: Send, resp: EmuResponse, request_id: str, *, close: bool = False) -> None:
    out = [(k.lower().encode("latin-1"), str(v).encode("latin-1")) for k, v in resp.headers.items()]
    out.append((b"content-length", str(len(resp.body)).encode()))
    out.append((b"twilio-request-id", request_id.encode()))
    if close:
        out.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": resp.status, "headers": out})
    await send({"type": "http.response.body", "body": resp.body})


async def lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def drop_connection(scope: Scope, send: Send) -> None:
    """Close the client's connection with no answer (uvicorn's transport, when reachable)."""
    cycle = getattr(send, "__self__", None)
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
    await send(
        {"type": "http.response.start", "status": 500, "headers": [(b"content-length", b"1")]}
    )
    raise ConnectionAbortedError("dropped connection fault")
