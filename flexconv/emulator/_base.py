"""Building blocks shared by every product the emulator models.

Requests and responses as plain values, Twilio-shaped errors, a router keyed by product and
path template, deterministic SIDs, Twilio-style paging, a virtual clock and an in-process
event bus.  Nothing here knows about HTTP libraries or about the flexconv client.
"""

from __future__ import annotations

import base64
import heapq
import itertools
import json
import random
import re
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from typing import Any

#: Product keys: the first label of each product's hostname.
PRODUCTS: tuple[str, ...] = (
    "flex-api",
    "conversations",
    "taskrouter",
    "studio",
    "messaging",
    "api",
    # Not in the bundled OpenAPI specs: the Media Content Service (media uploads) and Monitor
    # (the account's alerts).
    "mcs",
    "monitor",
)

_TWILIO_HOST = re.compile(r"^(?P<product>[a-z0-9-]+)(\.[a-z0-9-]+)*\.twilio\.com$")


class ApiError(Exception):
    """An error the emulator answers with Twilio's error body."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def response(self) -> EmuResponse:
        """The Twilio-shaped error response for this error."""
        return EmuResponse.json(
            self.status,
            {
                "code": self.code,
                "message": self.message,
                "more_info": f"https://www.twilio.com/docs/errors/{self.code}",
                "status": self.status,
            },
        )


class DroppedConnection(Exception):
    """The connection drops (a fault).  ``before_send`` tells whether the request reached the server."""

    def __init__(self, *, before_send: bool) -> None:
        super().__init__(
            "connection dropped "
            + ("before the request was sent" if before_send else "after the request was sent")
        )
        self.before_send = before_send


def not_found(what: str) -> ApiError:
    """Twilio's 20404 for a resource that does not exist."""
    return ApiError(404, 20404, f"The requested resource {what} was not found")


def bad_request(message: str, code: int = 20001) -> ApiError:
    """Twilio's 400 with an invalid-parameter code."""
    return ApiError(400, code, message)


