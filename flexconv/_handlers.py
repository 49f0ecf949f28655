"""In-process handler transports: the client calls a ``handle()`` function (the emulator's) instead
of opening sockets.  Re-exported from `flexconv._transport`, where the transports are chosen.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from flexconv._concurrency import async_sleep
from flexconv._core.errors import APIConnectionError, APITimeoutError
from flexconv._core.operation import RawResponse, RequestSpec

if TYPE_CHECKING:
    from flexconv._transport import Timeout

__all__ = ["AsyncHandlerTransport", "Handler", "HandlerTransport"]

#: ``handle(method, url, headers, body)`` returning an object with ``status``, ``headers``,
#: ``body`` and optionally ``delay`` (the emulator's shape); it may raise an exception with a
#: ``before_send`` attribute to model a dropped connection.
Handler = Callable[[str, str, Mapping[str, str], bytes], Any]


def _call_handler(handler: Handler, request: RequestSpec) -> tuple[RawResponse, float]:
    try:
        resp = handler(request.method, request.url, request.headers, request.content or b"")
    except Exception as exc:
        before = getattr(exc, "before_send", None)
        if before is None:
            raise
        raise APIConnectionError(
            "Connection dropped", method=request.method, url=request.url, sent=not before
        ) from exc
    headers = {str(k).lower(): str(v) for k, v in resp.headers.items()}  # the handler's own dict
    raw = RawResponse(int(resp.status), headers, bytes(resp.body))
    return raw, float(getattr(resp, "delay", 0.0) or 0.0)


def late_error(request: RequestSpec) -> APITimeoutError:
    """The timeout error for a response that came later than ``Timeout.read``."""
    return APITimeoutError(
        "Timed out reading the response",
        phase="read",
        sent=True,
        method=request.method,
        url=request.url,
    )


class HandlerTransport:
    """Sync transport that calls an in-process handler (the emulator): no sockets."""

    def __init__(self, handler: Handler) -> None:
        self._handler = handler

    def send(self, request: RequestSpec, timeout: Timeout) -> RawResponse:
        raw, delay = _call_handler(self._handler, request)
        if delay:
            time.sleep(min(delay, timeout.read))
            if delay > timeout.read:
                raise late_error(request)
        return raw

    def close(self) -> None:
        return None


class AsyncHandlerTransport:
    """Async transport that calls an in-process handler (the emulator): no sockets."""

    def __init__(self, handler: Handler) -> None:
        self._handler = handler

    async def send(self, request: RequestSpec, timeout: Timeout) -> RawResponse:
        raw, delay = _call_handler(self._handler, request)
        if delay:
            await async_sleep(min(delay, timeout.read))
            if delay > timeout.read:
                raise late_error(request)
        return raw

    async def aclose(self) -> None:
        return None


def _handler_of(obj: Any) -> Handler | None:
    handle = getattr(obj, "handle", None)
    if callable(handle):
        return handle  # type: ignore[no-any-return]
    return None
