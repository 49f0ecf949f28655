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
    assignment_callback_url: str | None = None
    configuration: str | None = None
    date_created: datetime | None = None
    date_updated: datetime | None = None
    document_content_type: str | None = None
    fallback_assignment_callback_url: str | None = None
    friendly_name: str | None = None
    sid: str | None = None
    task_reservation_timeout: int | None = None
    workspace_sid: str | None = None
    url: str | None = None
    links: dict[str, Any] | None = None

    @property
    def routing(self) -> WorkflowConfiguration:
        """The configuration as a typed [`WorkflowConfiguration`][flexconv.models.routing.WorkflowConfiguration]."""
        return WorkflowConfiguration.from_json(self.configuration or "{}")


@attrs.define(frozen=True, kw_only=True, repr=False)
class Worker(Model):
    """A TaskRouter worker (``WK…``).  Lists carry ``attributes: null``; a fetch returns them."""

    _repr_fields = ("sid", "friendly_name", "activity_name")

    account_sid: str | None = None
    activity_name: str | None = None
    activity_sid: str | None = None
    attributes: Attributes | None = None
    available: bool | None = None
    date_created: datetime | None = None
    date_status_changed: datetime | None = None
    date_updated: datetime | None = None
    friendly_name: str | None = None
    sid: str | None = None
    workspace_sid: str | None = None
    url: str | None = None
    links: dict[str, Any] | None = None


@attrs.define(frozen=True, kw_only=True, repr=False)
class Task(Model):
    """A TaskRouter task (``WT…``).  [`etag`][flexconv.models.routing.Task.etag] holds the response's ``ETag`` for ``If-Match``."""

    _repr_fields = ("sid", "assignment_status", "task_queue_friendly_name")

    account_sid: str | None = None
    age: int | None = None
    assignment_status: AssignmentStatus | None = None
    attributes: Attributes | None = None
    addons: str | None = None
    date_created: datetime | None = None
    date_updated: datetime | None = None
    task_queue_entered_date: datetime | None = None
    priority: int | None = None
    reason: str | None = None
    sid: str | None = None
    task_queue_sid: str | None = None
    task_queue_friendly_name: str | None = None
    task_channel_sid: str | None = None
    task_channel_unique_name: str | None = None
    timeout: int | None = None
    workflow_sid: str | None = None
    workflow_friendly_name: str | None = None
    workspace_sid: str | None = None
    url: str | None = None
    links: dict[str, Any] | None = None
    virtual_start_time: datetime | None = None
    ignore_capacity: bool | None = None
    routing_target: str | None = None

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
    date_created: datetime | None = None
    date_updated: datetime | None = None
    reservation_status: ReservationStatus | None = None
    sid: str | None = None
    task_sid: str | None = None
    worker_name: str | None = None
    worker_sid: str | None = None
    workspace_sid: str | None = None
    url: str | None = None
    links: dict[str, Any] | None = None
