"""TaskRouter event callbacks (a workspace's ``EventCallbackUrl``):
[`TaskRouterEvent`][flexconv.events.TaskRouterEvent] and the event types Twilio documents."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

import attrs

from flexconv.events.models.base import (
    Event,
    _Decoder,
    _epoch,
    _fields,
    _int,
    _json_object,
    _str,
)

__all__ = ["TASKROUTER_EVENT_TYPES", "TaskRouterEvent"]

#: Every TaskRouter event type Twilio documents for workspace event callbacks.
TASKROUTER_EVENT_TYPES: frozenset[str] = frozenset(
    {
        "activity.created",
        "activity.updated",
        "activity.deleted",
        "reservation.created",
        "reservation.accepted",
        "reservation.rejected",
        "reservation.timeout",
        "reservation.canceled",
        "reservation.rescinded",
        "reservation.completed",
        "reservation.failed",
        "reservation.wrapup",
        "task.created",
        "task.completed",
        "task.canceled",
        "task.deleted",
        "task.system-deleted",
        "task.updated",
        "task.wrapup",
        "task.transfer-initiated",
        "task.transfer-attempt-failed",
        "task.transfer-failed",
        "task.transfer-canceled",
        "task.transfer-completed",
        "task-channel.created",
        "task-channel.updated",
        "task-channel.deleted",
        "task-queue.created",
        "task-queue.deleted",
        "task-queue.entered",
        "task-queue.timeout",
        "task-queue.moved",
        "task-queue.expression.updated",
        "worker.activity.update",
        "worker.attributes.update",
        "worker.capacity.update",
        "worker.channel.availability.update",
        "worker.created",
        "worker.deleted",
        "workflow.created",
        "workflow.updated",
        "workflow.deleted",
        "workflow.entered",
        "workflow.skipped",
        "workflow.target-matched",
        "workflow.timeout",
        "workspace.created",
        "workspace.updated",
        "workspace.deleted",
    }
)


_COMMON_TR = {
    "AccountSid": ("account_sid", _str),
    "WorkspaceSid": ("workspace_sid", _str),
    "TaskSid": ("task_sid", _str),
    "TaskAttributes": ("task_attributes", _json_object),
    "TaskAge": ("task_age", _int),
    "TaskPriority": ("task_priority", _int),
    "TaskQueueSid": ("task_queue_sid", _str),
    "WorkerSid": ("worker_sid", _str),
    "WorkerAttributes": ("worker_attributes", _json_object),
    "ReservationSid": ("reservation_sid", _str),
    "WorkflowSid": ("workflow_sid", _str),
    "Timestamp": ("timestamp", _epoch),
}


@attrs.frozen(kw_only=True)
class TaskRouterEvent(Event):
    """A workspace event callback (``EventCallbackUrl``): answer 2xx within 15 s."""

    sid: str | None = None
    """The event's SID (``EV…``, ``Sid``) when Twilio sends it."""
    event_description: str | None = attrs.field(default=None, repr=False)
    """``EventDescription``: what happened, in words."""
    account_sid: str | None = attrs.field(default=None, repr=False)
    """``AccountSid``: the account (``AC…``)."""
    workspace_sid: str | None = attrs.field(default=None, repr=False)
    """``WorkspaceSid``: the workspace (``WS…``)."""
    workspace_name: str | None = attrs.field(default=None, repr=False)
    """``WorkspaceName``."""
    resource_type: str | None = attrs.field(default=None, repr=False)
    """``ResourceType``: ``task``, ``reservation``, ``worker``, ``workflow``, ``taskqueue``, ..."""
    resource_sid: str | None = None
    """``ResourceSid``: the resource the event is most relevant to."""
    timestamp: datetime | None = attrs.field(default=None, repr=False)
    """When the event happened, UTC (``TimestampMs`` when sent, else ``Timestamp``)."""
    task_sid: str | None = None
    """``TaskSid`` (``WT…``)."""
    task_attributes: dict[str, Any] | None = attrs.field(default=None, repr=False)
    """``TaskAttributes`` decoded from JSON."""
    task_age: int | None = attrs.field(default=None, repr=False)
    """``TaskAge``: seconds since the task was created."""
    task_priority: int | None = attrs.field(default=None, repr=False)
    """``TaskPriority``."""
    task_assignment_status: str | None = attrs.field(default=None, repr=False)
    """``TaskAssignmentStatus``: ``pending``, ``reserved``, ``assigned``, ``wrapping``, ..."""
    task_canceled_reason: str | None = attrs.field(default=None, repr=False)
    """``TaskCanceledReason`` (``Task TTL Exceeded``, ...)."""
    task_completed_reason: str | None = attrs.field(default=None, repr=False)
    """``TaskCompletedReason``."""
    task_channel_sid: str | None = attrs.field(default=None, repr=False)
    """``TaskChannelSid`` (``TC…``)."""
    task_channel_unique_name: str | None = attrs.field(default=None, repr=False)
    """``TaskChannelUniqueName``: ``chat``, ``voice``, ``sms``, ..."""
    task_queue_sid: str | None = attrs.field(default=None, repr=False)
    """``TaskQueueSid`` (``WQ…``)."""
    task_queue_name: str | None = attrs.field(default=None, repr=False)
    """``TaskQueueName``."""
    task_queue_target_expression: str | None = attrs.field(default=None, repr=False)
    """``TaskQueueTargetExpression``."""
    task_date_created: datetime | None = attrs.field(default=None, repr=False)
    """``TaskDateCreated``, UTC."""
    task_timeout: int | None = attrs.field(default=None, repr=False)
    """``TaskTimeout``: the task's time to live in seconds."""
    task_version: int | None = attrs.field(default=None, repr=False)
    """``TaskVersion``: grows with every change of the task."""
    reservation_sid: str | None = None
    """``ReservationSid`` (``WR…``)."""
    reservation_version: int | None = attrs.field(default=None, repr=False)
    """``ReservationVersion``."""
    worker_sid: str | None = None
    """``WorkerSid`` (``WK…``)."""
    worker_name: str | None = attrs.field(default=None, repr=False)
    """``WorkerName``."""
    worker_attributes: dict[str, Any] | None = attrs.field(default=None, repr=False)
    """``WorkerAttributes`` decoded from JSON."""
    worker_activity_sid: str | None = attrs.field(default=None, repr=False)
    """``WorkerActivitySid`` (``WA…``)."""
    worker_activity_name: str | None = attrs.field(default=None, repr=False)
    """``WorkerActivityName``."""
    worker_previous_activity_sid: str | None = attrs.field(default=None, repr=False)
    """``WorkerPreviousActivitySid``."""
    worker_previous_activity_name: str | None = attrs.field(default=None, repr=False)
    """``WorkerPreviousActivityName``."""
    worker_time_in_previous_activity: int | None = attrs.field(default=None, repr=False)
    """``WorkerTimeInPreviousActivity``, seconds."""
    worker_version: int | None = attrs.field(default=None, repr=False)
    """``WorkerVersion``."""
    workflow_sid: str | None = attrs.field(default=None, repr=False)
    """``WorkflowSid`` (``WW…``)."""
    workflow_name: str | None = attrs.field(default=None, repr=False)
    """``WorkflowName``."""
    activity_sid: str | None = attrs.field(default=None, repr=False)
    """``ActivitySid`` (``WA…``)."""
    activity_name: str | None = attrs.field(default=None, repr=False)
    """``ActivityName``."""
    transfer_sid: str | None = attrs.field(default=None, repr=False)
    """``TransferSid`` of ``task.transfer-*`` events."""
    transfer_mode: str | None = attrs.field(default=None, repr=False)
    """``TransferMode``: ``COLD`` or ``WARM``."""
    transfer_type: str | None = attrs.field(default=None, repr=False)
    """``TransferType``: ``WORKER`` or ``QUEUE``."""
    transfer_to: str | None = attrs.field(default=None, repr=False)
    """``TransferTo``: the worker or queue the task goes to."""

    _FIELDS: ClassVar[Mapping[str, tuple[str, _Decoder]]] = _fields(
        {
            **_COMMON_TR,
            "Sid": ("sid", _str),
            "EventDescription": ("event_description", _str),
            "WorkspaceName": ("workspace_name", _str),
            "ResourceType": ("resource_type", _str),
            "ResourceSid": ("resource_sid", _str),
            "TaskAssignmentStatus": ("task_assignment_status", _str),
            "TaskCanceledReason": ("task_canceled_reason", _str),
            "TaskCompletedReason": ("task_completed_reason", _str),
            "TaskChannelSid": ("task_channel_sid", _str),
            "TaskChannelUniqueName": ("task_channel_unique_name", _str),
            "TaskQueueName": ("task_queue_name", _str),
            "TaskQueueTargetExpression": ("task_queue_target_expression", _str),
            "TaskDateCreated": ("task_date_created", _epoch),
            "TaskTimeout": ("task_timeout", _int),
            "TaskVersion": ("task_version", _int),
            "ReservationVersion": ("reservation_version", _int),
            "WorkerName": ("worker_name", _str),
            "WorkerActivitySid": ("worker_activity_sid", _str),
            "WorkerActivityName": ("worker_activity_name", _str),
            "WorkerPreviousActivitySid": ("worker_previous_activity_sid", _str),
            "WorkerPreviousActivityName": ("worker_previous_activity_name", _str),
            "WorkerTimeInPreviousActivity": ("worker_time_in_previous_activity", _int),
            "WorkerVersion": ("worker_version", _int),
            "WorkflowName": ("workflow_name", _str),
            "ActivitySid": ("activity_sid", _str),
            "ActivityName": ("activity_name", _str),
            "TransferSid": ("transfer_sid", _str),
            "TransferMode": ("transfer_mode", _str),
            "TransferType": ("transfer_type", _str),
            "TransferTo": ("transfer_to", _str),
        }
    )

    @classmethod
    def from_params(
        cls, params: Mapping[str, str], *, event_type: str, idempotency_token: str | None = None
    ) -> Any:
        """Build the event; ``TimestampMs`` wins over ``Timestamp`` when both are sent."""
        event = super().from_params(
            params, event_type=event_type, idempotency_token=idempotency_token
        )
        millis = _int(params.get("TimestampMs", ""))
        if millis is not None:
            precise = _epoch(str(millis / 1000))
            if precise is not None:
                event = attrs.evolve(event, timestamp=precise)
        return event

    @property
    def ordering_key(self) -> str | None:
        """The task when there is one, else the resource the event is about."""
        if self.task_sid:
            return f"task:{self.task_sid}"
        if self.resource_sid:
            return f"resource:{self.resource_sid}"
        return None

    def dedup_identity(self) -> str:
        """The event's identity when no idempotency token came with it.

        The event SID (``Sid``) when sent; otherwise ``EventType``, ``ResourceSid``,
        ``TimestampMs`` (or ``Timestamp``) and the versions of the task, reservation and worker
        it carries, so two different changes of one resource in the same second stay apart.
        """
        p = self.params
        if p.get("Sid"):
            return f"{p.get('AccountSid', '')}:{p['Sid']}"
        parts = [
            p.get("AccountSid", ""),
            self.event_type,
            p.get("ResourceSid", ""),
            p.get("TimestampMs") or p.get("Timestamp", ""),
            p.get("TaskVersion", ""),
            p.get("ReservationVersion", ""),
            p.get("WorkerVersion", ""),
        ]
        return "|".join(parts)
