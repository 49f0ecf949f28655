"""Form and JSON encoding of request parameters, the way Twilio expects them."""

from __future__ import annotations

import json
import math
import urllib.parse
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from enum import Enum
from typing import Any

from flexconv._core.errors import ValidationError

__all__ = ["compact_json", "encode_form", "form_value", "format_datetime"]


def compact_json(value: Any) -> str:
    """JSON without spaces, as Twilio's JSON-valued form params expect.

    ``NaN`` and infinities are refused (they are not JSON), and so are circular or very deep
    values (a `ValidationError`, never a ``RecursionError``).
    """
    from flexconv._core.checks import check_json_value

    check_json_value(value, "The JSON value")
    try:
        return json.dumps(
            value,
            separators=(",", ":"),
            default=_json_default,
            ensure_ascii=False,
            allow_nan=False,
        )
    except TypeError as exc:
        raise ValidationError(f"Value is not JSON-serialisable: {exc}") from None
    except ValueError as exc:  # NaN or a cycle inside a to_dict() result
        raise ValidationError(f"Value is not valid JSON: {exc}") from None
    except RecursionError:
        raise ValidationError("Value is nested too deeply (or refers to itself)") from None


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return format_datetime(value)
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    raise TypeError(f"{type(value).__name__} is not JSON-serialisable")


def format_datetime(value: datetime) -> str:
    """ISO 8601 in UTC.  A naive datetime is refused: its meaning is ambiguous."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(
            f"Naive datetime {value.isoformat()} has no timezone; pass an aware datetime "
            "(for example datetime.now(timezone.utc))"
        )
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def form_value(value: Any, *, as_json: bool = False) -> str:
    """One scalar form value: booleans as ``true``/``false``, JSON-valued params as compact JSON."""
    if as_json:
        return value if isinstance(value, str) else compact_json(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise ValidationError(f"Cannot send {value!r}: form values must be finite numbers")
    if isinstance(value, (str, int, float)):
        return str(value)
    if isinstance(value, Mapping):
        return compact_json(value)
    raise TypeError(f"Cannot form-encode a {type(value).__name__}")


def encode_form(
    params: Mapping[str, Any] | Iterable[tuple[str, Any]], *, json_params: Iterable[str] = ()
) -> list[tuple[str, str]]:
    """Encode wire-named params as form pairs.

    ``None`` is omitted; a list or tuple becomes the same key repeated; names in
    ``json_params`` are encoded as one compact JSON string.
    """
    as_json = set(json_params)
    items = params.items() if isinstance(params, Mapping) else params
    out: list[tuple[str, str]] = []
    for name, value in items:
        if value is None:
            continue
        if name in as_json:
            out.append((name, form_value(value, as_json=True)))
        elif isinstance(value, (list, tuple, set, frozenset)):
            values = sorted(value) if isinstance(value, (set, frozenset)) else value
            out.extend((name, form_value(v)) for v in values)
        else:
            out.append((name, form_value(value)))
    return out


def urlencode(pairs: list[tuple[str, str]]) -> str:
    return urllib.parse.urlencode(pairs)
