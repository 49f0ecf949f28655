"""Workflow assignment callbacks (a workflow's ``AssignmentCallbackUrl``):
[`AssignmentCallback`][flexconv.events.AssignmentCallback] and the
[`Instruction`][flexconv.events.Instruction] that answers it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

import attrs

from flexconv.events.models.base import Event, _Decoder, _fields
from flexconv.events.models.taskrouter import _COMMON_TR

__all__ = ["ASSIGNMENT", "AssignmentCallback", "Instruction"]

#: The name handlers use for workflow assignment callbacks (``@receiver.on("assignment")``).
ASSIGNMENT = "assignment"


@attrs.frozen(kw_only=True)
class AssignmentCallback(Event):
    """A workflow's assignment callback: answer with an [`Instruction`][flexconv.events.Instruction]
    (``accept``, ``reject``, ...) or with nothing (``{}``: decide later through the REST API)."""

    account_sid: str | None = attrs.field(default=None, repr=False)
    """``AccountSid``: the account (``AC…``)."""
    workspace_sid: str | None = attrs.field(default=None, repr=False)
    """``WorkspaceSid``: the workspace (``WS…``)."""
    workflow_sid: str | None = attrs.field(default=None, repr=False)
    """``WorkflowSid`` (``WW…``)."""
    task_queue_sid: str | None = attrs.field(default=None, repr=False)
    """``TaskQueueSid`` (``WQ…``)."""
    task_sid: str | None = None
    """``TaskSid`` (``WT…``)."""
    task_attributes: dict[str, Any] | None = attrs.field(default=None, repr=False)
    """``TaskAttributes`` decoded from JSON."""
    task_age: int | None = attrs.field(default=None, repr=False)
    """``TaskAge``: seconds since the task was created."""
    task_priority: int | None = attrs.field(default=None, repr=False)
    """``TaskPriority``."""
    worker_sid: str | None = None
    """``WorkerSid`` (``WK…``)."""
    worker_attributes: dict[str, Any] | None = attrs.field(default=None, repr=False)
    """``WorkerAttributes`` decoded from JSON."""
    reservation_sid: str | None = None
    """``ReservationSid`` (``WR…``)."""
    timestamp: datetime | None = attrs.field(default=None, repr=False)
    """When the event happened, UTC (``TimestampMs`` when sent, else ``Timestamp``)."""

    _FIELDS: ClassVar[Mapping[str, tuple[str, _Decoder]]] = _fields(_COMMON_TR)

    @property
    def ordering_key(self) -> str | None:
        """The task."""
        return f"task:{self.task_sid}" if self.task_sid else None

    def dedup_identity(self) -> str:
        """Without an idempotency token: the reservation (one callback per reservation)."""
        return f"{self.params.get('AccountSid', '')}:assignment:{self.reservation_sid or ''}"


@attrs.frozen
class Instruction:
    """The answer to an assignment callback.

    ``Instruction.accept()``, ``Instruction.reject()``, ``Instruction.later()`` (``{}``: decide
    later through the REST API), or any other instruction Twilio knows
    (``Instruction("dequeue", {"from": "+1..."})``: ``call``, ``redirect``, ``conference``).
    """

    name: str | None
    """``accept``, ``reject``, ``dequeue``, ``call``, ``redirect``, ``conference``; ``None``: ``{}``."""
    params: Mapping[str, Any] = attrs.field(factory=dict)
    """Every parameter as sent (the last value of a repeated name)."""

    @classmethod
    def accept(cls) -> Instruction:
        """Accept the reservation now."""
        return cls("accept")

    @classmethod
    def reject(cls, activity_sid: str | None = None) -> Instruction:
        """Reject the reservation; ``activity_sid`` moves the worker to that activity."""
        return cls("reject", {"activity_sid": activity_sid} if activity_sid else {})

    @classmethod
    def later(cls) -> Instruction:
        """Answer ``{}``: the reservation stays pending until the REST API (or its timeout)."""
        return cls(None)

    def to_json(self) -> dict[str, Any]:
        """The JSON object Twilio expects."""
        if self.name is None:
            return {}
        return {"instruction": self.name, **self.params}
