"""The exception hierarchy.  Every error flexconv raises derives from [`FlexConvError`][flexconv._core.errors.FlexConvError]."""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ConfigurationError",
    "ConflictError",
    "FlexConvError",
    "LockError",
    "LockLostError",
    "LockTimeoutError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ServerError",
    "ValidationError",
]


_USERINFO = re.compile(r"(?<=://)[^/@?#\s]*@")


def _hide_userinfo(url: str) -> str:
    """``url`` with any ``user:password@`` part replaced by ``***@`` (for reprs and messages)."""
    return _USERINFO.sub("***@", url)


class FlexConvError(Exception):
    """Base class of every flexconv error."""


class ValidationError(FlexConvError, ValueError):
    """Bad input, caught before anything was sent."""


class LockError(FlexConvError):
    """A shared lock could not be taken or kept."""


class LockTimeoutError(LockError, TimeoutError):
    """Another holder kept the lock for longer than the wait allowed; nothing was written."""


class LockLostError(LockError):
    """The lock expired (its time to live passed) before the write; nothing was written."""


class ClientClosedError(FlexConvError):
    """The client was used after it was closed."""


class ConfigurationError(FlexConvError):
    """Missing or malformed client configuration (credentials, region, edge)."""


class APIConnectionError(FlexConvError):
    """The request could not be completed at the network level.

    ``sent`` tells whether the request may have reached Twilio: retries never resend a
    non-idempotent request when it is true.
    """

    def __init__(
        self, message: str, *, method: str = "", url: str = "", sent: bool = False
    ) -> None:
        super().__init__(message)
        self.message = message
        self.method = method
        self.url = url
        self.sent = sent

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), (self.message,), self.__dict__))

    def __str__(self) -> str:
        where = f" ({self.method} {self.url})" if self.url else ""
        return f"{self.message}{where}"

    def __repr__(self) -> str:
        parts = [f"message={self.message!r}"]
        phase = getattr(self, "phase", None)
        if phase:
            parts.append(f"phase={phase!r}")
        if self.method:
            parts.append(f"method={self.method}")
        if self.url:
            parts.append(f"url={_hide_userinfo(self.url)}")
        parts.append(f"sent={self.sent}")
        return f"{type(self).__name__}({', '.join(parts)})"


class APITimeoutError(APIConnectionError):
    """A connect, read, write or pool timeout.  ``phase`` says which."""

    def __init__(
        self, message: str, *, phase: str, method: str = "", url: str = "", sent: bool = False
    ) -> None:
        super().__init__(message, method=method, url=url, sent=sent)
        self.phase = phase


class APIStatusError(FlexConvError):
    """Twilio answered with an error status.

    Carries the HTTP ``status``, Twilio's error ``code``, ``message`` and ``more_info``, the
    request ``method`` and full ``url``, the ``request_id`` (``Twilio-Request-Id``) when sent, and
    the decoded ``body``.  RFC 9457 problem bodies are understood (``detail`` becomes the message).
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        code: int | None = None,
        more_info: str | None = None,
        method: str = "",
        url: str = "",
        request_id: str | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.more_info = more_info
        self.method = method
        self.url = url
        self.request_id = request_id
        self.body = body
        self.headers = headers or {}

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), (self.message,), self.__dict__))

    def __str__(self) -> str:
        code = f" (Twilio error {self.code})" if self.code is not None else ""
        parts = [f"HTTP {self.status}{code}: {self.message}", f"{self.method} {self.url}"]
        if self.more_info:
            parts.append(f"more info: {self.more_info}")
        if self.request_id:
            parts.append(f"request id: {self.request_id}")
        return " | ".join(parts)

    def __repr__(self) -> str:
        """``NotFoundError(status=404, code=20404, message='…', method=GET, url=…)``: the
        status and Twilio code first; never the headers or credentials."""
        parts = [f"status={self.status}", f"code={self.code}", f"message={self.message!r}"]
        if self.method:
            parts.append(f"method={self.method}")
        if self.url:
            parts.append(f"url={_hide_userinfo(self.url)}")
        if self.request_id:
            parts.append(f"request_id={self.request_id}")
        return f"{type(self).__name__}({', '.join(parts)})"


class BadRequestError(APIStatusError):
    """400: Twilio rejected a parameter."""


class AuthenticationError(APIStatusError):
    """401: the credentials were not accepted."""


class PermissionDeniedError(APIStatusError):
    """403: the credentials may not do this."""


class NotFoundError(APIStatusError):
    """404: no such resource."""


class ConflictError(APIStatusError):
    """409 or 412: the resource changed or is in a conflicting state (ETag mismatch, 50416)."""


class RateLimitError(APIStatusError):
    """429: too many requests; ``retry_after`` holds the server's hint in seconds, if any."""

    @property
    def retry_after(self) -> float | None:
        """Seconds to wait, from ``Retry-After`` in seconds or as an HTTP date."""
        from flexconv._core.retry import parse_retry_after

        return parse_retry_after(self.headers.get("retry-after"))


class ServerError(APIStatusError):
    """5xx: Twilio failed."""


def _rebuild(cls: type[Exception], args: tuple[Any, ...], state: dict[str, Any]) -> Exception:
    err = cls.__new__(cls)
    Exception.__init__(err, *args)
    err.__dict__.update(state)
    return err


def status_error_class(status: int) -> type[APIStatusError]:
    """The exception class for an HTTP error status."""
    if status == 400:
        return BadRequestError
    if status == 401:
        return AuthenticationError
    if status == 403:
        return PermissionDeniedError
    if status == 404:
        return NotFoundError
    if status in (409, 412):
        return ConflictError
    if status == 429:
        return RateLimitError
    if status >= 500:
        return ServerError
    return APIStatusError
