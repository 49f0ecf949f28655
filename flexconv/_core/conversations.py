"""Pure helpers for Conversations calls: timers, states, webhook settings."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any, Protocol, TypeVar

from flexconv._core.errors import ValidationError

__all__ = [
    "STATES",
    "duration",
    "open_conversations",
    "state_value",
    "webhook_method",
    "webhooks_header",
]

STATES = ("initializing", "inactive", "active", "closed")
_ISO_DURATION = re.compile(r"^P(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+S)?)?$")
_UNITS = {"D": 86400, "H": 3600, "M": 60, "S": 1}


def _seconds(iso: str) -> int:
    date, _, time = iso[1:].partition("T")
    total = 0
    for part, units in ((date, "D"), (time, "HMS")):
        for number, unit in re.findall(r"(\d+)([DHMS])", part):
            if unit in units:
                total += int(number) * _UNITS[unit]
    return total


def duration(value: timedelta | str | None, name: str, minimum: timedelta) -> str | None:
    """An ISO 8601 duration for ``Timers.*``, at least ``minimum``.

    Takes a `timedelta` or an ISO 8601 string such as ``"PT5M"``.
    """
    if value is None:
        return None
    if isinstance(value, timedelta):
        seconds = int(value.total_seconds())
        text = f"PT{seconds // 60}M" if seconds % 60 == 0 else f"PT{seconds}S"
    elif isinstance(value, str) and _ISO_DURATION.fullmatch(value) and value not in ("P", "PT"):
        seconds, text = _seconds(value), value
    else:
        raise ValidationError(
            f"{name} must be a timedelta or an ISO 8601 duration such as 'PT5M', got {value!r}"
        )
    if seconds < minimum.total_seconds():
        raise ValidationError(f"{name} must be at least {minimum}, got {text}")
    return text


def state_value(state: str | None) -> str | None:
    """A known conversation state, or a [`ValidationError`][flexconv._core.errors.ValidationError] listing them."""
    if state is None:
        return None
    value = str(getattr(state, "value", state))
    if value not in STATES:
        raise ValidationError(f"state must be one of {', '.join(STATES)}, got {state!r}")
    return value


def webhook_method(method: str | None) -> str | None:
    """The wire form of a webhook method: Twilio takes ``get``/``post`` in lower case."""
    if method is None:
        return None
    lowered = method.lower()
    if lowered not in ("get", "post"):
        raise ValidationError(f"method must be GET or POST, got {method!r}")
    return lowered


def webhooks_header(enabled: bool) -> str | None:
    """``X-Twilio-Webhook-Enabled``: REST changes fire webhooks only when it is ``true``."""
    return "true" if enabled else None


class _Membership(Protocol):
    @property
    def conversation_sid(self) -> str | None: ...

    @property
    def conversation_state(self) -> Any: ...

    @property
    def participant_messaging_binding(self) -> Mapping[str, Any] | None: ...


P = TypeVar("P", bound=_Membership)


def open_conversations(items: Iterable[P], *, proxy_address: str | None = None) -> list[P]:
    """The non-closed conversations of a ``ParticipantConversations`` listing, active first.

    With ``proxy_address``, only memberships through that binding (or with no proxy) count.
    """
    keep = []
    for item in items:
        if item.conversation_sid is None or item.conversation_state == "closed":
            continue
        proxy = (item.participant_messaging_binding or {}).get("proxy_address")
        if proxy_address is not None and proxy not in (None, proxy_address):
            continue
        keep.append(item)
    keep.sort(key=lambda c: c.conversation_state != "active")
    return keep
