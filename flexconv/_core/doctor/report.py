"""The doctor's report values: checks, trace reports, scan findings, rescue plans and the
account's setup (Flex Conversations, legacy messaging or a mix).  Plain frozen values; every one
turns into JSON with ``to_dict()``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

import attrs

__all__ = [
    "Check",
    "Finding",
    "MigrationPlan",
    "MigrationStep",
    "RescueAction",
    "RescuePlan",
    "ScanCursor",
    "ScanProgress",
    "ScanSummary",
    "Setup",
    "Status",
    "TraceReport",
]

#: How a check came out: ``skipped`` when an earlier step failed (or it does not apply).
Status = Literal["ok", "warning", "failed", "skipped"]

#: The marks the CLI prints for each status.
MARKS: Mapping[str, str] = {"ok": "✓", "warning": "!", "failed": "✗", "skipped": "-"}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if attrs.has(type(value)):
        return value.to_dict()
    return value


class _Value:
    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (datetimes as ISO 8601 strings)."""
        return {f.name: _plain(getattr(self, f.name)) for f in attrs.fields(type(self))}  # type: ignore[arg-type]


@attrs.frozen(kw_only=True)
class Check(_Value):
    """One step of the checklist: what was asked, what was read, what is wrong and the fix."""

    #: The step's number in the FAQ's checklist (0 for account checks).
    step: int
    #: A stable key (``received``, ``address``, ``conversation`` ...).
    key: str
    #: The question the step answers.
    title: str
    status: Status
    #: What was read: SIDs, values, timestamps.
    evidence: dict[str, Any] = attrs.field(factory=dict)
    #: What is wrong (``None`` when nothing is).
    problem: str | None = None
    #: How to fix it.
    fix: str | None = None
    #: Twilio's page on the subject.
    docs: str | None = None

    @property
    def mark(self) -> str:
        """``✓``, ``✗``, ``!`` or ``-``."""
        return MARKS[self.status]


@attrs.frozen(kw_only=True)
class Setup(_Value):
    """Which messaging setup the account runs, and what says so."""

    #: ``conversations``, ``legacy``, ``mixed`` or ``none`` (no messaging configured).
    kind: Literal["conversations", "legacy", "mixed", "none"]
    #: Conversations address configurations (``IG…`` by address).
    addresses: dict[str, str] = attrs.field(factory=dict)
    #: Legacy Flex Flows (``FO…`` by contact identity or name).
    flex_flows: dict[str, str] = attrs.field(factory=dict)
    #: A Programmable Chat service in the Flex Configuration that is not the Conversations one.
    chat_service_sid: str | None = None
    #: Recent tasks whose attributes carry a Programmable Chat ``channelSid`` and no
    #: conversation (legacy), counted over one page of the newest such tasks.
    legacy_tasks: int = 0
    #: Recent tasks whose attributes carry ``conversationSid`` or ``flexInteractionSid``
    #: (Flex Conversations), counted over one page of the newest such tasks.
    conversation_tasks: int = 0
    #: The honest answer to "should I switch back to legacy messaging?".
    advice: str = ""


@attrs.frozen(kw_only=True)
class TraceReport(_Value):
    """The checklist for one inbound flow, in the FAQ's order, plus the account checks."""

    setup: Setup
    #: The customer's address and the Flex number or sender the flow went through.
    address: str | None
    flex_number: str | None
    conversation_sid: str | None
    checks: tuple[Check, ...]
    account: tuple[Check, ...] = ()

    @property
    def healthy(self) -> bool:
        """No check failed (warnings allowed)."""
        return all(c.status != "failed" for c in (*self.checks, *self.account))

    @property
    def failed(self) -> tuple[Check, ...]:
        """The failed checks (account ones included)."""
        return tuple(c for c in (*self.account, *self.checks) if c.status == "failed")

    def check(self, key: str) -> Check:
        """The check with this key (``"webhook"``, ``"studio"`` ...)."""
        for c in (*self.checks, *self.account):
            if c.key == key:
                return c
        raise KeyError(key)


