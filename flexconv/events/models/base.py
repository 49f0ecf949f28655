"""What every event shares: the [`Event`][flexconv.events.Event] base class and the decoders
that turn Twilio's form values into typed fields."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any, ClassVar

import attrs

__all__ = ["Event"]


def _int(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        try:
            return int(float(value))
        except ValueError:
            return None


def _epoch(value: str) -> datetime | None:
    try:
        return datetime.fromtimestamp(float(value), tz=timezone.utc)
    except (ValueError, OverflowError, OSError):
        return None


def _iso(value: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return _epoch(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _json_object(value: str) -> dict[str, Any] | None:
    try:
        decoded = json.loads(value) if value else {}
    except ValueError:
        return None
    return decoded if isinstance(decoded, dict) else None


def _json_any(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return None


def _str(value: str) -> str:
    return value


_Decoder = Callable[[str], Any]


def _fields(table: Mapping[str, tuple[str, _Decoder]]) -> dict[str, tuple[str, _Decoder]]:
    return dict(table)


@attrs.frozen(kw_only=True)
class Event:
    """What every event has: its type, the whole form, unknown fields, and its identity."""

    event_type: str
    """The event type: ``reservation.created``, ``assignment``, ``onMessageAdded``, ..."""
    params: Mapping[str, str] = attrs.field(factory=dict, repr=False, eq=False)
    """Every parameter as sent (the last value of a repeated name)."""
    extra: Mapping[str, str] = attrs.field(factory=dict, repr=False, eq=False)
    """Parameters this version of flexconv does not model, verbatim."""
    idempotency_token: str | None = attrs.field(default=None, repr=False)
    """The ``I-Twilio-Idempotency-Token`` header, when Twilio sent one."""

    #: PascalCase parameter -> (attribute, decoder); filled by each subclass.
    _FIELDS: ClassVar[Mapping[str, tuple[str, _Decoder]]] = {}

    @classmethod
    def from_params(
        cls, params: Mapping[str, str], *, event_type: str, idempotency_token: str | None = None
    ) -> Any:
        """Build the event from form parameters (unknown ones go to ``extra``)."""
        kwargs: dict[str, Any] = {}
        extra: dict[str, str] = {}
        table = cls._FIELDS
        for name, value in params.items():
            spec = table.get(name)
            if spec is None:
                if name != "EventType":
                    extra[name] = value
                continue
            decoded = spec[1](value)
            if decoded is None and value:
                extra[name] = value  # kept when it does not decode
            kwargs[spec[0]] = decoded
        return cls(
            event_type=event_type,
            params=params,
            extra=extra,
            idempotency_token=idempotency_token,
            **kwargs,
        )

    @property
    def ordering_key(self) -> str | None:
        """Events with the same key run one at a time (a task, a conversation); ``None``: any."""
        return None

    def dedup_identity(self) -> str:
        """What identifies this event when no idempotency token came with it (see subclasses)."""
        raise NotImplementedError
