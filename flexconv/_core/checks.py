"""Input checks shared by every public method: numbers of seconds, header values, text without
control characters, and JSON values that Twilio can store.

Everything here raises `flexconv.ValidationError` (or `TypeError` for a value of
the wrong type) before anything is sent.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from flexconv._core.errors import ValidationError

__all__ = [
    "MAX_JSON_DEPTH",
    "MAX_SECONDS",
    "check_header",
    "check_http_url",
    "check_json_size",
    "check_json_value",
    "check_no_controls",
    "check_seconds",
    "encode_json",
    "json_size",
    "shown",
]

#: The longest wait or timeout flexconv accepts, in seconds (one day): longer values are
#: almost certainly a unit mistake, and huge ones overflow the platform's sleep.
MAX_SECONDS = 86_400.0

#: The deepest nesting a JSON value may have (Twilio's attributes are small, flat-ish objects).
MAX_JSON_DEPTH = 32

#: The most containers and scalars a JSON value may hold before its size is even measured.
_MAX_JSON_NODES = 100_000

_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")


def shown(value: object, limit: int = 40) -> str:
    """A short ``repr`` of a user value for error messages."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def check_seconds(
    value: object,
    name: str,
    *,
    allow_zero: bool = True,
    maximum: float = MAX_SECONDS,
) -> float:
    """A finite number of seconds within ``[0, maximum]`` (``(0, maximum]`` without zero).

    Raises:
        TypeError: not a number (``bool`` is not a number of seconds).
        ValidationError: NaN, infinite, negative (or zero when not allowed), or above ``maximum``.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number of seconds, got {type(value).__name__}")
    number = float(value) if not isinstance(value, int) or abs(value) < 2**53 else math.inf
    if math.isnan(number) or math.isinf(number):
        raise ValidationError(f"{name} must be a finite number of seconds, got {value!r}")
    if number < 0 or (number == 0 and not allow_zero):
        least = "zero or more" if allow_zero else "more than zero"
        raise ValidationError(f"{name} must be {least} seconds, got {value!r}")
    if number > maximum:
        raise ValidationError(
            f"{name} must be at most {maximum:g} seconds, got {value!r} (a unit mistake?)"
        )
    return number


def check_no_controls(value: str, name: str) -> str:
    """``value`` when it holds no control characters (CR, LF, NUL ...)."""
    if _CONTROLS.search(value):
        raise ValidationError(
            f"{name} must not contain control characters (CR, LF, NUL ...), got {shown(value)}"
        )
    return value


_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


_HTTP_URL = re.compile(r"https?://[^\s/?#@]+(?:[/?#]\S*)?")


def check_http_url(value: object, name: str) -> str:
    """An ``http(s)://host/...`` URL without spaces, control characters or user info (a webhook
    or callback Twilio will call).

    Raises:
        TypeError: not a string.
        ValidationError: missing (``None``) or not such a URL.
    """
    if value is None:
        raise ValidationError(
            f"{name} is required: an http(s) URL such as https://example.com/hook"
        )
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string URL, got {type(value).__name__}")
    if not _HTTP_URL.fullmatch(value) or _CONTROLS.search(value):
        raise ValidationError(
            f"{name} must be an http(s) URL such as https://example.com/hook, got {shown(value)}"
        )
    return value


def check_header(name: object, value: object) -> tuple[str, str]:
    """A header name (an HTTP token) and a value without CR, LF or other control characters.

    Raises:
        TypeError: a name or value that is not a string.
        ValidationError: a malformed name, or a value that could split the request.
    """
    if not isinstance(name, str):
        raise TypeError(f"Header names must be strings, got {type(name).__name__}")
    if not _TOKEN.fullmatch(name):
        raise ValidationError(f"{shown(name)} is not a valid HTTP header name")
    if not isinstance(value, str):
        raise TypeError(f"The {name} header must be a string, got {type(value).__name__}")
    if _CONTROLS.search(value.replace("\t", " ")):
        raise ValidationError(
            f"The {name} header must not contain CR, LF or other control characters, "
            f"got {shown(value)}"
        )
    return name, value


def check_json_value(value: Any, name: str) -> None:
    """Refuse a value that is not plain, finite, acyclic JSON of reasonable depth.

    Walks the value without recursion, so a circular or very deep value gives a
    `ValidationError` rather than a ``RecursionError``.  Objects with a ``to_dict()`` and
    datetimes are checked by the encoder itself.
    """
    stack: list[tuple[Any, int]] = [(value, 1)]
    nodes = 0
    while stack:
        item, depth = stack.pop()
        nodes += 1
        if nodes > _MAX_JSON_NODES:
            raise ValidationError(f"{name} holds more than {_MAX_JSON_NODES} values: too large")
        if isinstance(item, float) and not math.isfinite(item):
            raise ValidationError(
                f"{name} holds {item!r}, which JSON cannot represent (use a finite number, a "
                "string or null)"
            )
        if isinstance(item, (Mapping, list, tuple)):
            if depth > MAX_JSON_DEPTH:
                raise ValidationError(
                    f"{name} is nested more than {MAX_JSON_DEPTH} levels deep (or refers to itself)"
                )
            if isinstance(item, Mapping):
                for key, child in item.items():
                    if not isinstance(key, (str, int, float, bool)) and key is not None:
                        raise ValidationError(
                            f"{name} has a key of type {type(key).__name__}: JSON object keys "
                            "must be strings"
                        )
                    stack.append((child, depth + 1))
            else:
                stack.extend((child, depth + 1) for child in item)


def json_size(text: str) -> int:
    """The size Twilio measures: the UTF-8 bytes of the encoded JSON."""
    return len(text.encode("utf-8"))


def check_json_size(text: str, name: str, limit: int, doc: str) -> str:
    """``text`` when its UTF-8 size is within Twilio's documented ``limit`` (cited in ``doc``)."""
    size = json_size(text)
    if size > limit:
        raise ValidationError(
            f"{name} is {size} bytes as JSON; Twilio's limit is {limit} bytes "
            f"({limit // 1024} KB, {doc})"
        )
    return text


def encode_json(value: Any, name: str) -> str:
    """Compact JSON for a value checked by `check_json_value` (``NaN`` refused)."""
    from flexconv._core.encoding import compact_json

    check_json_value(value, name)
    return compact_json(value)
