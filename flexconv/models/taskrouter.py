"""TaskRouter's setup resources: workspaces, activities, task queues and worker channels."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from flexconv.models._base import Model, OpenStrEnum

__all__ = ["Activity", "TaskOrder", "TaskQueue", "WorkerChannel", "Workspace"]


class TaskOrder(OpenStrEnum):
    """The order a task queue (or a workspace, ``prioritize_queue_order``) hands tasks out."""

    FIFO = "FIFO"
    LIFO = "LIFO"


@attrs.define(frozen=True, kw_only=True, repr=False)
class Workspace(Model):
    """A TaskRouter workspace (``WS…``): the container of a contact centre's routing."""

    _repr_fields = ("sid", "friendly_name")

    account_sid: str | None = None
    """The account the workspace belongs to (``AC…``)."""
    date_created: datetime | None = None
    """When the workspace was created."""
    date_updated: datetime | None = None
    """When the workspace last changed."""
    default_activity_name: str | None = None
    """The name of the activity new workers start in."""
    default_activity_sid: str | None = None
    """The activity new workers start in (``WA…``)."""
    event_callback_url: str | None = None
    """Where TaskRouter posts the workspace's events (`None`: nowhere)."""
    events_filter: str | None = None
    """The comma-separated event types posted to ``event_callback_url`` (`None`: all)."""
    friendly_name: str | None = None
    """The workspace's name (Flex's is ``Flex Task Assignment``)."""
    multi_task_enabled: bool | None = None
    """Whether workers can take several tasks at once (capacity per channel)."""
    sid: str | None = None
    """The workspace's SID (``WS…``)."""
    timeout_activity_name: str | None = None
    """The name of the activity a worker moves to when a reservation times out."""
    timeout_activity_sid: str | None = None
    """The activity a worker moves to when a reservation times out (``WA…``)."""
    prioritize_queue_order: TaskOrder | None = None
    """Whether tasks of equal priority go out oldest first (``FIFO``) or newest first."""
    url: str | None = None
    """The workspace's absolute URL."""
    links: dict[str, Any] | None = None
    """URLs of the workspace's sub-resources."""


@attrs.define(frozen=True, kw_only=True, repr=False)
class Activity(Model):
    """A worker activity (``WA…``) such as ``Available`` or ``Offline``."""

    _repr_fields = ("sid", "friendly_name", "available")

    account_sid: str | None = None
    """The account the activity belongs to (``AC…``)."""
    available: bool | None = None
    """Whether workers in this activity can be offered tasks."""
    date_created: datetime | None = None
    """When the activity was created."""
    date_updated: datetime | None = None
    """When the activity last changed."""
    friendly_name: str | None = None
    """The activity's name, unique in its workspace."""
    sid: str | None = None
    """The activity's SID (``WA…``)."""
    workspace_sid: str | None = None
    """The workspace the activity belongs to (``WS…``)."""
    url: str | None = None
    """The activity's absolute URL."""
    links: dict[str, Any] | None = None
    """URLs of related resources."""


@attrs.define(frozen=True, kw_only=True, repr=False)
class TaskQueue(Model):
    """A task queue (``WQ…``): the workers ``target_workers`` selects wait for its tasks."""

    _repr_fields = ("sid", "friendly_name", "target_workers")

    account_sid: str | None = None
    """The account the queue belongs to (``AC…``)."""
    assignment_activity_sid: str | None = None
    """The activity a worker moves to when it accepts one of the queue's tasks (``WA…``)."""
    assignment_activity_name: str | None = None
    """The name of ``assignment_activity_sid``."""
    date_created: datetime | None = None
    """When the queue was created."""
    date_updated: datetime | None = None
    """When the queue last changed."""
    friendly_name: str | None = None
    """The queue's name."""
    max_reserved_workers: int | None = None
    """How many workers a task of this queue is offered to at once (1 to 50)."""
    reservation_activity_sid: str | None = None
    """The activity a worker moves to when offered one of the queue's tasks (``WA…``)."""
    reservation_activity_name: str | None = None
    """The name of ``reservation_activity_sid``."""
    sid: str | None = None
    """The queue's SID (``WQ…``)."""
    target_workers: str | None = None
    """The TaskRouter expression over worker attributes selecting the queue's workers."""
    task_order: TaskOrder | None = None
    """Whether tasks of equal priority go out oldest first (``FIFO``) or newest first."""
    url: str | None = None
    """The queue's absolute URL."""
    workspace_sid: str | None = None
    """The workspace the queue belongs to (``WS…``)."""
    links: dict[str, Any] | None = None
    """URLs of related resources (statistics, ...)."""


@attrs.define(frozen=True, kw_only=True, repr=False)
class WorkerChannel(Model):
    """A worker's capacity on one task channel (``WC…``): ``chat`` capacity 3, say."""

    _repr_fields = ("task_channel_unique_name", "configured_capacity", "available")

    account_sid: str | None = None
    """The account the channel belongs to (``AC…``)."""
    assigned_tasks: int | None = None
    """How many of the channel's tasks the worker holds now."""
    available: bool | None = None
    """Whether the worker takes tasks on this channel at all."""
    available_capacity_percentage: int | None = None
    """The share of ``configured_capacity`` still free (0 to 100)."""
    configured_capacity: int | None = None
    """How many tasks of this channel the worker can hold at once."""
    date_created: datetime | None = None
    """When the channel was created."""
    date_updated: datetime | None = None
    """When the channel last changed."""
    sid: str | None = None
    """The worker channel's SID (``WC…``)."""
    task_channel_sid: str | None = None
    """The task channel (``TC…``)."""
    task_channel_unique_name: str | None = None
    """The task channel's unique name (``chat``, ``voice``, ...)."""
    worker_sid: str | None = None
    """The worker (``WK…``)."""
    workspace_sid: str | None = None
    """The workspace (``WS…``)."""
    url: str | None = None
    """The worker channel's absolute URL."""