#: What a scan finds: one kind per finding.
FindingKind = Literal[
    "healthy",
    "orphaned",
    "stuck",
    "customer_alone",
    "agent_on_closed_task",
    "misconfigured_address",
    "stale_reservation",
    "task_conversation_closed",
]


@attrs.frozen(kw_only=True)
class Finding(_Value):
    """One thing the scan found (a healthy conversation is a finding too)."""

    kind: FindingKind
    #: The resource it is about (``CH…``, ``IG…``, ``WR…``, ``WT…``).
    sid: str
    conversation_sid: str | None = None
    task_sid: str | None = None
    evidence: dict[str, Any] = attrs.field(factory=dict)
    problem: str | None = None
    fix: str | None = None

    @property
    def healthy(self) -> bool:
        """Nothing is wrong."""
        return self.kind == "healthy"


@attrs.frozen(kw_only=True)
class ScanCursor(_Value):
    """Where a scan stopped: pass it back as ``scan(resume=cursor)`` to go on from there.

    ``phase`` is the list being walked and ``next_page_url`` the next page of it (``None`` to
    start that phase from its first page).  ``to_dict()``/``from_dict()`` persist it.
    """

    phase: Literal["addresses", "active", "inactive", "tasks", "done"]
    next_page_url: str | None = None
    #: Conversations already classified (carried across resumes for the progress figures).
    seen: int = 0

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScanCursor:
        """A cursor saved with ``to_dict()``."""
        phase = data.get("phase")
        if phase not in ("addresses", "active", "inactive", "tasks", "done"):
            from flexconv._core.errors import ValidationError

            raise ValidationError(f"Not a scan cursor: phase {phase!r}")
        url = data.get("next_page_url")
        return cls(
            phase=phase,
            next_page_url=str(url) if url else None,
            seen=int(data.get("seen") or 0),
        )


@attrs.frozen(kw_only=True)
class ScanProgress(_Value):
    """How far a scan is: conversations classified, findings by kind, and the resume cursor."""

    seen: int
    counts: dict[str, int]
    cursor: ScanCursor


@attrs.frozen(kw_only=True)
class ScanSummary(_Value):
    """Counts by finding kind after a scan."""

    counts: dict[str, int]
    seen: int

    @property
    def problems(self) -> int:
        """How many findings are not ``healthy``."""
        return sum(n for k, n in self.counts.items() if k != "healthy")


@attrs.frozen(kw_only=True)
class RescueAction(_Value):
    """What rescue does (or did) for one orphaned conversation."""

    conversation_sid: str
    #: ``create_interaction`` (planned or done), ``already_rescued``, ``has_task`` or ``closed``.
    action: Literal["create_interaction", "already_rescued", "has_task", "closed"]
    applied: bool = False
    interaction_sid: str | None = None
    reason: str | None = None


@attrs.frozen(kw_only=True)
class RescuePlan(_Value):
    """Rescue's plan (dry run) or outcome (``applied``)."""

    applied: bool
    workflow_sid: str | None
    queue_sid: str | None
    actions: tuple[RescueAction, ...]

    @property
    def created(self) -> int:
        """Interactions created by this run."""
        return sum(1 for a in self.actions if a.applied and a.action == "create_interaction")


@attrs.frozen(kw_only=True)
class MigrationStep(_Value):
    """One Flex Flow address and its Conversations address to be."""

    flex_flow_sid: str
    address: str | None
    address_type: str | None
    #: ``planned``, ``moved``, ``skipped`` (cannot move as is) or ``failed``.
    outcome: Literal["planned", "moved", "skipped", "failed"]
    auto_creation: dict[str, Any] = attrs.field(factory=dict)
    address_sid: str | None = None
    reason: str | None = None


@attrs.frozen(kw_only=True)
class MigrationPlan(_Value):
    """The move from Flex Flows to Conversations addresses, one address at a time."""

    applied: bool
    steps: tuple[MigrationStep, ...]
