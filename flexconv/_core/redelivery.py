"""Twilio's connection overrides for the TaskRouter callback URLs (``rc``, ``rp``): the
defaults and the checks of the values (plain values, no I/O; the CLI reads them without
importing the lifecycle package)."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "DEFAULT_RETRY_COUNT",
    "DEFAULT_RETRY_ON",
    "REDELIVERY_CLASSES",
    "check_retry_count",
    "check_retry_on",
]

#: The failure classes of Twilio's retry policy (``rp``): no connection (``ct``), no answer in
#: time (``rt``), an answer with a 4xx or 5xx status.
REDELIVERY_CLASSES = ("ct", "rt", "4xx", "5xx")

#: Times Twilio sends a TaskRouter callback again after a failure (``rc``; 5 is Twilio's maximum):
#: a handler that fails or an event kept busy by another one gets every chance Twilio allows.
DEFAULT_RETRY_COUNT = 5

#: The failures Twilio sends a TaskRouter callback again after (``rp``): Twilio's own default
#: (``ct``: no connection, ``rt``: no answer in time), which ``rp`` replaces, plus ``5xx``, the
#: receiver's answers that ask for a redelivery.  Not ``4xx``: a 403 (bad signature) or a 413
#: (body too large) would fail again.
DEFAULT_RETRY_ON = ("ct", "rt", "5xx")


def check_retry_count(count: int | None) -> int | None:
    """``count`` checked as Twilio's ``rc`` override (``None``: no overrides).

    Raises:
        ValueError: ``count`` is not an int from 0 to 5.
    """
    if count is None:
        return None
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= 5:
        raise ValueError(f"retry_count must be an int from 0 to 5 (Twilio's rc), got {count!r}")
    return count


def check_retry_on(on: str | Sequence[str]) -> tuple[str, ...]:
    """``on`` checked as Twilio's ``rp`` override, as a tuple (a single string is one class).

    Raises:
        ValueError: ``on`` is empty or names something other than ``ct``, ``rt``, ``4xx``,
            ``5xx`` or ``all``.
    """
    classes = (on,) if isinstance(on, str) else tuple(on)
    allowed = (*REDELIVERY_CLASSES, "all")
    if not classes or any(c not in allowed for c in classes):
        raise ValueError(f"retry_on takes some of {', '.join(allowed)} (Twilio's rp), got {on!r}")
    return classes
