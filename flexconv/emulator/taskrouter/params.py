"""Parsing and checking of TaskRouter request values (attributes, integers, dates, ordering,
status filters, ``If-Match``)."""

from __future__ import annotations

import json
import operator
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

from flexconv.emulator._base import ApiError, EmuRequest, bad_request
from flexconv.emulator.expressions import Expression, ExpressionError, parse


def _pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def _epoch(dt: datetime | None) -> str | None:
    return None if dt is None else str(int(dt.timestamp()))


def _check_if_match(header: str | None, version: int, what: str) -> None:
    """Compare an ``If-Match`` header with a resource's ETag (a version number)."""
    if header is None or not header.strip():
        return
    for tag in header.split(","):
        tag = tag.strip()
        if tag == "*":
            return
        if tag.removeprefix("W/").strip('"') == str(version):
            return
    raise ApiError(
        412,
        20412,
        f"Precondition failed: If-Match {header!r} does not match the current ETag "
        f"{version} of {what}",
    )


def _parse_attributes(raw: str | None, name: str = "Attributes") -> dict[str, Any] | None:
    if raw is None:
        return None
    try:
        value = json.loads(raw) if raw.strip() else {}
    except ValueError:
        raise bad_request(f"{name} must be a valid JSON object") from None
    if not isinstance(value, dict):
        raise bad_request(f"{name} must be a JSON object")
    return value


def _int_value(raw: str | None, name: str, low: int, high: int) -> int | None:
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        raise bad_request(f"{name} must be an integer, got {raw!r}") from None
    if not low <= value <= high:
        raise bad_request(f"{name} must be between {low} and {high}, got {value}")
    return value


def _ignore_capacity(raw: str | None) -> bool | None:
    """Spec: `true`, `1` or `yes` ignore capacity; any other value enforces it."""
    if raw is None or raw == "":
        return None
    return raw.strip().lower() in ("true", "1", "yes")


def _parse_date(raw: str, name: str) -> datetime:
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise bad_request(f"{name} must be an ISO 8601 date, got {raw!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _virtual_start(raw: str, now: datetime) -> datetime:
    """Spec: `VirtualStartTime` "can't be in the future or before the year of 1900"."""
    value = _parse_date(raw, "VirtualStartTime")
    if value > now or value.year < 1900:
        raise bad_request(f"VirtualStartTime can't be in the future or before 1900, got {raw!r}")
    return value


def _expression(source: str, what: str) -> Expression:
    try:
        return parse(source)
    except ExpressionError as exc:
        raise bad_request(f"Invalid {what}: {exc}") from None


def _ordering(raw: str | None, allowed: Mapping[str, str]) -> list[tuple[str, bool]]:
    """``Ordering=DateCreated:asc,Priority:desc`` as (attribute, descending) pairs."""
    if not raw:
        return []
    keys: list[tuple[str, bool]] = []
    for part in raw.split(","):
        name, _, direction = part.strip().partition(":")
        direction = direction.lower() or "asc"
        if name not in allowed or direction not in ("asc", "desc"):
            raise bad_request(f"Invalid Ordering {raw!r}")
        keys.append((allowed[name], direction == "desc"))
    return keys


def _sort(items: list[Any], keys: Sequence[tuple[str, bool]]) -> list[Any]:
    for attr, descending in reversed(keys):
        items.sort(key=operator.attrgetter(attr), reverse=descending)
    return items


def _statuses(req: EmuRequest, name: str, allowed: Sequence[str]) -> list[str]:
    values = [v.strip() for raw in req.qs(name) for v in raw.split(",") if v.strip()]
    for value in values:
        if value not in allowed:
            raise bad_request(f"Invalid {name} {value!r}; expected one of {', '.join(allowed)}")
    return values


# ------------------------------------------------------------------------------------------------
# The product
