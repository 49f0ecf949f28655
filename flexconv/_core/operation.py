"""Operation definitions and the pure step from a call to a request spec."""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal

from flexconv._core.checks import (
    check_header,
    check_json_size,
    check_json_value,
    check_no_controls,
    shown,
)
from flexconv._core.config import PRODUCTS, ClientConfig
from flexconv._core.encoding import compact_json, encode_form
from flexconv._core.errors import ValidationError
from flexconv._core.sids import check_sid, check_sid_or_name
from flexconv._version import __version__

__all__ = [
    "LowerHeaders",
    "Operation",
    "Param",
    "RawResponse",
    "RequestSpec",
    "build_raw_request",
    "build_request",
    "check_followable",
    "follow_request",
    "new_raw_response",
    "new_request_spec",
    "user_agent",
]

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "DELETE", "OPTIONS"})

_CONTROLS_OR_SPACE = re.compile(r"[\x00-\x20\x7f]")


def user_agent() -> str:
    import platform

    return f"flexconv/{__version__} python/{platform.python_version()}"


_USER_AGENT: str | None = None


def _ua() -> str:
    global _USER_AGENT
    if _USER_AGENT is None:
        _USER_AGENT = user_agent()
    return _USER_AGENT


@dataclass(frozen=True)
class Param:
    """One parameter: its wire name, and how it is sent."""

    wire: str
    #: JSON-valued: sent as one compact JSON string inside the form.
    json: bool = False
    required: bool = False
    #: ``"query"`` for GET/DELETE params, ``"body"`` for POST params, ``"header"`` for headers.
    location: Literal["query", "body", "header", "auto"] = "auto"
    #: Takes several values, sent as the same key repeated (any other param takes one value).
    multi: bool = False
    #: For JSON-valued params: Twilio's documented size limit in bytes, and where it is written.
    max_bytes: int | None = None
    limit_doc: str = ""


@dataclass(frozen=True)
class Operation:
    """What one Twilio API call looks like on the wire."""

    name: str
    method: str
    product: str
    path: str
    params: Mapping[str, Param] = field(default_factory=dict)
    #: ``"form"`` (the default for POST) or ``"json"`` (Flex Configuration, Interaction Transfers).
    body: Literal["form", "json"] = "form"
    #: For list operations: the key holding the items, and the endpoint's maximum page size.
    list_key: str | None = None
    max_page_size: int | None = None
    #: Path parameter -> SID prefix it must carry; ``"XX?"`` means "that SID or a name".
    path_sids: Mapping[str, str] = field(default_factory=dict)

    @property
    def idempotent(self) -> bool:
        return self.method in IDEMPOTENT_METHODS


@dataclass(frozen=True)
class RequestSpec:
    """A request ready to send: plain values only."""

    method: str
    url: str
    headers: dict[str, str]
    content: bytes | None = None
    idempotent: bool = True
    operation: str = ""

    def __repr__(self) -> str:  # headers hold the Authorization value: never show them
        return f"RequestSpec({self.method} {self.url})"


class LowerHeaders(Mapping[str, str]):
    """Response headers with lower-case names, copied from the HTTP library's own headers
    object the first time they are read (most results never look at them).

    A name sent several times keeps its last value.
    """

    __slots__ = ("_lowered", "_source")

    def __init__(self, source: Any) -> None:
        self._source: Any = source
        self._lowered: dict[str, str] | None = None

    def _dict(self) -> dict[str, str]:
        lowered = self._lowered
        if lowered is None:
            lowered = self._lowered = {str(k).lower(): str(v) for k, v in self._source.items()}
            self._source = None
        return lowered

    def __getitem__(self, name: str) -> str:
        return self._dict()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._dict())

    def __len__(self) -> int:
        return len(self._dict())

    def __repr__(self) -> str:
        return repr(self._dict())

    def __reduce__(self) -> tuple[Any, ...]:
        # pickled and copied as the lowered names and values (the HTTP library's own headers
        # object, aiohttp's for one, cannot be pickled)
        return (LowerHeaders, (self._dict(),))


