"""The plan [`Wiring.ensure`][flexconv.lifecycle.Wiring.ensure] computes and applies: which
callback settings change, from what to what (plain values, no I/O)."""

from __future__ import annotations

from typing import Any

import attrs

__all__ = ["WiringChange", "WiringPlan"]


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
