"""The client's helpers that neither colour's I/O touches: the retry policy from the options, the
repr's target, a connection failure's retry outcome, the values sent, and the parsing of a body.

Both `AsyncFlexConv` and `FlexConv` import them; `drop_none()` and `parse_body()` run once per
request, called directly (no layer in between).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from flexconv._core.config import ClientConfig
from flexconv._core.errors import APIConnectionError, APIStatusError, FlexConvError
from flexconv._core.results import ResponseInfo
from flexconv._core.retry import RetryPolicy

__all__ = [
    "body_parser",
    "connection_outcome",
    "drop_none",
    "parse_body",
    "policy_with",
    "where",
]

T = TypeVar("T")


def policy_with(retry: RetryPolicy | None, max_retries: int | None) -> RetryPolicy:
    """``retry`` (else the default policy), with ``max_retries`` in place when given."""
    policy = retry or RetryPolicy()
    return policy if max_retries is None else dataclasses.replace(policy, max_retries=max_retries)


def where(config: ClientConfig) -> str:
    """Where the client sends its requests, for its repr."""
    if config.base_url:
        return f"base_url={config.base_url!r}"
    return f"region={config.effective_region!r}, edge={config.edge!r}"


def connection_outcome(exc: APIConnectionError) -> Any:
    """The retry module's name for how a connection failed (which phase, whether sent)."""
    phase = getattr(exc, "phase", None)
    if phase == "connect":
        return "connect_timeout"
    if phase == "pool":
        return "pool_timeout"
    if phase in ("read", "write"):
        return "read_timeout"
    return "dropped" if exc.sent else "connect_error"


def drop_none(values: Mapping[str, Any] | None) -> dict[str, Any]:
    """The values that are set (``None`` means "leave out")."""
    if not values:
        return {}
    return {k: v for k, v in values.items() if v is not None}


def body_parser(parse: Callable[[Any], T] | type[T]) -> Callable[[Any], T]:
    """How a response body becomes ``T``: models are built lazily (fields read on first
    access), anything else is called with the decoded body."""
    from_response = getattr(parse, "_from_response", None)
    if callable(from_response):
        return from_response  # type: ignore[no-any-return]
    return parse


#: `flexconv.models._base.attach_response`, bound on first use (the models load lazily).
_attach: Callable[[Any, ResponseInfo], None] | None = None


def _attach_response() -> Callable[[Any, ResponseInfo], None]:
    global _attach
    from flexconv.models._base import attach_response

    _attach = attach_response
    return attach_response


def parse_body(parse: Callable[[Any], T] | type[T], data: Any, info: ResponseInfo) -> T:
    """``T`` from a decoded body, with the exchange it came from attached."""
    build = getattr(parse, "_from_response", None)
    try:
        if build is not None:  # a model: built lazily, the exchange recorded as it is built
            built: T = build(data, info)
            return built
        result = parse(data)  # type: ignore[call-arg]
    except FlexConvError:
        raise
    except Exception as exc:  # cattrs reports structuring problems as exception groups
        raise APIStatusError(
            f"Could not read Twilio's response: {exc}",
            status=info.status_code,
            method=info.method,
            url=info.url,
            body=data,
            headers=dict(info.headers),
        ) from exc
    (_attach or _attach_response())(result, info)
    return result
