"""TaskRouter workflows, workers, tasks and reservations, plus the typed workflow configuration."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from flexconv._core.routing import (
    InteractionTaskError,
    RoutingFilter,
    RoutingTarget,
    WorkerLookupError,
    WorkflowConfiguration,
    last_agent_then_queue,
)
from flexconv.models._base import Attributes, Model, OpenStrEnum

__all__ = [
    "AssignmentStatus",
    "InteractionTaskError",
    "Reservation",
    "ReservationStatus",
    "RoutingFilter",
    "RoutingTarget",
    "Task",
    "Worker",
    "WorkerLookupError",
    "Workflow",
    "WorkflowConfiguration",
    "last_agent_then_queue",
]


class AssignmentStatus(OpenStrEnum):
    """A task's assignment status."""

    PENDING = "pending"
    RESERVED = "reserved"
    ASSIGNED = "assigned"
    CANCELED = "canceled"
    COMPLETED = "completed"
    WRAPPING = "wrapping"


class ReservationStatus(OpenStrEnum):
    """A reservation's status."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    TIMEOUT = "timeout"
    CANCELED = "canceled"
    RESCINDED = "rescinded"
    WRAPPING = "wrapping"
    COMPLETED = "completed"


@attrs.define(frozen=True, kw_only=True, repr=False)
class Workflow(Model):
    """A TaskRouter workflow (``WW…``); [`routing`][flexconv.models.routing.Workflow.routing] parses its configuration."""

    _repr_fields = ("sid", "friendly_name")

    account_sid: str | None = None
    """SID (`AC…`) of the Twilio account that owns this resource."""
    assignment_callback_url: str | None = None
    """URL TaskRouter calls when one of the workflow's tasks is assigned."""
    configuration: str | None = None
    """The routing configuration as a JSON string; `routing` parses it."""
    date_created: datetime | None = None
    """When the workflow was created (Twilio sends RFC 2822 here)."""
    date_updated: datetime | None = None
    """When the workflow last changed (Twilio sends RFC 2822 here)."""
    document_content_type: str | None = None
    """MIME type of the configuration document."""
    fallback_assignment_callback_url: str | None = None
    """URL called when the assignment callback fails."""
    friendly_name: str | None = None
    """The workflow's name, such as `Customer Support`."""
    sid: str | None = None
    """The workflow's SID (`WW…`)."""
    task_reservation_timeout: int | None = None
    """Seconds TaskRouter waits for a reservation answer (up to 86,400; 120 by default)."""
    workspace_sid: str | None = None
    """SID (`WS…`) of the TaskRouter workspace that holds this resource."""
    url: str | None = None
    """Absolute API URL of this workflow."""
    links: dict[str, Any] | None = None
    """Absolute API URLs of related resources, by name."""

    @property
    def routing(self) -> WorkflowConfiguration:
        """The configuration as a typed [`WorkflowConfiguration`][flexconv.models.routing.WorkflowConfiguration]."""
        return WorkflowConfiguration.from_json(self.configuration or "{}")


@attrs.define(frozen=True, kw_only=True, repr=False)
class Worker(Model):
    """A TaskRouter worker (``WK…``).  Lists carry ``attributes: null``; a fetch returns them."""

    _repr_fields = ("sid", "friendly_name", "activity_name")

    account_sid: str | None = None
    """SID (`AC…`) of the Twilio account that owns this resource."""
    activity_name: str | None = None
    """Friendly name of the worker's current activity."""
    activity_sid: str | None = None
    """SID (`WA…`) of the worker's current activity."""
    attributes: Attributes | None = None
    """The worker's JSON attributes (skills, contact URI…), decoded to a dict; `None` in lists."""
    available: bool | None = None
    """Whether the worker's activity lets it take tasks."""
    date_created: datetime | None = None
    """When the resource was created (timezone-aware, UTC)."""
    date_status_changed: datetime | None = None
    """When the worker's activity last changed."""
    date_updated: datetime | None = None
    """When the resource last changed (timezone-aware, UTC)."""
    friendly_name: str | None = None
    """The worker's name, unique in the workspace (case-insensitive)."""
    sid: str | None = None
    """The worker's SID (`WK…`)."""
    workspace_sid: str | None = None
    """SID (`WS…`) of the TaskRouter workspace that holds this resource."""
    url: str | None = None
    """Absolute API URL of this worker."""
    links: dict[str, Any] | None = None
    """Absolute API URLs of related resources, by name."""


