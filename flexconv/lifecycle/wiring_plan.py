"""The plan [`Wiring.ensure`][flexconv.lifecycle.Wiring.ensure] computes and applies: which
callback settings change, from what to what, and the connection overrides added to the
TaskRouter callback URLs so that Twilio delivers again after a 5xx answer (plain values, no
I/O)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from flexconv._core.redelivery import (
    DEFAULT_RETRY_COUNT,
    DEFAULT_RETRY_ON,
    REDELIVERY_CLASSES,
    check_retry_count,
    check_retry_on,
)

__all__ = [
    "DEFAULT_RETRY_COUNT",
    "DEFAULT_RETRY_ON",
    "REDELIVERY_CLASSES",
    "WiringChange",
    "WiringPlan",
    "check_retry_count",
    "check_retry_on",
    "redelivery_url",
]


def redelivery_url(url: str, count: int | None, on: str | Sequence[str]) -> str:
    """``url`` with Twilio's connection overrides ``#rc={count}&rp={on}`` appended.

    A ``url`` that already has a ``#`` fragment is returned as it is (the caller chose its own
    overrides), and so is every ``url`` when ``count`` is ``None``.

    Raises:
        ValueError: see `check_retry_count` and `check_retry_on`.
    """
    if check_retry_count(count) is None:
        return url
    classes = check_retry_on(on)
    if "#" in url:
        return url
    return f"{url}#rc={count}&rp={','.join(classes)}"


@attrs.define
class WiringChange:
    """One setting to change.

    Attributes:
        target: what it belongs to: ``workspace WS…``, ``workflow WW…``,
            ``conversations service webhooks``, ``conversation CH…``.
        field: the setting (``event_callback_url``, ``events_filter``,
            ``assignment_callback_url``, ``post_webhook_url``, ``filters``, ``webhook``).
        old: its value now.
        new: the value it gets.
    """

    target: str
    field: str
    old: Any
    new: Any

    def __str__(self) -> str:
        return f"{self.target}: {self.field} {self.old!r} -> {self.new!r}"


@attrs.define
class WiringPlan:
    """What `ensure` changes (``dry_run=True``: would change).

    Attributes:
        changes: one entry per setting that differs; empty when everything is wired already.
        applied: whether the changes were written.
    """

    changes: list[WiringChange] = attrs.field(factory=list)
    applied: bool = False

    @property
    def unchanged(self) -> bool:
        """Whether nothing needed changing."""
        return not self.changes

    def diff(self) -> str:
        """The plan as lines of ``target: field old -> new`` (``"no changes"`` when empty)."""
        return "\n".join(str(c) for c in self.changes) if self.changes else "no changes"

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready view (the CLI's ``--json``)."""
        return {
            "applied": self.applied,
            "changes": [attrs.asdict(c) for c in self.changes],
        }