@dataclass(frozen=True)
class RawResponse:
    """What a transport hands back: status, lower-cased headers and the body bytes."""

    status_code: int
    headers: Mapping[str, str]
    content: bytes

    @property
    def request_id(self) -> str | None:
        return self.headers.get("twilio-request-id")


# The hot path makes a RequestSpec, a RawResponse and a ResponseInfo per call.  A frozen
# dataclass's generated `__init__` sets each field through `object.__setattr__`, which costs
# about three times what filling the instance's `__dict__` costs; these make the same
# instances (equal, hashable, still frozen) that way.  They must set every field.

_new = object.__new__


def new_request_spec(
    method: str,
    url: str,
    headers: dict[str, str],
    content: bytes | None,
    idempotent: bool,
    operation: str,
) -> RequestSpec:
    """`RequestSpec(...)`, made the fast way."""
    spec: RequestSpec = _new(RequestSpec)
    fields = spec.__dict__
    fields["method"] = method
    fields["url"] = url
    fields["headers"] = headers
    fields["content"] = content
    fields["idempotent"] = idempotent
    fields["operation"] = operation
    return spec


def new_raw_response(status_code: int, headers: Mapping[str, str], content: bytes) -> RawResponse:
    """`RawResponse(...)`, made the fast way (transports make one per response)."""
    raw: RawResponse = _new(RawResponse)
    fields = raw.__dict__
    fields["status_code"] = status_code
    fields["headers"] = headers
    fields["content"] = content
    return raw


def static_headers() -> dict[str, str]:
    """The headers every flexconv request carries whatever its account (a transport that owns
    its HTTP client can install them once as the client's defaults)."""
    return {"Accept": "application/json", "User-Agent": _ua()}


def base_headers(config: ClientConfig) -> dict[str, str]:
    return {"Authorization": config.auth_header, **static_headers()}


#: The Python type each wire name takes, the same in every operation that has it.  A value of
#: another type is a `TypeError` before anything is sent (``Body=5`` is a mistake, not a
#: message saying "5").  Names not listed take any scalar.
_TEXT = (
    "ActivityName Address AddressCountry AssignmentCallbackUrl Author AutoCreation.Type "
    "AutoCreation.WebhookMethod AutoCreation.WebhookUrl Body Configuration Configuration.Method "
    "Configuration.Url EvaluateTaskAttributes FallbackAssignmentCallbackUrl FriendlyName Identity "
    "MessagingBinding.Address MessagingBinding.ProjectedAddress MessagingBinding.ProxyAddress "
    "Order Ordering Reason ReservationStatus RoutingTarget State Status Subject Target "
    "TargetWorkersExpression TaskChannel TaskQueueName Timers.Closed Timers.Inactive UiVersion "
    "UniqueName WebhookTtid WorkflowName"
)
WIRE_TYPES: Mapping[str, type] = {
    **dict.fromkeys(_TEXT.split(), str),
    **dict.fromkeys(
        [
            "Priority",
            "Timeout",
            "TaskReservationTimeout",
            "LastReadMessageIndex",
            "AutoCreation.StudioRetryCount",
            "Configuration.ReplayAfter",
        ],
        int,
    ),
    **dict.fromkeys(
        ["ChannelOptimizedRouting", "Available", "AutoCreation.Enabled", "IgnoreCapacity"], bool
    ),
}


def _check_value(op: Operation, name: str, param: Param, value: Any) -> None:
    """The type of one value, by its wire name (see `WIRE_TYPES`)."""
    if param.json:
        return
    if isinstance(value, (list, tuple, set, frozenset)):
        if not param.multi:
            raise TypeError(
                f"{op.name}: {name} takes one value, got a {type(value).__name__} ({value!r:.60})"
            )
        items: Iterable[Any] = value
    else:
        items = (value,)
    expected = WIRE_TYPES.get(param.wire, str if param.wire.endswith("Sid") else None)
    for item in items:
        if isinstance(item, (Mapping, bytes, bytearray)):
            raise TypeError(f"{op.name}: {name} cannot be a {type(item).__name__}")
        if expected is None:
            continue
        if expected is str:
            ok = isinstance(item, str) or (isinstance(item, Enum) and isinstance(item.value, str))
        elif expected is int:
            ok = isinstance(item, int) and not isinstance(item, bool)
        else:
            ok = isinstance(item, expected)
        if not ok:
            raise TypeError(
                f"{op.name}: {name} must be a {expected.__name__}, got {type(item).__name__} "
                f"({item!r:.60})"
            )
        if isinstance(item, str) and param.wire.endswith(("Sid", "Url")):
            check_no_controls(item, name)