@dataclass
class EmuResponse:
    """A response as plain values."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    #: Seconds the response takes to arrive (a latency fault); the transport waits, and a read
    #: timeout shorter than this fails the call after the request was sent.
    delay: float = 0.0

    @classmethod
    def json(
        cls, status: int, payload: Any, headers: Mapping[str, str] | None = None
    ) -> EmuResponse:
        hdrs = {"content-type": "application/json"}
        if headers:
            hdrs.update(headers)
        return cls(status, hdrs, json.dumps(payload, separators=(",", ":")).encode())

    def parsed(self) -> Any:
        """The JSON body, decoded (a convenience for tests)."""
        return json.loads(self.body) if self.body else None


@dataclass
class EmuRequest:
    """A request as plain values, already split into product and path."""

    method: str
    product: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes
    #: The URL prefix under which this product was reached; generated URLs start with it.
    base_url: str
    #: The account SID from HTTP Basic auth (API key requests resolve to the emulator's account).
    username: str | None = None
    params: dict[str, str] = field(default_factory=dict)
    _form: dict[str, list[str]] | None = None

    @property
    def url(self) -> str:
        qs = urllib.parse.urlencode(self.query)
        return f"{self.base_url}{self.path}" + (f"?{qs}" if qs else "")

    def form(self) -> dict[str, list[str]]:
        """The form-encoded body as name -> list of values (lists are repeated keys)."""
        if self._form is None:
            ctype = self.headers.get("content-type", "")
            if self.body and "json" not in ctype:
                parsed = urllib.parse.parse_qs(self.body.decode(), keep_blank_values=True)
                self._form = parsed
            else:
                self._form = {}
        return self._form

    def value(self, name: str, default: str | None = None) -> str | None:
        """The last value of a form parameter, or ``default``."""
        values = self.form().get(name)
        return values[-1] if values else default

    def values(self, name: str) -> list[str]:
        """Every value of a repeated form parameter."""
        return list(self.form().get(name, []))

    def has(self, name: str) -> bool:
        return name in self.form()

    def bool_value(self, name: str, default: bool | None = None) -> bool | None:
        raw = self.value(name)
        if raw is None:
            return default
        if raw.lower() in ("true", "false"):
            return raw.lower() == "true"
        raise bad_request(f"Invalid boolean for {name}: {raw!r} (expected true or false)")

    def json_value(self, name: str) -> Any:
        """A form parameter that carries a JSON document (Attributes, Channel, Routing...)."""
        raw = self.value(name)
        if raw is None:
            return None
        try:
            return json.loads(raw)
        except ValueError:
            raise bad_request(f"Invalid JSON for {name}") from None

    def json(self) -> Any:
        """A JSON request body."""
        if not self.body:
            return None
        try:
            return json.loads(self.body)
        except ValueError:
            raise bad_request("The request body is not valid JSON") from None

    def q(self, name: str, default: str | None = None) -> str | None:
        """The last value of a query parameter."""
        found = [v for k, v in self.query if k == name]
        return found[-1] if found else default

    def qs(self, name: str) -> list[str]:
        return [v for k, v in self.query if k == name]


def split_url(method: str, url: str, headers: Mapping[str, str], body: bytes) -> EmuRequest:
    """Turn a raw request into an `EmuRequest`.

    The product comes from the Host (``flex-api.twilio.com``, also with edge and region labels)
    or, for any other host, from the first path segment (``http://127.0.0.1:8080/flex-api/v1/...``).
    """
    parts = urllib.parse.urlsplit(url)
    lower = {k.lower(): v for k, v in headers.items()}
    host = (lower.get("host") or parts.netloc).split(":")[0].lower()
    path = urllib.parse.unquote(parts.path) or "/"
    match = _TWILIO_HOST.fullmatch(host)
    if match and match.group("product") in PRODUCTS:
        product = match.group("product")
        base = f"{parts.scheme or 'https'}://{parts.netloc or host}"
    else:
        segs = path.lstrip("/").split("/", 1)
        product = segs[0]
        path = "/" + (segs[1] if len(segs) > 1 else "")
        base = f"{parts.scheme or 'http'}://{parts.netloc or host}/{product}"
    username = None
    auth = lower.get("authorization", "")
    if auth.lower().startswith("basic "):
        try:
            username = base64.b64decode(auth[6:]).decode().split(":", 1)[0]
        except (ValueError, UnicodeDecodeError):
            username = None
    return EmuRequest(
        method=method.upper(),
        product=product,
        path=path,
        query=urllib.parse.parse_qsl(parts.query, keep_blank_values=True),
        headers=lower,
        body=body,
        base_url=base,
        username=username,
    )


Handler = Callable[[EmuRequest], EmuResponse]


class Router:
    """Routes by product and a Twilio path template such as ``/v1/Conversations/{Sid}``."""

    def __init__(self) -> None:
        self._routes: list[tuple[str, str, re.Pattern[str], str, Handler]] = []

    def add(self, method: str, product: str, template: str, handler: Handler) -> None:
        pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
        self._routes.append(
            (method.upper(), product, re.compile(f"^{pattern}$"), template, handler)
        )

    def templates(self) -> list[tuple[str, str, str]]:
        """(method, product, template) for every route: what the emulator models."""
        return [(m, p, t) for m, p, _, t, _ in self._routes]

    def match(self, req: EmuRequest) -> tuple[Handler, dict[str, str], str]:
        path = req.path.rstrip("/") or "/"
        path = path.removesuffix(".json") if req.product == "api" else path
        allowed = False
        for method, product, regex, template, handler in self._routes:
            if product != req.product:
                continue
            found = regex.fullmatch(path)
            if not found:
                continue
            if method == req.method:
                return handler, found.groupdict(), template
            allowed = True
        if allowed:
            raise ApiError(405, 20004, f"Method not allowed: {req.method} {req.path}")
        raise not_found(req.path)


class Sids:
    """Deterministic SID factory: ``XX`` + 32 hex digits from a seeded generator."""

    def __init__(self, seed: int = 0) -> None:
        self._rng = random.Random(seed)

    def new(self, prefix: str) -> str:
        if not re.fullmatch(r"[A-Z]{2}", prefix):
            raise ValueError(f"SID prefix must be two capital letters, got {prefix!r}")
        return prefix + "%032x" % self._rng.getrandbits(128)


SID_RE = re.compile(r"^[A-Z]{2}[0-9a-fA-F]{32}$")


def is_sid(value: str | None, prefix: str) -> bool:
    return (
        bool(value) and value is not None and value[:2] == prefix and bool(SID_RE.fullmatch(value))
    )


@dataclass(order=True)
class _Timer:
    when: datetime
    seq: int
    callback: Callable[[], None] = field(compare=False)
    cancelled: bool = field(default=False, compare=False)


class Clock:
    """A virtual clock: time moves only when `advance()` is called.

    Callbacks scheduled with `call_at()` / `call_later()` run in time order while
    advancing, each with the clock set to its due time.
    """

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
        self._heap: list[_Timer] = []
        self._seq = itertools.count()

    def now(self) -> datetime:
        return self._now

    def call_at(self, when: datetime, callback: Callable[[], None]) -> _Timer:
        timer = _Timer(when, next(self._seq), callback)
        heapq.heappush(self._heap, timer)
        return timer

    def call_later(self, seconds: float, callback: Callable[[], None]) -> _Timer:
        return self.call_at(self._now + timedelta(seconds=seconds), callback)

    @staticmethod
    def cancel(timer: _Timer | None) -> None:
        if timer is not None:
            timer.cancelled = True

    def advance(self, seconds: float | timedelta = 0) -> None:
        """Move time forward, running every callback that falls due (``0`` runs what is due now)."""
        delta = seconds if isinstance(seconds, timedelta) else timedelta(seconds=seconds)
        target = self._now + delta
        while self._heap and self._heap[0].when <= target:
            timer = heapq.heappop(self._heap)
            if timer.cancelled:
                continue
            self._now = max(self._now, timer.when)
            timer.callback()
        self._now = target

    def pending(self) -> int:
        return sum(1 for t in self._heap if not t.cancelled)

    def due(self) -> bool:
        """Whether a timer is due now, i.e. whether ``advance(0)`` would run something."""
        while self._heap and self._heap[0].cancelled:
            heapq.heappop(self._heap)
        return bool(self._heap) and self._heap[0].when <= self._now


class EventBus:
    """In-process publish/subscribe between the emulator's products."""

    def __init__(self) -> None:
        self._subs: dict[str, list[Callable[..., None]]] = {}

    def subscribe(self, name: str, callback: Callable[..., None]) -> None:
        self._subs.setdefault(name, []).append(callback)

    def emit(self, name: str, **data: Any) -> None:
        for callback in list(self._subs.get(name, ())):
            callback(**data)


def iso(dt: datetime | None) -> str | None:
    """ISO 8601 in UTC with a ``Z``, as the v1/v2 APIs write dates."""
    if dt is None:
        return None
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def rfc2822(dt: datetime | None) -> str | None:
    """RFC 2822, as the 2010 API writes dates."""
    if dt is None:
        return None
    return format_datetime(dt.astimezone(timezone.utc), usegmt=False).replace("-0000", "+0000")


def paginate(
    req: EmuRequest,
    items: Sequence[Mapping[str, Any]],
    key: str,
    max_page_size: int,
    *,
    default_page_size: int = 50,
    keep_query: Iterable[str] = (),
) -> EmuResponse:
    """A v1/v2 list response with Twilio's ``meta`` block.

    ``PageSize`` above ``max_page_size`` is clamped to it, as Twilio does.  ``Page`` and
    ``PageToken`` (an offset token ``PT<n>``) select the page; ``keep_query`` names the filter
    parameters repeated in the generated URLs.
    """
    try:
        size = int(req.q("PageSize") or default_page_size)
        page = int(req.q("Page") or 0)
    except ValueError:
        raise bad_request("PageSize and Page must be integers") from None
    if size < 1:
        raise bad_request("PageSize must be at least 1")
    size = min(size, max_page_size)
    token = req.q("PageToken")
    offset = page * size
    if token:
        if not token.startswith("PT") or not token[2:].isdigit():
            raise bad_request(f"Invalid PageToken {token!r}")
        offset = int(token[2:])
    chunk = [dict(i) for i in items[offset : offset + size]]
    filters = [(k, v) for k, v in req.query if k in set(keep_query)]

    def link(pg: int, tok: str | None) -> str:
        q = [*filters, ("PageSize", str(size)), ("Page", str(pg))]
        if tok:
            q.append(("PageToken", tok))
        return f"{req.base_url}{req.path}?{urllib.parse.urlencode(q)}"

    has_next = offset + size < len(items)
    meta = {
        "page": page,
        "page_size": size,
        "first_page_url": link(0, None),
        "previous_page_url": link(page - 1, f"PT{max(offset - size, 0)}") if page > 0 else None,
        "url": link(page, token),
        "next_page_url": link(page + 1, f"PT{offset + size}") if has_next else None,
        "key": key,
    }
    return EmuResponse.json(200, {key: chunk, "meta": meta})
