"""Argument checks for TaskRouter's setup calls (workspaces, activities, queues, worker channels,
task creation and reservation instructions).  Each error names what TaskRouter expects and, where
flexconv is stricter than the wire, the Twilio doc that says so."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from flexconv._core.errors import ValidationError
from flexconv._core.sids import is_sid

__all__ = [
    "callback_url",
    "channel_capacity",
    "events_filter",
    "instruction_values",
    "max_reserved_workers",
    "routing_target",
    "task_order",
    "text",
    "virtual_start_time",
]

#: TaskRouter's ``TaskOrder`` / ``PrioritizeQueueOrder`` values.
TASK_ORDERS = ("FIFO", "LIFO")


def text(value: object, name: str) -> str:
    """A non-empty string."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{name} must be a non-empty string, got {value!r}")
    return value


def callback_url(value: str | None, name: str) -> str | None:
    """An http(s) URL, ``""`` (clears it), or ``None`` (not sent)."""
    if value is None or value == "":
        return value
    if not isinstance(value, str) or not value.startswith(("https://", "http://")):
        raise ValidationError(f"{name} must be an http(s) URL (or '' to clear it), got {value!r}")
    return value


def events_filter(value: str | Iterable[str] | None) -> str | None:
    """Event types as the comma-separated string TaskRouter takes (``task.created,...``)."""
    if value is None or isinstance(value, str):
        return value
    items = list(value)
    for item in items:
        if not isinstance(item, str) or not item or "," in item or " " in item:
            raise ValidationError(
                f"events_filter takes event types such as 'task.created', got {item!r}"
            )
    return ",".join(items)


def task_order(value: str | None, name: str) -> str | None:
    """``FIFO`` or ``LIFO``."""
    if value is None:
        return None
    if value not in TASK_ORDERS:
        raise ValidationError(f"{name} must be FIFO or LIFO, got {value!r}")
    return value


def _integer(value: object, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationError(f"{name} must be an integer, got {value!r}")
    return value


def max_reserved_workers(value: int) -> int:
    """1 to 50, as the TaskQueue resource's docs say."""
    if not 1 <= _integer(value, "max_reserved_workers") <= 50:
        raise ValidationError(
            "max_reserved_workers must be between 1 and 50 (TaskRouter's TaskQueue resource "
            f"docs), got {value!r}"
        )
    return value


def channel_capacity(value: int) -> int:
    """A worker channel's capacity: 0 (take no new tasks) or more."""
    if _integer(value, "capacity") < 0:
        raise ValidationError(
            f"capacity must be 0 or more (0: no new reservations on the channel), got {value!r}"
        )
    return value


def routing_target(target: str | None, ignore_capacity: bool | None) -> None:
    """``RoutingTarget`` is a worker, queue or workflow SID; ``IgnoreCapacity`` needs a worker
    target (TaskRouter's Task resource docs)."""
    if target is not None and not any(is_sid(target, p) for p in ("WK", "WQ", "WW")):
        raise ValidationError(
            f"routing_target must be a worker (WK), queue (WQ) or workflow (WW) SID, got {target!r}"
        )
    if ignore_capacity is not None:
        if not isinstance(ignore_capacity, bool):
            raise ValidationError(f"ignore_capacity must be True or False, got {ignore_capacity!r}")
        if target is None or not is_sid(target, "WK"):
            raise ValidationError(
                "ignore_capacity only applies when routing_target is a worker SID "
                "(TaskRouter's Task resource docs, IgnoreCapacity)"
            )


def virtual_start_time(value: datetime | None) -> datetime | None:
    """An aware datetime not before 1900 (TaskRouter's Task resource docs, VirtualStartTime)."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise ValidationError(f"virtual_start_time must be a datetime, got {value!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError("virtual_start_time must be timezone-aware")
    if value.year < 1900:
        raise ValidationError(
            "virtual_start_time cannot be before 1900 (TaskRouter's Task resource docs)"
        )
    return value


def instruction_values(
    extra: Mapping[str, Any] | None, allowed: Mapping[str, str]
) -> dict[str, Any]:
    """``extra`` (wire names such as ``ConferenceRecord``) as operation values, refusing names
    the reservation update does not take.  ``allowed`` maps wire name -> value key."""
    out: dict[str, Any] = {}
    if extra is None:
        return out
    if not isinstance(extra, Mapping):
        raise ValidationError("extra must be a mapping of the API's parameter names to values")
    for wire, value in extra.items():
        key = allowed.get(wire)
        if key is None:
            raise ValidationError(
                f"The reservation update does not take {wire!r}; it takes {', '.join(allowed)}"
            )
        out[key] = value
    return out