def _json_param(op: Operation, name: str, param: Param, value: Any) -> str:
    """One JSON-valued param, encoded, checked (finite, acyclic, within Twilio's size limit)."""
    if isinstance(value, str):
        try:
            json.loads(value, parse_constant=_no_constant)
        except ValueError as exc:
            raise ValidationError(f"{op.name}: {name} is not valid JSON: {exc}") from None
        text = value
    else:
        check_json_value(value, name)
        text = compact_json(value)
    if param.max_bytes is not None:
        check_json_size(text, name, param.max_bytes, param.limit_doc)
    return text


def _no_constant(token: str) -> Any:
    raise ValueError(f"{token} is not JSON")


def format_path(op: Operation, path_params: Mapping[str, str]) -> str:
    out = op.path
    for name, value in path_params.items():
        prefix = op.path_sids.get(name)
        if prefix:
            if prefix.endswith("?"):
                check_sid_or_name(value, prefix[:2], name)
            else:
                check_sid(value, prefix, name)
        elif not isinstance(value, str) or not value:
            raise ValidationError(f"{name} must be a non-empty string, got {value!r}")
        check_no_controls(value, name)
        out = out.replace("{" + name + "}", urllib.parse.quote(value, safe=""))
    if "{" in out:
        raise ValidationError(f"Missing path parameters for {op.name}: {out}")
    return out


def build_request(
    op: Operation,
    config: ClientConfig,
    *,
    path_params: Mapping[str, str] | None = None,
    values: Mapping[str, Any] | None = None,
    json_body: Any = None,
    extra_query: Iterable[tuple[str, str]] = (),
    headers: Mapping[str, str] | None = None,
) -> RequestSpec:
    """Turn a call into a `RequestSpec`, validating names and SIDs before anything is sent."""
    path = format_path(op, path_params or {})
    query: list[tuple[str, Any]] = []
    body: list[tuple[str, Any]] = []
    hdrs = base_headers(config)
    json_names: set[str] = set()
    values = values or {}
    unknown = sorted(values.keys() - op.params.keys())
    if unknown:
        raise ValidationError(
            f"{op.name} does not take {', '.join(unknown)}; it takes {', '.join(sorted(op.params)) or 'no parameters'}"
        )
    for name, param in op.params.items():
        value = values.get(name)
        if value is None:
            if param.required:
                raise ValidationError(f"{op.name} requires {name} ({param.wire})")
            continue
        where = param.location
        if where == "auto":
            where = "body" if op.method == "POST" else "query"
        _check_value(op, name, param, value)
        if where == "header":
            hdrs[param.wire] = check_header(param.wire, str(value))[1]
            continue
        if param.json:
            json_names.add(param.wire)
            encoded = _json_param(op, name, param, value)
            if op.body != "json":
                value = encoded
        (body if where == "body" else query).append((param.wire, value))
    url = config.product_origin(op.product) + path
    pairs = encode_form(query, json_params=json_names) + list(extra_query)
    if op.body == "json" and op.method == "POST":
        payload = json_body if json_body is not None else dict(body)
    else:
        payload = None
    form = encode_form(body, json_params=json_names) if body and payload is None else None
    return _spec(op.method, url, pairs, hdrs, form, payload, headers, op.idempotent, op.name)