@attrs.define(frozen=True, kw_only=True, repr=False)
class Task(Model):
    """A TaskRouter task (``WT…``).  [`etag`][flexconv.models.routing.Task.etag] holds the response's ``ETag`` for ``If-Match``."""

    _repr_fields = ("sid", "assignment_status", "task_queue_friendly_name")

    account_sid: str | None = None
    """SID (`AC…`) of the Twilio account that owns this resource."""
    age: int | None = None
    """Seconds since the task was created."""
    assignment_status: AssignmentStatus | None = None
    """Lifecycle state: `pending`, `reserved`, `assigned`, `canceled`, `wrapping`, `completed`."""
    attributes: Attributes | None = None
    """The task's JSON attributes, decoded to a dict; lists may omit them, a fetch returns them."""
    addons: str | None = None
    """Data from installed Twilio Add-ons, as a JSON string."""
    date_created: datetime | None = None
    """When the resource was created (timezone-aware, UTC)."""
    date_updated: datetime | None = None
    """When the resource last changed (timezone-aware, UTC)."""
    task_queue_entered_date: datetime | None = None
    """When the task entered its current queue."""
    priority: int | None = None
    """Current priority; higher-priority tasks are assigned first."""
    reason: str | None = None
    """Why the task was canceled or completed, when given."""
    sid: str | None = None
    """The task's SID (`WT…`)."""
    task_queue_sid: str | None = None
    """SID (`WQ…`) of the queue holding the task."""
    task_queue_friendly_name: str | None = None
    """Friendly name of that queue."""
    task_channel_sid: str | None = None
    """SID (`TC…`) of the task's channel."""
    task_channel_unique_name: str | None = None
    """Unique name of the task's channel (`chat`, `sms`, `voice`…)."""
    timeout: int | None = None
    """Seconds the task may wait for assignment before it is canceled."""
    workflow_sid: str | None = None
    """SID (`WW…`) of the workflow that routes the task."""
    workflow_friendly_name: str | None = None
    """Friendly name of that workflow."""
    workspace_sid: str | None = None
    """SID (`WS…`) of the TaskRouter workspace that holds this resource."""
    url: str | None = None
    """Absolute API URL of this task."""
    links: dict[str, Any] | None = None
    """Absolute API URLs of related resources, by name."""
    virtual_start_time: datetime | None = None
    """The time used to order the task in routing (defaults to its creation time)."""
    ignore_capacity: bool | None = None
    """Whether assignment ignores the worker's capacity and availability (only with a worker as
    `routing_target`).
    """
    routing_target: str | None = None
    """SID of the worker, queue or workflow the task was sent to directly."""

    @property
    def etag(self) -> str | None:
        """The ``ETag`` the task came with (for ``If-Match``), when it came from a response."""
        info = self._response
        if info is None:
            return None
        headers = getattr(info, "headers", None) or {}
        for key, value in dict(headers).items():
            if key.lower() == "etag":
                return str(value)
        return None


@attrs.define(frozen=True, kw_only=True, repr=False)
class Reservation(Model):
    """A reservation (``WR…``): a task offered to a worker."""

    _repr_fields = ("sid", "reservation_status", "worker_name")

    account_sid: str | None = None
    """SID (`AC…`) of the Twilio account that owns this resource."""
    date_created: datetime | None = None
    """When the resource was created (timezone-aware, UTC)."""
    date_updated: datetime | None = None
    """When the resource last changed (timezone-aware, UTC)."""
    reservation_status: ReservationStatus | None = None
    """Where the offer stands: `pending`, `accepted`, `rejected`, `timeout`, `canceled`,
    `rescinded`, `wrapping`, `completed`.
    """
    sid: str | None = None
    """The reservation's SID (`WR…`)."""
    task_sid: str | None = None
    """SID (`WT…`) of the reserved task."""
    worker_name: str | None = None
    """Friendly name of the reserved worker."""
    worker_sid: str | None = None
    """SID (`WK…`) of the reserved worker."""
    workspace_sid: str | None = None
    """SID (`WS…`) of the TaskRouter workspace that holds this resource."""
    url: str | None = None
    """Absolute API URL of this reservation."""
    links: dict[str, Any] | None = None
    """Absolute API URLs of related resources, by name."""