def _spec(
    method: str,
    url: str,
    query: list[tuple[str, str]],
    hdrs: dict[str, str],
    form: list[tuple[str, str]] | None,
    json_payload: Any,
    headers: Mapping[str, str] | None,
    idempotent: bool,
    name: str,
) -> RequestSpec:
    """Assemble a `RequestSpec`: query string, form or JSON body, extra headers."""
    if query:
        url += ("&" if "?" in url else "?") + urllib.parse.urlencode(query)
    if headers:
        if not isinstance(headers, Mapping):
            raise TypeError(f"headers must be a mapping, got {type(headers).__name__}")
        headers = dict(check_header(k, v) for k, v in headers.items())
        if any(k.lower() == "authorization" for k in headers):
            raise ValidationError(
                "headers may not set Authorization: the client's credentials are always used"
            )
    content: bytes | None = None
    if json_payload is not None:
        content = compact_json(json_payload).encode()
        hdrs["Content-Type"] = "application/json"
    elif form is not None:
        content = urllib.parse.urlencode(form).encode()
        hdrs["Content-Type"] = "application/x-www-form-urlencoded"
    if headers:
        hdrs.update(headers)
    return new_request_spec(method, url, hdrs, content, idempotent, name)


def build_raw_request(
    config: ClientConfig,
    method: str,
    url: str,
    *,
    product: str | None = None,
    params: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
    json_body: Any = None,
    headers: Mapping[str, str] | None = None,
    json_params: Iterable[str] = (),
) -> RequestSpec:
    """The request for the escape hatch: any endpoint, encoded the Twilio way.

    ``url`` is absolute, or a path under ``product`` (which honours region, edge and
    ``base_url``).  ``data`` is form-encoded; ``json_body`` is sent as JSON.
    """
    if not isinstance(method, str) or not isinstance(url, str):
        raise TypeError("method and url must be strings")
    method = method.upper()
    if method not in ("GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS"):
        raise ValidationError(f"Unknown HTTP method {shown(method)}")
    if data is not None and json_body is not None:
        raise ValidationError("Pass data= or json=, not both")
    if product is not None:
        if not url.startswith("/"):
            raise ValidationError("With product=, url must be a path starting with '/'")
        full = config.product_origin(product) + url
    elif url.startswith(("https://", "http://")):
        check_followable(config, url)
        full = url
    else:
        raise ValidationError(
            f"url must be absolute, or a path with product= (one of {', '.join(PRODUCTS)})"
        )
    json_names = tuple(json_params)
    query = encode_form(params, json_params=json_names) if params else []
    form = encode_form(data, json_params=json_names) if data is not None else None
    idempotent = method in IDEMPOTENT_METHODS
    hdrs = base_headers(config)
    return _spec(
        method, full, query, hdrs, form, json_body, headers, idempotent, f"request {method}"
    )


def follow_request(first: RequestSpec, url: str) -> RequestSpec:
    """The GET of a list's next page, with the first page's headers."""
    if url == first.url:
        return first
    return RequestSpec("GET", url, first.headers, None, True, first.operation)


def check_followable(config: ClientConfig, url: str) -> None:
    """Only send credentials to Twilio (``https://*.twilio.com``) or the client's ``base_url``.

    A URL with control characters, spaces, user info or an unparsable host is refused too, as
    a `ValidationError` (never a raw error of the HTTP library).
    """
    if not isinstance(url, str):
        raise TypeError(f"A URL to follow must be a string, got {type(url).__name__}")
    if _CONTROLS_OR_SPACE.search(url):
        raise ValidationError(
            f"Refusing to follow {shown(url, 80)}: it holds control characters or spaces"
        )
    try:
        parts = urllib.parse.urlsplit(url)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        raise ValidationError(f"Refusing to follow {shown(url, 80)}: not a valid URL") from None
    if "@" in parts.netloc:
        raise ValidationError(
            "Refusing to send credentials to a URL with user info (user:password@): "
            "only Twilio's hosts (https://*.twilio.com) or the client's base_url are followed"
        )
    if config.base_url:
        base = urllib.parse.urlsplit(config.base_url)
        if (parts.scheme, parts.netloc) == (base.scheme, base.netloc):
            return
    if parts.scheme == "https" and (host == "twilio.com" or host.endswith(".twilio.com")):
        return
    raise ValidationError(
        f"Refusing to send credentials to {parts.scheme}://{parts.netloc}: only Twilio's hosts "
        "(https://*.twilio.com) or the client's base_url are followed"
    )
