"""The emulator's TaskRouter product: workspaces, workers, queues, workflows, tasks, reservations.

State lives in plain objects (`Workspace`, `Task`, ...) reachable through the
Python API of `TaskRouter` and through the HTTP routes it registers under the product
``taskrouter`` (``/v1/Workspaces/...``, as in Twilio's ``twilio_taskrouter_v1`` spec).

Routing is simulated on the emulator's virtual clock.  A task entering a workflow is matched
against the workflow's filters top to bottom (the first whose expression holds on the task's
attributes wins, else ``default_filter``); the filter's targets are tried in turn, each for its
``timeout`` seconds.  A target offers the task to the workers of its queue that also satisfy the
target's ``expression`` and ``known_worker_sid`` / ``known_worker_friendly_name``, that are in an
available activity and have free capacity on the task's channel.  A chosen worker gets a pending
reservation; reservations not answered within the workflow's ``TaskReservationTimeout`` time out
and move the worker to the workspace's timeout activity.  After the last target's timeout the
task falls through to ``default_filter``.  Canceled tasks are deleted 5 minutes after the cancel,
completed tasks 10 minutes after completion.

Capacity: every worker has one `WorkerChannel` per task channel, capacity 1 unless changed
through ``/Workers/{WorkerSid}/Channels/{Sid}``; pending, accepted and wrapping reservations use
it.  With ``MultiTaskEnabled=false`` a worker holds one task at a time across all channels.

Bus events (keyword arguments): ``taskrouter.task.created(task)``,
``taskrouter.task.updated(task, previous_status)``, ``taskrouter.task.deleted(task)``,
``taskrouter.reservation.<status>(task, reservation, worker)`` for ``created``, ``accepted``,
``rejected``, ``timeout``, ``canceled``, ``rescinded``, ``wrapping`` and ``completed``.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol

from flexconv.emulator._base import (
    ApiError,
    Clock,
    EmuRequest,
    EmuResponse,
    EventBus,
    Router,
    Sids,
    bad_request,
    iso,
    not_found,
    paginate,
)
from flexconv.emulator.expressions import Expression, ExpressionError, parse

__all__ = [
    "Activity",
    "EmulatorLike",
    "Event",
    "Reservation",
    "Task",
    "TaskChannel",
    "TaskQueue",
    "TaskRouter",
    "Worker",
    "WorkerChannel",
    "Workflow",
    "Workspace",
]

#: The URL prefix used by ``to_json()`` when no request supplies one.
DEFAULT_BASE_URL = "https://taskrouter.twilio.com"
PRODUCT = "taskrouter"
MAX_PAGE_SIZE = 1000
CANCELED_TASK_TTL = 5 * 60
COMPLETED_TASK_TTL = 10 * 60
DEFAULT_TASK_TIMEOUT = 86400
MAX_TASK_TIMEOUT = 31536000
DEFAULT_RESERVATION_TIMEOUT = 120
MAX_RESERVATION_TIMEOUT = 86400

TASK_STATUSES = ("pending", "reserved", "assigned", "canceled", "completed", "wrapping")
RESERVATION_STATUSES = (
    "pending",
    "accepted",
    "rejected",
    "timeout",
    "canceled",
    "rescinded",
    "wrapping",
    "completed",
)
#: Reservation states that hold a worker's capacity.
_HOLDING = ("pending", "accepted", "wrapping")
#: Task status changes allowed through a task update.
_TASK_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "pending": ("canceled",),
    "reserved": ("canceled",),
    "assigned": ("wrapping", "completed"),
    "wrapping": ("completed",),
    "canceled": (),
    "completed": (),
}
_DEFAULT_ACTIVITIES = (
    ("Offline", False),
    ("Available", True),
    ("Unavailable", False),
    ("Break", False),
)
_DEFAULT_CHANNELS = (
    ("default", "Default"),
    ("voice", "Voice"),
    ("chat", "Programmable Chat"),
    ("sms", "SMS"),
    ("video", "Video"),
    ("email", "Email"),
)


class _Webhooks(Protocol):
    def deliver(self, url: str, params: list[tuple[str, str]], /, *, kind: str) -> None: ...


class EmulatorLike(Protocol):
    """What `TaskRouter` needs from the emulator facade."""

    @property
    def clock(self) -> Clock: ...

    @property
    def sids(self) -> Sids: ...

    @property
    def bus(self) -> EventBus: ...

    @property
    def account_sid(self) -> str: ...

    @property
    def webhooks(self) -> Any: ...


# ------------------------------------------------------------------------------------------------
# Resources


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


@dataclass(eq=False)
class Workspace:
    """A TaskRouter workspace and everything in it."""

    sid: str
    account_sid: str
    friendly_name: str
    date_created: datetime
    date_updated: datetime
    event_callback_url: str | None = None
    events_filter: str | None = None
    multi_task_enabled: bool = True
    prioritize_queue_order: str = "FIFO"
    default_activity_sid: str | None = None
    timeout_activity_sid: str | None = None
    activities: dict[str, Activity] = field(default_factory=dict, repr=False)
    workers: dict[str, Worker] = field(default_factory=dict, repr=False)
    task_queues: dict[str, TaskQueue] = field(default_factory=dict, repr=False)
    task_channels: dict[str, TaskChannel] = field(default_factory=dict, repr=False)
    workflows: dict[str, Workflow] = field(default_factory=dict, repr=False)
    tasks: dict[str, Task] = field(default_factory=dict, repr=False)
    reservations: dict[str, Reservation] = field(default_factory=dict, repr=False)
    events: list[Event] = field(default_factory=list, repr=False)
    #: The emulator's clock (task ages in ``to_json()`` without an explicit ``now``).
    clock: Clock | None = field(default=None, repr=False)

    @property
    def workspace_sid(self) -> str:
        """The workspace's own SID (for uniformity with the other resources)."""
        return self.sid

    def path(self) -> str:
        """The resource path under the product's base URL."""
        return f"/v1/Workspaces/{self.sid}"

    def activity_name(self, sid: str | None) -> str | None:
        """The friendly name of an activity of this workspace."""
        activity = self.activities.get(sid or "")
        return activity.friendly_name if activity else None

    def to_json(self, base_url: str = DEFAULT_BASE_URL) -> dict[str, Any]:
        """The API representation."""
        url = base_url + self.path()
        subs = {
            "activities": "Activities",
            "events": "Events",
            "tasks": "Tasks",
            "task_queues": "TaskQueues",
            "workers": "Workers",
            "workflows": "Workflows",
            "task_channels": "TaskChannels",
            "statistics": "Statistics",
            "real_time_statistics": "RealTimeStatistics",
            "cumulative_statistics": "CumulativeStatistics",
        }
        return {
            "account_sid": self.account_sid,
            "date_created": iso(self.date_created),
            "date_updated": iso(self.date_updated),
            "default_activity_name": self.activity_name(self.default_activity_sid),
            "default_activity_sid": self.default_activity_sid,
            "event_callback_url": self.event_callback_url,
            "events_filter": self.events_filter,
            "friendly_name": self.friendly_name,
            "multi_task_enabled": self.multi_task_enabled,
            "sid": self.sid,
            "timeout_activity_name": self.activity_name(self.timeout_activity_sid),
            "timeout_activity_sid": self.timeout_activity_sid,
            "prioritize_queue_order": self.prioritize_queue_order,
            "url": url,
            "links": {k: f"{url}/{v}" for k, v in subs.items()},
        }


@dataclass(eq=False)
class Activity:
    """A worker activity (Available, Offline, ...)."""

    sid: str
    workspace: Workspace = field(repr=False)
    friendly_name: str
    available: bool
    date_created: datetime
    date_updated: datetime

    @property
    def workspace_sid(self) -> str:
        """The SID of the workspace holding this activity."""
        return self.workspace.sid

    def to_json(self, base_url: str = DEFAULT_BASE_URL) -> dict[str, Any]:
        """The API representation."""
        ws_url = base_url + self.workspace.path()
        return {
            "account_sid": self.workspace.account_sid,
            "available": self.available,
            "date_created": iso(self.date_created),
            "date_updated": iso(self.date_updated),
            "friendly_name": self.friendly_name,
            "sid": self.sid,
            "workspace_sid": self.workspace.sid,
            "url": f"{ws_url}/Activities/{self.sid}",
            "links": {"workspace": ws_url},
        }


@dataclass(eq=False)
class WorkerChannel:
    """A worker's capacity and availability on one task channel."""

    sid: str
    worker: Worker = field(repr=False)
    task_channel: TaskChannel = field(repr=False)
    configured_capacity: int
    available: bool
    date_created: datetime
    date_updated: datetime

    def assigned_tasks(self) -> int:
        """Tasks of this channel the worker holds (accepted or wrapping reservations)."""
        return sum(
            1
            for r in self.worker.workspace.reservations.values()
            if r.worker_sid == self.worker.sid
            and r.reservation_status in ("accepted", "wrapping")
            and r.task.task_channel_sid == self.task_channel.sid
        )

    def to_json(self, base_url: str = DEFAULT_BASE_URL) -> dict[str, Any]:
        """The API representation."""
        ws = self.worker.workspace
        assigned = self.assigned_tasks()
        capacity = self.configured_capacity
        percentage = max(0, (capacity - assigned) * 100 // capacity) if capacity > 0 else 0
        return {
            "account_sid": ws.account_sid,
            "assigned_tasks": assigned,
            "available": self.available,
            "available_capacity_percentage": percentage,
            "configured_capacity": capacity,
            "date_created": iso(self.date_created),
            "date_updated": iso(self.date_updated),
            "sid": self.sid,
            "task_channel_sid": self.task_channel.sid,
            "task_channel_unique_name": self.task_channel.unique_name,
            "worker_sid": self.worker.sid,
            "workspace_sid": ws.sid,
            "url": f"{base_url}{self.worker.path()}/Channels/{self.sid}",
        }


@dataclass(eq=False)
class Worker:
    """A worker (an agent)."""

    sid: str
    workspace: Workspace = field(repr=False)
    friendly_name: str
    attributes: dict[str, Any]
    activity_sid: str
    date_created: datetime
    date_updated: datetime
    date_status_changed: datetime
    version: int = 0
    #: Task channel SID -> the worker's channel.
    channels: dict[str, WorkerChannel] = field(default_factory=dict, repr=False)
    #: When the worker last got a reservation (routing prefers the longest idle worker).
    last_reserved: datetime | None = field(default=None, repr=False)
    seq: int = field(default=0, repr=False)

    @property
    def workspace_sid(self) -> str:
        """The SID of the workspace holding this worker."""
        return self.workspace.sid

    @property
    def activity_name(self) -> str | None:
        """The friendly name of the worker's current activity."""
        return self.workspace.activity_name(self.activity_sid)

    @property
    def available(self) -> bool:
        """Whether the worker's activity is an available one."""
        activity = self.workspace.activities.get(self.activity_sid)
        return bool(activity and activity.available)

    def path(self) -> str:
        """The resource path under the product's base URL."""
        return f"{self.workspace.path()}/Workers/{self.sid}"

    def to_json(self, base_url: str = DEFAULT_BASE_URL) -> dict[str, Any]:
        """The API representation."""
        url = base_url + self.path()
        ws_url = base_url + self.workspace.path()
        return {
            "account_sid": self.workspace.account_sid,
            "activity_name": self.activity_name,
            "activity_sid": self.activity_sid,
            "attributes": _dumps(self.attributes),
            "available": self.available,
            "date_created": iso(self.date_created),
            "date_status_changed": iso(self.date_status_changed),
            "date_updated": iso(self.date_updated),
            "friendly_name": self.friendly_name,
            "sid": self.sid,
            "workspace_sid": self.workspace.sid,
            "url": url,
            "links": {
                "channels": f"{url}/Channels",
                "reservations": f"{url}/Reservations",
                "statistics": f"{url}/Statistics",
                "activity": f"{ws_url}/Activities/{self.activity_sid}",
                "workspace": ws_url,
            },
        }


@dataclass(eq=False)
class TaskQueue:
    """A task queue; its ``target_workers`` expression decides which workers belong to it."""

    sid: str
    workspace: Workspace = field(repr=False)
    friendly_name: str
    target_workers: str
    date_created: datetime
    date_updated: datetime
    max_reserved_workers: int = 1
    task_order: str = "FIFO"
    reservation_activity_sid: str | None = None
    assignment_activity_sid: str | None = None

    @property
    def workspace_sid(self) -> str:
        """The SID of the workspace holding this queue."""
        return self.workspace.sid

    def has_worker(self, worker: Worker) -> bool:
        """Whether ``worker`` belongs to this queue."""
        return parse(self.target_workers).evaluate(worker.attributes, worker=worker.attributes)

    def to_json(self, base_url: str = DEFAULT_BASE_URL) -> dict[str, Any]:
        """The API representation."""
        ws = self.workspace
        ws_url = base_url + ws.path()
        url = f"{ws_url}/TaskQueues/{self.sid}"
        links = {
            "statistics": f"{url}/Statistics",
            "real_time_statistics": f"{url}/RealTimeStatistics",
            "cumulative_statistics": f"{url}/CumulativeStatistics",
            "workspace": ws_url,
        }
        if self.assignment_activity_sid:
            links["assignment_activity"] = f"{ws_url}/Activities/{self.assignment_activity_sid}"
        if self.reservation_activity_sid:
            links["reservation_activity"] = f"{ws_url}/Activities/{self.reservation_activity_sid}"
        return {
            "account_sid": ws.account_sid,
            "assignment_activity_sid": self.assignment_activity_sid,
            "assignment_activity_name": ws.activity_name(self.assignment_activity_sid),
            "date_created": iso(self.date_created),
            "date_updated": iso(self.date_updated),
            "friendly_name": self.friendly_name,
            "max_reserved_workers": self.max_reserved_workers,
            "reservation_activity_sid": self.reservation_activity_sid,
            "reservation_activity_name": ws.activity_name(self.reservation_activity_sid),
            "sid": self.sid,
            "target_workers": self.target_workers,
            "task_order": self.task_order,
            "url": url,
            "workspace_sid": ws.sid,
            "links": links,
        }


@dataclass(eq=False)
class TaskChannel:
    """A task channel (``default``, ``voice``, ``chat``, ``sms``, ...)."""

    sid: str
    workspace: Workspace = field(repr=False)
    unique_name: str
    friendly_name: str
    date_created: datetime
    date_updated: datetime
    channel_optimized_routing: bool | None = None

    @property
    def workspace_sid(self) -> str:
        """The SID of the workspace holding this channel."""
        return self.workspace.sid

    def to_json(self, base_url: str = DEFAULT_BASE_URL) -> dict[str, Any]:
        """The API representation."""
        ws_url = base_url + self.workspace.path()
        return {
            "account_sid": self.workspace.account_sid,
            "date_created": iso(self.date_created),
            "date_updated": iso(self.date_updated),
            "friendly_name": self.friendly_name,
            "sid": self.sid,
            "unique_name": self.unique_name,
            "workspace_sid": self.workspace.sid,
            "channel_optimized_routing": self.channel_optimized_routing,
            "url": f"{ws_url}/TaskChannels/{self.sid}",
            "links": {"workspace": ws_url},
        }


@dataclass(frozen=True)
class _Target:
    queue_sid: str
    expression: str | None = None
    known_worker_sid: str | None = None
    known_worker_friendly_name: str | None = None
    timeout: int | None = None
    priority: int | None = None


@dataclass(frozen=True)
class _Filter:
    name: str
    expression: Expression
    targets: tuple[_Target, ...]


@dataclass(frozen=True)
class _Plan:
    filters: tuple[_Filter, ...]
    default: _Target | None


@dataclass(eq=False)
class Workflow:
    """A workflow: its configuration decides where tasks go."""

    sid: str
    workspace: Workspace = field(repr=False)
    friendly_name: str
    configuration: dict[str, Any]
    date_created: datetime
    date_updated: datetime
    assignment_callback_url: str | None = None
    fallback_assignment_callback_url: str | None = None
    task_reservation_timeout: int = DEFAULT_RESERVATION_TIMEOUT
    plan: _Plan = field(default_factory=lambda: _Plan((), None), repr=False)

    @property
    def workspace_sid(self) -> str:
        """The SID of the workspace holding this workflow."""
        return self.workspace.sid

    def to_json(self, base_url: str = DEFAULT_BASE_URL) -> dict[str, Any]:
        """The API representation."""
        ws_url = base_url + self.workspace.path()
        url = f"{ws_url}/Workflows/{self.sid}"
        return {
            "account_sid": self.workspace.account_sid,
            "assignment_callback_url": self.assignment_callback_url,
            "configuration": _dumps(self.configuration),
            "date_created": iso(self.date_created),
            "date_updated": iso(self.date_updated),
            "document_content_type": "application/json",
            "fallback_assignment_callback_url": self.fallback_assignment_callback_url,
            "friendly_name": self.friendly_name,
            "sid": self.sid,
            "task_reservation_timeout": self.task_reservation_timeout,
            "workspace_sid": self.workspace.sid,
            "url": url,
            "links": {
                "statistics": f"{url}/Statistics",
                "real_time_statistics": f"{url}/RealTimeStatistics",
                "cumulative_statistics": f"{url}/CumulativeStatistics",
                "workspace": ws_url,
            },
        }


@dataclass(eq=False)
class Task:
    """A task and its routing state."""

    sid: str
    workspace: Workspace = field(repr=False)
    attributes: dict[str, Any]
    task_channel: TaskChannel = field(repr=False)
    priority: int
    timeout: int
    date_created: datetime
    date_updated: datetime
    virtual_start_time: datetime
    assignment_status: str = "pending"
    reason: str | None = None
    workflow_sid: str | None = None
    task_queue_sid: str | None = None
    task_queue_entered_date: datetime | None = None
    routing_target: str | None = None
    ignore_capacity: bool | None = None
    version: int = 0
    reservations: list[Reservation] = field(default_factory=list, repr=False)
    seq: int = field(default=0, repr=False)
    # Routing state.
    _targets: tuple[_Target, ...] = field(default=(), repr=False)
    _target_index: int = field(default=-1, repr=False)
    _in_default: bool = field(default=False, repr=False)
    _target_expired: bool = field(default=False, repr=False)
    _excluded: set[str] = field(default_factory=set, repr=False)
    _target_timer: Any = field(default=None, repr=False)
    _ttl_timer: Any = field(default=None, repr=False)
    _delete_timer: Any = field(default=None, repr=False)

    @property
    def workspace_sid(self) -> str:
        """The SID of the workspace holding this task."""
        return self.workspace.sid

    @property
    def task_channel_sid(self) -> str:
        """The SID of the task's channel."""
        return self.task_channel.sid

    @property
    def task_channel_unique_name(self) -> str:
        """The unique name of the task's channel (``chat``, ``voice``...)."""
        return self.task_channel.unique_name

    @property
    def workflow(self) -> Workflow | None:
        """The task's workflow, if any."""
        return self.workspace.workflows.get(self.workflow_sid or "")

    @property
    def task_queue(self) -> TaskQueue | None:
        """The queue the task currently sits in, if any."""
        return self.workspace.task_queues.get(self.task_queue_sid or "")

    @property
    def current_target(self) -> _Target | None:
        """The workflow target the task is currently offered through."""
        if 0 <= self._target_index < len(self._targets):
            return self._targets[self._target_index]
        return None

    def age(self, now: datetime) -> int:
        """Seconds since the task's virtual start time."""
        return max(0, int((now - self.virtual_start_time).total_seconds()))

    def path(self) -> str:
        """The resource path under the product's base URL."""
        return f"{self.workspace.path()}/Tasks/{self.sid}"

    def to_json(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        now: datetime | None = None,
        in_list: bool = False,
    ) -> dict[str, Any]:
        """The API representation (``attributes`` is null in list results, as in Twilio)."""
        ws = self.workspace
        ws_url = base_url + ws.path()
        url = base_url + self.path()
        queue = self.task_queue
        workflow = self.workflow
        links = {"reservations": f"{url}/Reservations", "workspace": ws_url}
        if self.task_queue_sid:
            links["task_queue"] = f"{ws_url}/TaskQueues/{self.task_queue_sid}"
        if self.workflow_sid:
            links["workflow"] = f"{ws_url}/Workflows/{self.workflow_sid}"
        return {
            "account_sid": ws.account_sid,
            "age": self.age(now or (ws.clock.now() if ws.clock else self.date_updated)),
            "assignment_status": self.assignment_status,
            "attributes": None if in_list else _dumps(self.attributes),
            "addons": "{}",
            "date_created": iso(self.date_created),
            "date_updated": iso(self.date_updated),
            "task_queue_entered_date": iso(self.task_queue_entered_date),
            "priority": self.priority,
            "reason": self.reason,
            "sid": self.sid,
            "task_queue_sid": self.task_queue_sid,
            "task_queue_friendly_name": queue.friendly_name if queue else None,
            "task_channel_sid": self.task_channel.sid,
            "task_channel_unique_name": self.task_channel.unique_name,
            "timeout": self.timeout,
            "workflow_sid": self.workflow_sid,
            "workflow_friendly_name": workflow.friendly_name if workflow else None,
            "workspace_sid": ws.sid,
            "url": url,
            "links": links,
            "virtual_start_time": iso(self.virtual_start_time),
            "ignore_capacity": self.ignore_capacity,
            "routing_target": self.routing_target,
        }


@dataclass(eq=False)
class Reservation:
    """A reservation: a task offered to one worker."""

    sid: str
    task: Task = field(repr=False)
    worker: Worker = field(repr=False)
    date_created: datetime
    date_updated: datetime
    reservation_status: str = "pending"
    version: int = 0
    _timer: Any = field(default=None, repr=False)

    @property
    def workspace_sid(self) -> str:
        """The SID of the workspace holding this reservation."""
        return self.task.workspace.sid

    @property
    def task_sid(self) -> str:
        """The reserved task's SID."""
        return self.task.sid

    @property
    def worker_sid(self) -> str:
        """The SID of the worker the task is offered to."""
        return self.worker.sid

    @property
    def worker_name(self) -> str:
        """The friendly name of the worker."""
        return self.worker.friendly_name

    @property
    def attributes(self) -> dict[str, Any]:
        """The reserved task's attributes."""
        return self.task.attributes

    def to_json(
        self, base_url: str = DEFAULT_BASE_URL, *, via_worker: bool = False
    ) -> dict[str, Any]:
        """The API representation (``via_worker``: as read under ``/Workers/{sid}``)."""
        ws_url = base_url + self.task.workspace.path()
        task_url = base_url + self.task.path()
        worker_url = base_url + self.worker.path()
        url = (
            f"{worker_url}/Reservations/{self.sid}"
            if via_worker
            else f"{task_url}/Reservations/{self.sid}"
        )
        return {
            "account_sid": self.task.workspace.account_sid,
            "date_created": iso(self.date_created),
            "date_updated": iso(self.date_updated),
            "reservation_status": self.reservation_status,
            "sid": self.sid,
            "task_sid": self.task.sid,
            "worker_name": self.worker.friendly_name,
            "worker_sid": self.worker.sid,
            "workspace_sid": self.task.workspace.sid,
            "url": url,
            "links": {"task": task_url, "worker": worker_url, "workspace": ws_url},
        }


@dataclass(eq=False)
class Event:
    """An entry of a workspace's event log."""

    sid: str
    workspace: Workspace = field(repr=False)
    event_type: str
    description: str
    resource_type: str
    resource_sid: str
    resource_path: str
    event_date: datetime
    event_data: dict[str, Any]

    def to_json(self, base_url: str = DEFAULT_BASE_URL) -> dict[str, Any]:
        """The API representation."""
        ws_url = base_url + self.workspace.path()
        return {
            "account_sid": self.workspace.account_sid,
            "actor_sid": self.workspace.sid,
            "actor_type": "workspace",
            "actor_url": ws_url,
            "description": self.description,
            "event_data": self.event_data,
            "event_date": iso(self.event_date),
            "event_date_ms": int(self.event_date.timestamp() * 1000),
            "event_type": self.event_type,
            "resource_sid": self.resource_sid,
            "resource_type": self.resource_type,
            "resource_url": base_url + self.resource_path,
            "sid": self.sid,
            "source": "twilio",
            "source_ip_address": None,
            "url": f"{ws_url}/Events/{self.sid}",
            "workspace_sid": self.workspace.sid,
        }


# ------------------------------------------------------------------------------------------------
# Helpers


def _pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def _epoch(dt: datetime | None) -> str | None:
    return None if dt is None else str(int(dt.timestamp()))


def _check_if_match(header: str | None, version: int, what: str) -> None:
    """Compare an ``If-Match`` header with a resource's ETag (a version number)."""
    if header is None or not header.strip():
        return
    for tag in header.split(","):
        tag = tag.strip()
        if tag == "*":
            return
        if tag.removeprefix("W/").strip('"') == str(version):
            return
    raise ApiError(
        412,
        20412,
        f"Precondition failed: If-Match {header!r} does not match the current ETag "
        f"{version} of {what}",
    )


def _parse_attributes(raw: str | None, name: str = "Attributes") -> dict[str, Any] | None:
    if raw is None:
        return None
    try:
        value = json.loads(raw) if raw.strip() else {}
    except ValueError:
        raise bad_request(f"{name} must be a valid JSON object") from None
    if not isinstance(value, dict):
        raise bad_request(f"{name} must be a JSON object")
    return value


def _int_value(raw: str | None, name: str, low: int, high: int) -> int | None:
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        raise bad_request(f"{name} must be an integer, got {raw!r}") from None
    if not low <= value <= high:
        raise bad_request(f"{name} must be between {low} and {high}, got {value}")
    return value


def _parse_date(raw: str, name: str) -> datetime:
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise bad_request(f"{name} must be an ISO 8601 date, got {raw!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _expression(source: str, what: str) -> Expression:
    try:
        return parse(source)
    except ExpressionError as exc:
        raise bad_request(f"Invalid {what}: {exc}") from None


def _ordering(raw: str | None, allowed: Mapping[str, str]) -> list[tuple[str, bool]]:
    """``Ordering=DateCreated:asc,Priority:desc`` as (attribute, descending) pairs."""
    if not raw:
        return []
    keys: list[tuple[str, bool]] = []
    for part in raw.split(","):
        name, _, direction = part.strip().partition(":")
        direction = direction.lower() or "asc"
        if name not in allowed or direction not in ("asc", "desc"):
            raise bad_request(f"Invalid Ordering {raw!r}")
        keys.append((allowed[name], direction == "desc"))
    return keys


def _sort(items: list[Any], keys: Sequence[tuple[str, bool]]) -> list[Any]:
    for attr, descending in reversed(keys):
        items.sort(key=operator.attrgetter(attr), reverse=descending)
    return items


def _statuses(req: EmuRequest, name: str, allowed: Sequence[str]) -> list[str]:
    values = [v.strip() for raw in req.qs(name) for v in raw.split(",") if v.strip()]
    for value in values:
        if value not in allowed:
            raise bad_request(f"Invalid {name} {value!r}; expected one of {', '.join(allowed)}")
    return values


# ------------------------------------------------------------------------------------------------
# The product


class TaskRouter:
    """The emulator's TaskRouter: state, routing simulation, Python API and HTTP routes."""

    def __init__(self, emu: EmulatorLike) -> None:
        self.emu = emu
        self.workspaces: dict[str, Workspace] = {}
        self._seq = 0
        self._dirty: list[Workspace] = []
        self._dispatching = False

    # -- small utilities ---------------------------------------------------------------------

    @property
    def clock(self) -> Clock:
        """The emulator's virtual clock."""
        return self.emu.clock

    def _now(self) -> datetime:
        return self.emu.clock.now()

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def _sid(self, prefix: str) -> str:
        return self.emu.sids.new(prefix)

    def _emit(self, name: str, **data: Any) -> None:
        self.emu.bus.emit(name, **data)

    # -- lookups -----------------------------------------------------------------------------

    def get_workspace(self, workspace_sid: str) -> Workspace:
        """A workspace by SID (404 ``ApiError`` when unknown)."""
        ws = self.workspaces.get(workspace_sid)
        if ws is None:
            raise not_found(f"/v1/Workspaces/{workspace_sid}")
        return ws

    def _lookup(self, store: Mapping[str, Any], ws: Workspace, kind: str, sid: str) -> Any:
        found = store.get(sid)
        if found is None:
            raise not_found(f"{ws.path()}/{kind}/{sid}")
        return found

    def get_activity(self, workspace_sid: str, activity_sid: str) -> Activity:
        """An activity by SID."""
        ws = self.get_workspace(workspace_sid)
        activity: Activity = self._lookup(ws.activities, ws, "Activities", activity_sid)
        return activity

    def get_worker(self, workspace_sid: str, worker_sid: str) -> Worker:
        """A worker by SID."""
        ws = self.get_workspace(workspace_sid)
        worker: Worker = self._lookup(ws.workers, ws, "Workers", worker_sid)
        return worker

    def get_task_queue(self, workspace_sid: str, task_queue_sid: str) -> TaskQueue:
        """A task queue by SID."""
        ws = self.get_workspace(workspace_sid)
        queue: TaskQueue = self._lookup(ws.task_queues, ws, "TaskQueues", task_queue_sid)
        return queue

    def get_task_channel(self, workspace_sid: str, channel: str) -> TaskChannel:
        """A task channel by SID or unique name."""
        ws = self.get_workspace(workspace_sid)
        found = self._find_channel(ws, channel)
        if found is None:
            raise not_found(f"{ws.path()}/TaskChannels/{channel}")
        return found

    def get_workflow(self, workspace_sid: str, workflow_sid: str) -> Workflow:
        """A workflow by SID."""
        ws = self.get_workspace(workspace_sid)
        workflow: Workflow = self._lookup(ws.workflows, ws, "Workflows", workflow_sid)
        return workflow

    def get_task(self, workspace_sid: str, task_sid: str) -> Task:
        """A task by SID (404 once deleted)."""
        ws = self.get_workspace(workspace_sid)
        task: Task = self._lookup(ws.tasks, ws, "Tasks", task_sid)
        return task

    def get_reservation(
        self, workspace_sid: str, task_sid: str, reservation_sid: str
    ) -> Reservation:
        """A reservation of a task."""
        task = self.get_task(workspace_sid, task_sid)
        for reservation in task.reservations:
            if reservation.sid == reservation_sid:
                return reservation
        raise not_found(f"{task.path()}/Reservations/{reservation_sid}")

    def _worker_reservation(
        self, workspace_sid: str, worker_sid: str, reservation_sid: str
    ) -> Reservation:
        worker = self.get_worker(workspace_sid, worker_sid)
        found = worker.workspace.reservations.get(reservation_sid)
        if (
            found is None
            or found.worker is not worker
            or found.task.sid not in worker.workspace.tasks
        ):
            raise not_found(f"{worker.path()}/Reservations/{reservation_sid}")
        return found

    @staticmethod
    def _find_channel(ws: Workspace, value: str) -> TaskChannel | None:
        if value in ws.task_channels:
            return ws.task_channels[value]
        for channel in ws.task_channels.values():
            if channel.unique_name == value:
                return channel
        return None

    def reservations_for_task(self, workspace_sid: str, task_sid: str) -> list[Reservation]:
        """Every reservation of a task, oldest first."""
        return list(self.get_task(workspace_sid, task_sid).reservations)

    def reservations_for_worker(self, workspace_sid: str, worker_sid: str) -> list[Reservation]:
        """Every reservation of a worker (of tasks that still exist), oldest first."""
        worker = self.get_worker(workspace_sid, worker_sid)
        ws = worker.workspace
        return [
            r for r in ws.reservations.values() if r.worker is worker and r.task.sid in ws.tasks
        ]

    def events(self, workspace_sid: str) -> list[Event]:
        """The workspace's event log, oldest first."""
        return list(self.get_workspace(workspace_sid).events)

    # -- creation (Python API) ---------------------------------------------------------------

    def create_workspace(
        self,
        friendly_name: str,
        *,
        event_callback_url: str | None = None,
        events_filter: str | None = None,
    ) -> Workspace:
        """A new workspace with Twilio's default activities and task channels."""
        return self._create_workspace(
            friendly_name, event_callback_url=event_callback_url, events_filter=events_filter
        )

    def _create_workspace(
        self,
        friendly_name: str,
        *,
        event_callback_url: str | None = None,
        events_filter: str | None = None,
        multi_task_enabled: bool = True,
        template: str | None = None,
        prioritize_queue_order: str = "FIFO",
    ) -> Workspace:
        if not friendly_name:
            raise bad_request("FriendlyName is required")
        if template is not None and template.upper() != "FIFO":
            raise bad_request(f"Unknown Template {template!r}; the only template is FIFO")
        now = self._now()
        ws = Workspace(
            sid=self._sid("WS"),
            account_sid=self.emu.account_sid,
            friendly_name=friendly_name,
            date_created=now,
            date_updated=now,
            event_callback_url=event_callback_url or None,
            events_filter=events_filter or None,
            multi_task_enabled=multi_task_enabled,
            prioritize_queue_order=prioritize_queue_order,
            clock=self.emu.clock,
        )
        self.workspaces[ws.sid] = ws
        for name, available in _DEFAULT_ACTIVITIES:
            self._new_activity(ws, name, available)
        offline = next(a for a in ws.activities.values() if a.friendly_name == "Offline")
        ws.default_activity_sid = offline.sid
        ws.timeout_activity_sid = offline.sid
        for unique_name, name in _DEFAULT_CHANNELS:
            self._new_channel(ws, unique_name, name, None)
        if template is not None:
            queue = self._new_queue(ws, "Sample Queue", "1==1")
            self._new_workflow(
                ws,
                "Default Fifo Workflow",
                {
                    "task_routing": {
                        "filters": [],
                        "default_filter": {"queue": queue.sid},
                    }
                },
                None,
                None,
                DEFAULT_RESERVATION_TIMEOUT,
            )
        return ws

    def create_activity(
        self, workspace_sid: str, friendly_name: str, *, available: bool
    ) -> Activity:
        """A new activity."""
        return self._new_activity(self.get_workspace(workspace_sid), friendly_name, available)

    def _new_activity(self, ws: Workspace, friendly_name: str, available: bool) -> Activity:
        if not friendly_name:
            raise bad_request("FriendlyName is required")
        if any(a.friendly_name == friendly_name for a in ws.activities.values()):
            raise bad_request(f"An activity named {friendly_name!r} already exists")
        now = self._now()
        activity = Activity(self._sid("WA"), ws, friendly_name, available, now, now)
        ws.activities[activity.sid] = activity
        self._record(ws, "activity.created", f"Activity {friendly_name} created", activity=activity)
        return activity

    def create_worker(
        self,
        workspace_sid: str,
        friendly_name: str,
        *,
        attributes: dict[str, Any] | None = None,
        activity_sid: str | None = None,
    ) -> Worker:
        """A new worker (in the workspace's default activity unless ``activity_sid`` is given)."""
        ws = self.get_workspace(workspace_sid)
        return self._new_worker(ws, friendly_name, attributes, activity_sid)

    def _new_worker(
        self,
        ws: Workspace,
        friendly_name: str,
        attributes: dict[str, Any] | None,
        activity_sid: str | None,
    ) -> Worker:
        if not friendly_name:
            raise bad_request("FriendlyName is required")
        if any(w.friendly_name == friendly_name for w in ws.workers.values()):
            raise bad_request(f"A worker named {friendly_name!r} already exists")
        activity_sid = activity_sid or ws.default_activity_sid
        if activity_sid is None or activity_sid not in ws.activities:
            raise bad_request(f"ActivitySid {activity_sid!r} is not an activity of this workspace")
        now = self._now()
        worker = Worker(
            sid=self._sid("WK"),
            workspace=ws,
            friendly_name=friendly_name,
            attributes=dict(attributes or {}),
            activity_sid=activity_sid,
            date_created=now,
            date_updated=now,
            date_status_changed=now,
            seq=self._next_seq(),
        )
        ws.workers[worker.sid] = worker
        for channel in ws.task_channels.values():
            self._add_worker_channel(worker, channel)
        self._record(ws, "worker.created", f"Worker {friendly_name} created", worker=worker)
        if worker.available:
            self._dispatch(ws)
        return worker

    def _add_worker_channel(self, worker: Worker, channel: TaskChannel) -> None:
        now = self._now()
        worker.channels[channel.sid] = WorkerChannel(
            self._sid("WC"), worker, channel, 1, True, now, now
        )

    def create_task_queue(
        self,
        workspace_sid: str,
        friendly_name: str,
        *,
        target_workers: str = "1==1",
        max_reserved_workers: int = 1,
        task_order: str = "FIFO",
        reservation_activity_sid: str | None = None,
        assignment_activity_sid: str | None = None,
    ) -> TaskQueue:
        """A new task queue; ``target_workers`` is an expression on worker attributes."""
        ws = self.get_workspace(workspace_sid)
        return self._new_queue(
            ws,
            friendly_name,
            target_workers,
            max_reserved_workers=max_reserved_workers,
            task_order=task_order,
            reservation_activity_sid=reservation_activity_sid,
            assignment_activity_sid=assignment_activity_sid,
        )

    def _new_queue(
        self,
        ws: Workspace,
        friendly_name: str,
        target_workers: str,
        *,
        max_reserved_workers: int = 1,
        task_order: str = "FIFO",
        reservation_activity_sid: str | None = None,
        assignment_activity_sid: str | None = None,
    ) -> TaskQueue:
        if not friendly_name:
            raise bad_request("FriendlyName is required")
        if any(q.friendly_name == friendly_name for q in ws.task_queues.values()):
            raise bad_request(f"A task queue named {friendly_name!r} already exists")
        _expression(target_workers, "TargetWorkers")
        self._check_queue_fields(ws, max_reserved_workers, task_order)
        for sid in (reservation_activity_sid, assignment_activity_sid):
            if sid is not None and sid not in ws.activities:
                raise bad_request(f"{sid} is not an activity of this workspace")
        now = self._now()
        queue = TaskQueue(
            sid=self._sid("WQ"),
            workspace=ws,
            friendly_name=friendly_name,
            target_workers=target_workers,
            date_created=now,
            date_updated=now,
            max_reserved_workers=max_reserved_workers,
            task_order=task_order,
            reservation_activity_sid=reservation_activity_sid,
            assignment_activity_sid=assignment_activity_sid,
        )
        ws.task_queues[queue.sid] = queue
        self._record(ws, "task-queue.created", f"TaskQueue {friendly_name} created", queue=queue)
        return queue

    @staticmethod
    def _check_queue_fields(ws: Workspace, max_reserved_workers: int, task_order: str) -> None:
        if not 1 <= max_reserved_workers <= 50:
            raise bad_request("MaxReservedWorkers must be between 1 and 50")
        if task_order not in ("FIFO", "LIFO"):
            raise bad_request("TaskOrder must be FIFO or LIFO")

    def create_task_channel(
        self,
        workspace_sid: str,
        unique_name: str,
        friendly_name: str,
        *,
        channel_optimized_routing: bool | None = None,
    ) -> TaskChannel:
        """A new task channel (unique names are unique within the workspace)."""
        ws = self.get_workspace(workspace_sid)
        return self._new_channel(ws, unique_name, friendly_name, channel_optimized_routing)

    def _new_channel(
        self,
        ws: Workspace,
        unique_name: str,
        friendly_name: str,
        channel_optimized_routing: bool | None,
    ) -> TaskChannel:
        if not unique_name or not friendly_name:
            raise bad_request("UniqueName and FriendlyName are required")
        if self._find_channel(ws, unique_name) is not None:
            raise bad_request(f"A task channel with unique name {unique_name!r} already exists")
        now = self._now()
        channel = TaskChannel(
            self._sid("TC"), ws, unique_name, friendly_name, now, now, channel_optimized_routing
        )
        ws.task_channels[channel.sid] = channel
        for worker in ws.workers.values():
            self._add_worker_channel(worker, channel)
        return channel

    def create_workflow(
        self,
        workspace_sid: str,
        friendly_name: str,
        configuration: dict[str, Any],
        *,
        assignment_callback_url: str | None = None,
        task_reservation_timeout: int = DEFAULT_RESERVATION_TIMEOUT,
    ) -> Workflow:
        """A new workflow; ``configuration`` is the ``task_routing`` document as a dict."""
        ws = self.get_workspace(workspace_sid)
        return self._new_workflow(
            ws,
            friendly_name,
            configuration,
            assignment_callback_url,
            None,
            task_reservation_timeout,
        )

    def _new_workflow(
        self,
        ws: Workspace,
        friendly_name: str,
        configuration: Any,
        assignment_callback_url: str | None,
        fallback_assignment_callback_url: str | None,
        task_reservation_timeout: int,
    ) -> Workflow:
        if not friendly_name:
            raise bad_request("FriendlyName is required")
        plan = self._plan(ws, configuration)
        if not 1 <= task_reservation_timeout <= MAX_RESERVATION_TIMEOUT:
            raise bad_request(
                f"TaskReservationTimeout must be between 1 and {MAX_RESERVATION_TIMEOUT}"
            )
        now = self._now()
        workflow = Workflow(
            sid=self._sid("WW"),
            workspace=ws,
            friendly_name=friendly_name,
            configuration=configuration,
            date_created=now,
            date_updated=now,
            assignment_callback_url=assignment_callback_url or None,
            fallback_assignment_callback_url=fallback_assignment_callback_url or None,
            task_reservation_timeout=task_reservation_timeout,
            plan=plan,
        )
        ws.workflows[workflow.sid] = workflow
        self._record(ws, "workflow.created", f"Workflow {friendly_name} created", workflow=workflow)
        return workflow

    def _plan(self, ws: Workspace, configuration: Any) -> _Plan:
        """Validate a workflow configuration and compile it."""
        if not isinstance(configuration, dict):
            raise bad_request("Configuration must be a JSON object")
        routing = configuration.get("task_routing")
        if not isinstance(routing, dict):
            raise bad_request("Configuration must contain a task_routing object")
        raw_filters = routing.get("filters", [])
        if not isinstance(raw_filters, list):
            raise bad_request("task_routing.filters must be a list")
        filters: list[_Filter] = []
        for i, raw in enumerate(raw_filters):
            where = f"task_routing.filters[{i}]"
            if not isinstance(raw, dict):
                raise bad_request(f"{where} must be an object")
            source = raw.get("expression")
            if not isinstance(source, str):
                raise bad_request(f"{where}.expression is required")
            targets = raw.get("targets")
            if not isinstance(targets, list) or not targets:
                raise bad_request(f"{where}.targets must be a non-empty list")
            filters.append(
                _Filter(
                    name=str(raw.get("filter_friendly_name") or raw.get("friendly_name") or ""),
                    expression=_expression(source, f"{where}.expression"),
                    targets=tuple(
                        self._target(ws, t, f"{where}.targets[{j}]") for j, t in enumerate(targets)
                    ),
                )
            )
        default = routing.get("default_filter")
        default_target = None
        if default is not None:
            default_target = self._target(ws, default, "task_routing.default_filter")
        return _Plan(tuple(filters), default_target)

    @staticmethod
    def _target(ws: Workspace, raw: Any, where: str) -> _Target:
        if not isinstance(raw, dict):
            raise bad_request(f"{where} must be an object")
        queue = raw.get("queue")
        if not isinstance(queue, str) or queue not in ws.task_queues:
            raise bad_request(f"{where}.queue must be the SID of a TaskQueue of this workspace")
        expression = raw.get("expression")
        if expression is not None:
            if not isinstance(expression, str):
                raise bad_request(f"{where}.expression must be a string")
            _expression(expression, f"{where}.expression")
        known: dict[str, str | None] = {}
        for key in ("known_worker_sid", "known_worker_friendly_name"):
            value = raw.get(key)
            if value is not None and not isinstance(value, str):
                raise bad_request(f"{where}.{key} must be a string")
            known[key] = value
        numbers: dict[str, int | None] = {}
        for key in ("timeout", "priority"):
            value = raw.get(key)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                raise bad_request(f"{where}.{key} must be an integer")
            numbers[key] = value
        if numbers["timeout"] is not None and numbers["timeout"] < 0:
            raise bad_request(f"{where}.timeout must not be negative")
        return _Target(
            queue_sid=queue,
            expression=expression,
            known_worker_sid=known["known_worker_sid"],
            known_worker_friendly_name=known["known_worker_friendly_name"],
            timeout=numbers["timeout"],
            priority=numbers["priority"],
        )

    def create_task(
        self,
        workspace_sid: str,
        *,
        attributes: dict[str, Any],
        workflow_sid: str | None = None,
        task_channel: str | None = None,
        priority: int | None = None,
        timeout: int | None = None,
    ) -> Task:
        """A new task, routed at once through its workflow.

        Without ``workflow_sid`` the workspace's only workflow is used, as in Twilio; with no
        workflow at all the task stays pending.  ``task_channel`` is a unique name or a TC SID.
        """
        ws = self.get_workspace(workspace_sid)
        return self._new_task(
            ws,
            attributes=attributes,
            workflow_sid=workflow_sid,
            task_channel=task_channel,
            priority=priority,
            timeout=timeout,
        )

    def _new_task(
        self,
        ws: Workspace,
        *,
        attributes: dict[str, Any] | None,
        workflow_sid: str | None = None,
        task_channel: str | None = None,
        priority: int | None = None,
        timeout: int | None = None,
        task_queue_sid: str | None = None,
        virtual_start_time: datetime | None = None,
        routing_target: str | None = None,
        ignore_capacity: bool | None = None,
    ) -> Task:
        if attributes is not None and not isinstance(attributes, dict):
            raise bad_request("Attributes must be a JSON object")
        channel = self._find_channel(ws, task_channel or "default")
        if channel is None:
            raise bad_request(
                f"TaskChannel {task_channel!r} is not a task channel of this workspace"
            )
        workflow: Workflow | None = None
        queue: TaskQueue | None = None
        if task_queue_sid:
            queue = ws.task_queues.get(task_queue_sid)
            if queue is None:
                raise bad_request(f"TaskQueueSid {task_queue_sid} is not a queue of this workspace")
        if workflow_sid:
            workflow = ws.workflows.get(workflow_sid)
            if workflow is None:
                raise bad_request(f"WorkflowSid {workflow_sid} is not a workflow of this workspace")
        elif queue is None:
            if len(ws.workflows) == 1:
                workflow = next(iter(ws.workflows.values()))
            elif len(ws.workflows) > 1:
                raise bad_request(
                    "WorkflowSid is required when the workspace has more than one workflow"
                )
        if priority is not None and not 0 <= priority <= 2**31 - 1:
            raise bad_request("Priority must be between 0 and 2147483647")
        if timeout is not None and not 1 <= timeout <= MAX_TASK_TIMEOUT:
            raise bad_request(f"Timeout must be between 1 and {MAX_TASK_TIMEOUT}")
        now = self._now()
        task = Task(
            sid=self._sid("WT"),
            workspace=ws,
            attributes=dict(attributes or {}),
            task_channel=channel,
            priority=priority or 0,
            timeout=timeout or DEFAULT_TASK_TIMEOUT,
            date_created=now,
            date_updated=now,
            virtual_start_time=virtual_start_time or now,
            workflow_sid=workflow.sid if workflow else None,
            routing_target=routing_target,
            ignore_capacity=ignore_capacity,
            seq=self._next_seq(),
        )
        ws.tasks[task.sid] = task
        task._ttl_timer = self.clock.call_later(task.timeout, lambda: self._task_ttl(task))
        self._record(ws, "task.created", f"Task {task.sid} created", task=task)
        self._emit("taskrouter.task.created", task=task)
        if queue is not None:
            self._start_targets(task, (_Target(queue_sid=queue.sid),), in_default=True)
        elif workflow is not None:
            self._enter_workflow(task, workflow)
        self._dispatch(ws)
        return task

    def create_direct_task(
        self,
        workspace_sid: str,
        *,
        attributes: dict[str, Any],
        task_queue_sid: str | None = None,
        worker_sid: str | None = None,
        task_channel: str | None = None,
        priority: int | None = None,
        timeout: int | None = None,
    ) -> Task:
        """A task routed straight to a queue, or to one worker of a queue, without a workflow.

        This is what Flex does for invites, transfers and agent-initiated interactions.  With
        ``worker_sid`` and no queue, the first queue the worker belongs to is used; a worker
        outside the queue is a 400 with Twilio's code 40152.  The task waits for that worker
        (no timeout, no fallback).
        """
        ws = self.get_workspace(workspace_sid)
        queue = self.get_task_queue(workspace_sid, task_queue_sid) if task_queue_sid else None
        target_worker = self.get_worker(workspace_sid, worker_sid) if worker_sid else None
        if target_worker is not None:
            if queue is None:
                queue = next(
                    (q for q in ws.task_queues.values() if q.has_worker(target_worker)), None
                )
            if queue is None or not queue.has_worker(target_worker):
                raise ApiError(400, 40152, f"Worker {worker_sid} is not in the target queue")
        if queue is None:
            raise bad_request("A task queue or a worker is required")
        was_dispatching = self._dispatching
        self._dispatching = True  # route once the final target is in place
        try:
            task = self._new_task(
                ws,
                attributes=attributes,
                task_channel=task_channel,
                priority=priority,
                timeout=timeout,
                task_queue_sid=queue.sid,
            )
            if target_worker is not None:
                self._start_targets(
                    task,
                    (_Target(queue_sid=queue.sid, known_worker_sid=target_worker.sid),),
                    in_default=True,
                )
        finally:
            self._dispatching = was_dispatching
        self._dispatch(ws)
        return task

    # -- updates (Python API) ----------------------------------------------------------------

    def update_task(
        self,
        workspace_sid: str,
        task_sid: str,
        *,
        assignment_status: str | None = None,
        reason: str | None = None,
        attributes: dict[str, Any] | None = None,
    ) -> Task:
        """Change a task's status (with the state machine's checks) and/or attributes."""
        task = self.get_task(workspace_sid, task_sid)
        return self._update_task(
            task, assignment_status=assignment_status, reason=reason, attributes=attributes
        )

    def _update_task(
        self,
        task: Task,
        *,
        assignment_status: str | None = None,
        reason: str | None = None,
        attributes: dict[str, Any] | None = None,
        priority: int | None = None,
        task_channel: str | None = None,
        if_match: str | None = None,
    ) -> Task:
        ws = task.workspace
        _check_if_match(if_match, task.version, f"task {task.sid}")
        if assignment_status is not None:
            if assignment_status not in TASK_STATUSES:
                raise bad_request(
                    f"Invalid AssignmentStatus {assignment_status!r}; "
                    f"expected one of {', '.join(TASK_STATUSES)}"
                )
            if assignment_status in ("canceled", "completed") and not reason:
                raise bad_request(f"A Reason is required to move a task to {assignment_status}")
            if assignment_status not in _TASK_TRANSITIONS[task.assignment_status]:
                raise bad_request(
                    f"Cannot change task {task.sid} from {task.assignment_status} to "
                    f"{assignment_status}"
                )
        if attributes is not None and not isinstance(attributes, dict):
            raise bad_request("Attributes must be a JSON object")
        if priority is not None and not 0 <= priority <= 2**31 - 1:
            raise bad_request("Priority must be between 0 and 2147483647")
        channel = None
        if task_channel is not None:
            channel = self._find_channel(ws, task_channel)
            if channel is None:
                raise bad_request(f"TaskChannel {task_channel!r} is not a task channel")
            if task.assignment_status != "pending" and channel is not task.task_channel:
                raise bad_request("The task channel can only change while the task is pending")

        previous = task.assignment_status
        changed = False
        reroute = False
        if attributes is not None:
            task.attributes = dict(attributes)
            changed = True
            reroute = task.assignment_status == "pending"
        if priority is not None and priority != task.priority:
            task.priority = priority
            changed = True
        if channel is not None and channel is not task.task_channel:
            task.task_channel = channel
            changed = True
        if changed and assignment_status is None:
            self._touch(task)
            self._record(ws, "task.updated", f"Task {task.sid} updated", task=task)
            self._emit("taskrouter.task.updated", task=task, previous_status=previous)
        if assignment_status == "canceled":
            self._finish_task(task, "canceled", reason, previous)
        elif assignment_status == "completed":
            self._finish_task(task, "completed", reason, previous)
        elif assignment_status == "wrapping":
            self._wrap_task(task, reason, previous)
        elif reroute and task.workflow is not None:
            self._enter_workflow(task, task.workflow)
        self._dispatch(ws)
        return task

    def _touch(self, task: Task) -> None:
        task.version += 1
        task.date_updated = self._now()

    def _finish_task(self, task: Task, status: str, reason: str | None, previous: str) -> None:
        ws = task.workspace
        self._stop_routing(task)
        self.clock.cancel(task._ttl_timer)
        task.assignment_status = status
        task.reason = reason
        self._touch(task)
        ended: list[tuple[Reservation, str]] = []
        for reservation in task.reservations:
            if status == "canceled" and reservation.reservation_status == "pending":
                ended.append((reservation, "canceled"))
            elif status == "completed" and reservation.reservation_status in (
                "accepted",
                "wrapping",
            ):
                ended.append((reservation, "completed"))
        for reservation, new_status in ended:
            self._set_reservation(reservation, new_status)
        self._record(ws, f"task.{status}", f"Task {task.sid} {status}: {reason}", task=task)
        self._emit("taskrouter.task.updated", task=task, previous_status=previous)
        for reservation, new_status in ended:
            self._reservation_event(reservation, new_status)
        ttl = CANCELED_TASK_TTL if status == "canceled" else COMPLETED_TASK_TTL
        task._delete_timer = self.clock.call_later(ttl, lambda: self._system_delete(task))

    def _wrap_task(self, task: Task, reason: str | None, previous: str) -> None:
        ws = task.workspace
        task.assignment_status = "wrapping"
        if reason:
            task.reason = reason
        self._touch(task)
        wrapped = [r for r in task.reservations if r.reservation_status == "accepted"]
        for reservation in wrapped:
            self._set_reservation(reservation, "wrapping")
        self._record(ws, "task.wrapup", f"Task {task.sid} wrapping up", task=task)
        self._emit("taskrouter.task.updated", task=task, previous_status=previous)
        for reservation in wrapped:
            self._reservation_event(reservation, "wrapping")

    def delete_task(self, workspace_sid: str, task_sid: str) -> None:
        """Delete a task now (its pending reservations are canceled)."""
        self._delete_task(self.get_task(workspace_sid, task_sid), system=False)

    def _delete_task(self, task: Task, *, system: bool) -> None:
        ws = task.workspace
        if task.sid not in ws.tasks:
            return
        self._stop_routing(task)
        for timer in (task._ttl_timer, task._delete_timer):
            self.clock.cancel(timer)
        ended: list[tuple[Reservation, str]] = []
        for reservation in task.reservations:
            if reservation.reservation_status == "pending":
                ended.append((reservation, "canceled"))
            elif reservation.reservation_status in ("accepted", "wrapping"):
                ended.append((reservation, "completed"))
        for reservation, status in ended:
            self._set_reservation(reservation, status)
        del ws.tasks[task.sid]
        for reservation in task.reservations:
            ws.reservations.pop(reservation.sid, None)
        kind = "task.system-deleted" if system else "task.deleted"
        self._record(ws, kind, f"Task {task.sid} deleted", task=task)
        for reservation, status in ended:
            self._reservation_event(reservation, status)
        self._emit("taskrouter.task.deleted", task=task)
        self._dispatch(ws)

    def _system_delete(self, task: Task) -> None:
        self._delete_task(task, system=True)

    def _task_ttl(self, task: Task) -> None:
        if task.sid in task.workspace.tasks and task.assignment_status in ("pending", "reserved"):
            self._finish_task(task, "canceled", "Task TTL Exceeded", task.assignment_status)
            self._dispatch(task.workspace)

    def update_worker(
        self,
        workspace_sid: str,
        worker_sid: str,
        *,
        activity_sid: str | None = None,
        attributes: dict[str, Any] | None = None,
        friendly_name: str | None = None,
        reject_pending_reservations: bool = False,
    ) -> Worker:
        """Change a worker's activity, attributes or name; routing reacts at once."""
        worker = self.get_worker(workspace_sid, worker_sid)
        return self._update_worker(
            worker,
            activity_sid=activity_sid,
            attributes=attributes,
            friendly_name=friendly_name,
            reject_pending_reservations=reject_pending_reservations,
        )

    def set_worker_activity(self, workspace_sid: str, worker_sid: str, activity: str) -> Worker:
        """Move a worker to an activity given by SID or friendly name (``"Available"``)."""
        ws = self.get_workspace(workspace_sid)
        found = ws.activities.get(activity) or next(
            (a for a in ws.activities.values() if a.friendly_name == activity), None
        )
        if found is None:
            raise bad_request(f"No activity {activity!r} in this workspace")
        return self.update_worker(workspace_sid, worker_sid, activity_sid=found.sid)

    def _update_worker(
        self,
        worker: Worker,
        *,
        activity_sid: str | None = None,
        attributes: dict[str, Any] | None = None,
        friendly_name: str | None = None,
        reject_pending_reservations: bool = False,
        if_match: str | None = None,
    ) -> Worker:
        ws = worker.workspace
        _check_if_match(if_match, worker.version, f"worker {worker.sid}")
        if activity_sid is not None and activity_sid not in ws.activities:
            raise bad_request(f"ActivitySid {activity_sid} is not an activity of this workspace")
        if attributes is not None and not isinstance(attributes, dict):
            raise bad_request("Attributes must be a JSON object")
        if friendly_name is not None and friendly_name != worker.friendly_name:
            if not friendly_name:
                raise bad_request("FriendlyName must not be empty")
            if any(w.friendly_name == friendly_name for w in ws.workers.values()):
                raise bad_request(f"A worker named {friendly_name!r} already exists")
        pending = [
            r
            for r in ws.reservations.values()
            if r.worker is worker and r.reservation_status == "pending"
        ]
        going_unavailable = (
            activity_sid is not None
            and activity_sid != worker.activity_sid
            and not ws.activities[activity_sid].available
        )
        if going_unavailable and pending and not reject_pending_reservations:
            raise bad_request(
                f"Worker {worker.sid} has pending reservations; reject them first or pass "
                "RejectPendingReservations=true"
            )
        if going_unavailable and reject_pending_reservations:
            for reservation in pending:
                self._reject(reservation)
        if friendly_name is not None:
            worker.friendly_name = friendly_name
        if attributes is not None:
            worker.attributes = dict(attributes)
            worker.version += 1
            worker.date_updated = self._now()
            self._record(
                ws,
                "worker.attributes.update",
                f"Worker {worker.friendly_name} attributes updated",
                worker=worker,
            )
        if activity_sid is not None and activity_sid != worker.activity_sid:
            self._change_activity(worker, activity_sid)
        elif friendly_name is not None:
            worker.version += 1
            worker.date_updated = self._now()
        self._dispatch(ws)
        return worker

    def _change_activity(self, worker: Worker, activity_sid: str) -> None:
        previous = worker.activity_sid
        if previous == activity_sid:
            return
        now = self._now()
        worker.activity_sid = activity_sid
        worker.date_status_changed = now
        worker.date_updated = now
        worker.version += 1
        self._record(
            worker.workspace,
            "worker.activity.update",
            f"Worker {worker.friendly_name} updated to {worker.activity_name} Activity",
            worker=worker,
            extra={
                "worker_previous_activity_sid": previous,
                "worker_previous_activity_name": worker.workspace.activity_name(previous),
            },
        )

    def delete_worker(self, workspace_sid: str, worker_sid: str) -> None:
        """Delete a worker that holds no pending, accepted or wrapping reservation."""
        self._delete_worker(self.get_worker(workspace_sid, worker_sid))

    def _delete_worker(self, worker: Worker, if_match: str | None = None) -> None:
        ws = worker.workspace
        _check_if_match(if_match, worker.version, f"worker {worker.sid}")
        if any(
            r.worker is worker and r.reservation_status in _HOLDING
            for r in ws.reservations.values()
        ):
            raise bad_request(f"Worker {worker.sid} still holds reservations")
        del ws.workers[worker.sid]
        self._record(ws, "worker.deleted", f"Worker {worker.friendly_name} deleted", worker=worker)

    # -- reservations ------------------------------------------------------------------------

    def accept_reservation(
        self, workspace_sid: str, task_sid: str, reservation_sid: str
    ) -> Reservation:
        """Accept a pending reservation: the task becomes assigned to its worker."""
        reservation = self.get_reservation(workspace_sid, task_sid, reservation_sid)
        self._answer(reservation, "accepted")
        return reservation

    def reject_reservation(
        self, workspace_sid: str, task_sid: str, reservation_sid: str
    ) -> Reservation:
        """Reject a pending reservation: routing goes on with other workers or targets."""
        reservation = self.get_reservation(workspace_sid, task_sid, reservation_sid)
        self._answer(reservation, "rejected")
        return reservation

    def _answer(
        self,
        reservation: Reservation,
        status: str,
        *,
        worker_activity_sid: str | None = None,
        if_match: str | None = None,
    ) -> None:
        ws = reservation.task.workspace
        _check_if_match(if_match, reservation.version, f"reservation {reservation.sid}")
        if status not in RESERVATION_STATUSES:
            raise bad_request(
                f"Invalid ReservationStatus {status!r}; expected one of {', '.join(RESERVATION_STATUSES)}"
            )
        if worker_activity_sid is not None and worker_activity_sid not in ws.activities:
            raise bad_request(f"WorkerActivitySid {worker_activity_sid} is not an activity")
        current = reservation.reservation_status
        allowed = {
            "accepted": ("pending",),
            "rejected": ("pending",),
            "wrapping": ("accepted",),
            "completed": ("accepted", "wrapping"),
        }
        if status not in allowed or current not in allowed[status]:
            raise bad_request(
                f"Cannot change reservation {reservation.sid} from {current} to {status}"
            )
        if status == "accepted":
            self._accept(reservation)
        elif status == "rejected":
            self._reject(reservation)
        elif status == "wrapping":
            task = reservation.task
            if task.assignment_status == "assigned":
                self._wrap_task(task, None, "assigned")
        else:
            task = reservation.task
            if task.assignment_status in ("assigned", "wrapping"):
                self._finish_task(
                    task, "completed", "Reservation completed", task.assignment_status
                )
        if worker_activity_sid is not None:
            self._change_activity(reservation.worker, worker_activity_sid)
        self._dispatch(ws)

    def _set_reservation(self, reservation: Reservation, status: str) -> None:
        self.clock.cancel(reservation._timer)
        reservation._timer = None
        reservation.reservation_status = status
        reservation.version += 1
        reservation.date_updated = self._now()

    def _reservation_event(self, reservation: Reservation, status: str) -> None:
        """Record the event of a reservation's new status and tell the bus."""
        names = {"wrapping": "wrapup"}
        ws = reservation.task.workspace
        self._record(
            ws,
            f"reservation.{names.get(status, status)}",
            f"Reservation {reservation.sid} {status}",
            task=reservation.task,
            worker=reservation.worker,
            reservation=reservation,
        )
        self._emit(
            f"taskrouter.reservation.{status}",
            task=reservation.task,
            reservation=reservation,
            worker=reservation.worker,
        )

    def _accept(self, reservation: Reservation) -> None:
        task = reservation.task
        previous = task.assignment_status
        self._stop_routing(task)
        self._set_reservation(reservation, "accepted")
        rescinded = [
            r
            for r in task.reservations
            if r is not reservation and r.reservation_status == "pending"
        ]
        for other in rescinded:
            self._set_reservation(other, "rescinded")
        task.assignment_status = "assigned"
        self._touch(task)
        queue = task.task_queue
        if queue is not None and queue.assignment_activity_sid:
            self._change_activity(reservation.worker, queue.assignment_activity_sid)
        self._emit("taskrouter.task.updated", task=task, previous_status=previous)
        self._reservation_event(reservation, "accepted")
        for other in rescinded:
            self._reservation_event(other, "rescinded")

    def _reject(self, reservation: Reservation) -> None:
        self._give_back(reservation, "rejected")

    def _reservation_timeout(self, reservation: Reservation) -> None:
        if reservation.reservation_status != "pending":
            return
        ws = reservation.task.workspace
        self._give_back(reservation, "timeout")
        if ws.timeout_activity_sid and ws.timeout_activity_sid in ws.activities:
            self._change_activity(reservation.worker, ws.timeout_activity_sid)
        self._dispatch(ws)

    def _give_back(self, reservation: Reservation, status: str) -> None:
        """A pending reservation ends unanswered (rejected or timed out)."""
        task = reservation.task
        self._set_reservation(reservation, status)
        task._excluded.add(reservation.worker.sid)
        previous = task.assignment_status
        still_pending = any(r.reservation_status == "pending" for r in task.reservations)
        if task.assignment_status == "reserved" and not still_pending:
            task.assignment_status = "pending"
            self._touch(task)
        if previous != task.assignment_status:
            self._emit("taskrouter.task.updated", task=task, previous_status=previous)
        self._reservation_event(reservation, status)
        if task._target_expired and task.assignment_status == "pending":
            self._next_target(task)

    # -- routing -----------------------------------------------------------------------------

    def _stop_routing(self, task: Task) -> None:
        self.clock.cancel(task._target_timer)
        task._target_timer = None

    def _enter_workflow(self, task: Task, workflow: Workflow) -> None:
        """Match the task against the workflow's filters and start on the winner's targets."""
        self._stop_routing(task)
        plan = workflow.plan
        for flt in plan.filters:
            if flt.expression.evaluate(task.attributes, task=task.attributes):
                self._record(
                    task.workspace,
                    "workflow.entered",
                    f"Task {task.sid} entered workflow {workflow.friendly_name}",
                    task=task,
                    extra={"workflow_filter_name": flt.name},
                )
                self._start_targets(task, flt.targets, in_default=False)
                return
        if plan.default is not None:
            self._start_targets(task, (plan.default,), in_default=True)

    def _start_targets(self, task: Task, targets: tuple[_Target, ...], *, in_default: bool) -> None:
        task._targets = targets
        task._in_default = in_default
        task._target_index = -1
        task._excluded.clear()
        self._next_target(task)

    def _next_target(self, task: Task) -> None:
        """Move the task to its next target (or, past the last, to the default filter)."""
        self._stop_routing(task)
        task._target_expired = False
        task._target_index += 1
        if task._target_index >= len(task._targets):
            workflow = task.workflow
            if not task._in_default and workflow is not None and workflow.plan.default is not None:
                self._record(
                    task.workspace,
                    "workflow.timeout",
                    f"Task {task.sid} timed out of its filter",
                    task=task,
                )
                task._targets = (workflow.plan.default,)
                task._in_default = True
                task._target_index = 0
            else:
                # Nothing further: stay on the last target without a timeout.
                task._target_index = len(task._targets) - 1
                return
        target = task._targets[task._target_index]
        ws = task.workspace
        previous_queue = task.task_queue_sid
        task.task_queue_sid = target.queue_sid
        if target.priority is not None:
            task.priority = target.priority
        if previous_queue != target.queue_sid:
            task.task_queue_entered_date = self._now()
        self._touch(task)
        self._record(
            ws, "workflow.target-matched", f"Task {task.sid} matched a workflow target", task=task
        )
        if previous_queue is None:
            self._record(ws, "task-queue.entered", f"Task {task.sid} entered a queue", task=task)
        elif previous_queue != target.queue_sid:
            self._record(ws, "task-queue.moved", f"Task {task.sid} moved queue", task=task)
        if target.timeout is not None:
            task._target_timer = self.clock.call_later(
                target.timeout, lambda: self._target_timeout(task)
            )

    def _target_timeout(self, task: Task) -> None:
        task._target_timer = None
        if task.sid not in task.workspace.tasks:
            return
        if task.assignment_status == "pending":
            self._record(
                task.workspace,
                "task-queue.timeout",
                f"Task {task.sid} timed out of its target",
                task=task,
            )
            self._next_target(task)
            self._dispatch(task.workspace)
        elif task.assignment_status == "reserved":
            task._target_expired = True

    def _known_value(self, spec: str, task: Task) -> Any:
        if spec.startswith("task."):
            value: Any = task.attributes
            for part in spec[5:].split("."):
                if not isinstance(value, dict) or part not in value:
                    return None
                value = value[part]
            return value
        return spec

    def _has_capacity(self, worker: Worker, task: Task) -> bool:
        ws = worker.workspace
        holding = [
            r
            for r in ws.reservations.values()
            if r.worker is worker and r.reservation_status in _HOLDING
        ]
        if not ws.multi_task_enabled:
            return not holding
        channel = worker.channels.get(task.task_channel.sid)
        if channel is None or not channel.available:
            return False
        if task.ignore_capacity:
            return True
        used = sum(1 for r in holding if r.task.task_channel is task.task_channel)
        return used < channel.configured_capacity

    def _eligible(self, task: Task, target: _Target, queue: TaskQueue) -> list[Worker]:
        known_sid = known_name = None
        if target.known_worker_sid:
            known_sid = self._known_value(target.known_worker_sid, task)
        if target.known_worker_friendly_name:
            known_name = self._known_value(target.known_worker_friendly_name, task)
        offered = {r.worker.sid for r in task.reservations if r.reservation_status == "pending"}
        expression = parse(target.expression) if target.expression else None
        chosen: list[Worker] = []
        for worker in queue.workspace.workers.values():
            if worker.sid in task._excluded or worker.sid in offered or not worker.available:
                continue
            if target.known_worker_sid and worker.sid != known_sid:
                continue
            if target.known_worker_friendly_name and worker.friendly_name != known_name:
                continue
            if not queue.has_worker(worker):
                continue
            if expression is not None and not expression.evaluate(
                worker.attributes, task=task.attributes, worker=worker.attributes
            ):
                continue
            if not self._has_capacity(worker, task):
                continue
            chosen.append(worker)
        epoch = datetime.min.replace(tzinfo=timezone.utc)
        chosen.sort(key=lambda w: (max(w.last_reserved or epoch, w.date_status_changed), w.seq))
        return chosen

    def _dispatch(self, ws: Workspace) -> None:
        """Offer waiting tasks to free workers (re-entrant calls are folded into the running one)."""
        if ws not in self._dirty:
            self._dirty.append(ws)
        if self._dispatching:
            return
        self._dispatching = True
        try:
            while self._dirty:
                current = self._dirty.pop(0)
                if current.sid in self.workspaces:
                    self._dispatch_workspace(current)
        finally:
            self._dispatching = False

    def _dispatch_workspace(self, ws: Workspace) -> None:
        waiting = [
            t
            for t in ws.tasks.values()
            if t.assignment_status in ("pending", "reserved") and t.current_target is not None
        ]
        if not waiting or not ws.workers:
            return
        lifo = ws.prioritize_queue_order == "LIFO"

        def order(task: Task) -> tuple[int, float, int]:
            entered = (task.task_queue_entered_date or task.date_created).timestamp()
            queue = task.task_queue
            newest_first = lifo or (queue is not None and queue.task_order == "LIFO")
            return (-task.priority, -entered if newest_first else entered, task.seq)

        for task in sorted(waiting, key=order):
            self._offer(task)

    def _offer(self, task: Task) -> None:
        target = task.current_target
        if target is None or task.sid not in task.workspace.tasks:
            return
        queue = task.workspace.task_queues.get(target.queue_sid)
        if queue is None:
            return
        for worker in self._eligible(task, target, queue):
            if (
                task.assignment_status not in ("pending", "reserved")
                or task.current_target is not target
            ):
                return
            pending = sum(1 for r in task.reservations if r.reservation_status == "pending")
            if pending >= queue.max_reserved_workers:
                return
            if not worker.available or not self._has_capacity(worker, task):
                continue
            self._reserve(task, worker, queue)

    def _reserve(self, task: Task, worker: Worker, queue: TaskQueue) -> None:
        ws = task.workspace
        now = self._now()
        reservation = Reservation(self._sid("WR"), task, worker, now, now)
        ws.reservations[reservation.sid] = reservation
        task.reservations.append(reservation)
        worker.last_reserved = now
        previous = task.assignment_status
        if previous == "pending":
            task.assignment_status = "reserved"
        self._touch(task)
        workflow = task.workflow
        timeout = workflow.task_reservation_timeout if workflow else DEFAULT_RESERVATION_TIMEOUT
        reservation._timer = self.clock.call_later(
            timeout, lambda: self._reservation_timeout(reservation)
        )
        if queue.reservation_activity_sid:
            self._change_activity(worker, queue.reservation_activity_sid)
        if previous != task.assignment_status:
            self._emit("taskrouter.task.updated", task=task, previous_status=previous)
        if workflow is not None and workflow.assignment_callback_url:
            self._assignment_callback(workflow, reservation)
        self._reservation_event(reservation, "created")

    def _assignment_callback(self, workflow: Workflow, reservation: Reservation) -> None:
        task = reservation.task
        params = [
            ("AccountSid", task.workspace.account_sid),
            ("WorkspaceSid", task.workspace.sid),
            ("WorkflowSid", workflow.sid),
            ("TaskQueueSid", task.task_queue_sid or ""),
            ("TaskSid", task.sid),
            ("TaskAge", str(task.age(self._now()))),
            ("TaskPriority", str(task.priority)),
            ("TaskAttributes", _dumps(task.attributes)),
            ("WorkerSid", reservation.worker.sid),
            ("WorkerAttributes", _dumps(reservation.worker.attributes)),
            ("ReservationSid", reservation.sid),
        ]
        assert workflow.assignment_callback_url is not None
        self.emu.webhooks.deliver(
            workflow.assignment_callback_url, params, kind="taskrouter.assignment"
        )

    # -- events ------------------------------------------------------------------------------

    def _record(
        self,
        ws: Workspace,
        event_type: str,
        description: str,
        *,
        task: Task | None = None,
        worker: Worker | None = None,
        reservation: Reservation | None = None,
        queue: TaskQueue | None = None,
        workflow: Workflow | None = None,
        activity: Activity | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> Event:
        """Append to the event log and deliver to the workspace's EventCallbackUrl."""
        now = self._now()
        data: dict[str, Any] = {}
        if task is not None:
            queue = queue or task.task_queue
            workflow = workflow or task.workflow
            data.update(
                task_sid=task.sid,
                task_attributes=_dumps(task.attributes),
                task_age=str(task.age(now)),
                task_priority=str(task.priority),
                task_assignment_status=task.assignment_status,
                task_channel_sid=task.task_channel.sid,
                task_channel_unique_name=task.task_channel.unique_name,
                task_date_created=_epoch(task.date_created),
                task_timeout=str(task.timeout),
                task_version=str(task.version),
            )
            if task.assignment_status == "canceled":
                data["task_canceled_reason"] = task.reason
            if task.assignment_status == "completed":
                data["task_completed_reason"] = task.reason
            if task.task_queue_entered_date is not None:
                data["task_queue_entered_date"] = _epoch(task.task_queue_entered_date)
            target = task.current_target
            if target is not None and target.expression:
                data["task_queue_target_expression"] = target.expression
        if worker is not None:
            data.update(
                worker_sid=worker.sid,
                worker_name=worker.friendly_name,
                worker_attributes=_dumps(worker.attributes),
                worker_activity_sid=worker.activity_sid,
                worker_activity_name=worker.activity_name,
                worker_version=str(worker.version),
            )
            data["worker_time_in_previous_activity"] = str(
                int((now - worker.date_status_changed).total_seconds())
            )
        if reservation is not None:
            data.update(
                reservation_sid=reservation.sid, reservation_version=str(reservation.version)
            )
        if queue is not None:
            data.update(task_queue_sid=queue.sid, task_queue_name=queue.friendly_name)
        if workflow is not None:
            data.update(workflow_sid=workflow.sid, workflow_name=workflow.friendly_name)
        if activity is not None:
            data.update(activity_sid=activity.sid, activity_name=activity.friendly_name)
        if extra:
            data.update(extra)
        data = {k: v for k, v in data.items() if v is not None}
        resource: tuple[str, str, str]
        if reservation is not None:
            resource = (
                "reservation",
                reservation.sid,
                f"{reservation.task.path()}/Reservations/{reservation.sid}",
            )
        elif task is not None:
            resource = ("task", task.sid, task.path())
        elif worker is not None:
            resource = ("worker", worker.sid, worker.path())
        elif queue is not None:
            resource = ("taskqueue", queue.sid, f"{ws.path()}/TaskQueues/{queue.sid}")
        elif workflow is not None:
            resource = ("workflow", workflow.sid, f"{ws.path()}/Workflows/{workflow.sid}")
        elif activity is not None:
            resource = ("activity", activity.sid, f"{ws.path()}/Activities/{activity.sid}")
        else:
            resource = ("workspace", ws.sid, ws.path())
        event = Event(
            sid=self._sid("EV"),
            workspace=ws,
            event_type=event_type,
            description=description,
            resource_type=resource[0],
            resource_sid=resource[1],
            resource_path=resource[2],
            event_date=now,
            event_data=data,
        )
        ws.events.append(event)
        self._deliver(ws, event)
        return event

    def _deliver(self, ws: Workspace, event: Event) -> None:
        url = ws.event_callback_url
        if not url:
            return
        if ws.events_filter:
            wanted = {t.strip() for t in ws.events_filter.split(",") if t.strip()}
            if event.event_type not in wanted:
                return
        params: list[tuple[str, str]] = [
            ("Sid", event.sid),
            ("EventType", event.event_type),
            ("EventDescription", event.description),
            ("AccountSid", ws.account_sid),
            ("WorkspaceSid", ws.sid),
            ("WorkspaceName", ws.friendly_name),
            ("ResourceType", event.resource_type),
            ("ResourceSid", event.resource_sid),
            ("Timestamp", str(int(event.event_date.timestamp()))),
        ]
        params.extend((_pascal(k), str(v)) for k, v in event.event_data.items())
        self.emu.webhooks.deliver(url, params, kind="taskrouter.event")

    # -- seeding -----------------------------------------------------------------------------

    def seed(self, spec: Mapping[str, Any]) -> Workspace:
        """Build one workspace from a plain description (names instead of SIDs).

        ``{"friendly_name": ..., "event_callback_url": ..., "activities": [{"friendly_name",
        "available"}], "task_channels": [{"unique_name", "friendly_name"}], "task_queues":
        [{"friendly_name", "target_workers"}], "workers": [{"friendly_name", "attributes",
        "activity": <name or SID>}], "workflows": [{"friendly_name", "configuration",
        "task_reservation_timeout"}]}``; in workflow configurations ``queue`` may be a queue's
        friendly name.
        """
        ws = self.create_workspace(
            str(spec.get("friendly_name", "Flex Task Assignment")),
            event_callback_url=spec.get("event_callback_url"),
            events_filter=spec.get("events_filter"),
        )
        if "multi_task_enabled" in spec:
            ws.multi_task_enabled = bool(spec["multi_task_enabled"])
        for item in spec.get("activities", ()):
            if not any(a.friendly_name == item["friendly_name"] for a in ws.activities.values()):
                self._new_activity(ws, item["friendly_name"], bool(item.get("available", False)))
        for item in spec.get("task_channels", ()):
            if self._find_channel(ws, item["unique_name"]) is None:
                self._new_channel(
                    ws,
                    item["unique_name"],
                    item.get("friendly_name", item["unique_name"]),
                    item.get("channel_optimized_routing"),
                )
        queues: dict[str, str] = {}
        for item in spec.get("task_queues", ()):
            queue = self._new_queue(
                ws,
                item["friendly_name"],
                item.get("target_workers", "1==1"),
                max_reserved_workers=int(item.get("max_reserved_workers", 1)),
                task_order=item.get("task_order", "FIFO"),
            )
            queues[queue.friendly_name] = queue.sid
        for item in spec.get("workflows", ()):
            config = json.loads(json.dumps(item["configuration"]))
            routing = config.get("task_routing", {})
            for target in [t for f in routing.get("filters", []) for t in f.get("targets", [])] + (
                [routing["default_filter"]] if routing.get("default_filter") else []
            ):
                if target.get("queue") in queues:
                    target["queue"] = queues[target["queue"]]
            self._new_workflow(
                ws,
                item["friendly_name"],
                config,
                item.get("assignment_callback_url"),
                None,
                int(item.get("task_reservation_timeout", DEFAULT_RESERVATION_TIMEOUT)),
            )
        for item in spec.get("workers", ()):
            activity = item.get("activity")
            activity_sid = None
            if activity:
                found = ws.activities.get(activity) or next(
                    (a for a in ws.activities.values() if a.friendly_name == activity), None
                )
                if found is None:
                    raise bad_request(f"No activity {activity!r} in this workspace")
                activity_sid = found.sid
            self._new_worker(ws, item["friendly_name"], item.get("attributes"), activity_sid)
        return ws

    # -- HTTP --------------------------------------------------------------------------------

    def register(self, router: Router) -> None:
        """Add TaskRouter's routes to ``router`` under the product ``taskrouter``."""
        w = "/v1/Workspaces"
        s = w + "/{WorkspaceSid}"
        routes: list[tuple[str, str, Callable[[EmuRequest], EmuResponse]]] = [
            ("GET", w, self._h_list_workspaces),
            ("POST", w, self._h_create_workspace),
            ("GET", w + "/{Sid}", self._h_fetch_workspace),
            ("POST", w + "/{Sid}", self._h_update_workspace),
            ("DELETE", w + "/{Sid}", self._h_delete_workspace),
            ("GET", s + "/Activities", self._h_list_activities),
            ("POST", s + "/Activities", self._h_create_activity),
            ("GET", s + "/Activities/{Sid}", self._h_fetch_activity),
            ("POST", s + "/Activities/{Sid}", self._h_update_activity),
            ("DELETE", s + "/Activities/{Sid}", self._h_delete_activity),
            ("GET", s + "/Events", self._h_list_events),
            ("GET", s + "/Events/{Sid}", self._h_fetch_event),
            ("GET", s + "/TaskChannels", self._h_list_channels),
            ("POST", s + "/TaskChannels", self._h_create_channel),
            ("GET", s + "/TaskChannels/{Sid}", self._h_fetch_channel),
            ("POST", s + "/TaskChannels/{Sid}", self._h_update_channel),
            ("DELETE", s + "/TaskChannels/{Sid}", self._h_delete_channel),
            ("GET", s + "/TaskQueues", self._h_list_queues),
            ("POST", s + "/TaskQueues", self._h_create_queue),
            ("GET", s + "/TaskQueues/{Sid}", self._h_fetch_queue),
            ("POST", s + "/TaskQueues/{Sid}", self._h_update_queue),
            ("DELETE", s + "/TaskQueues/{Sid}", self._h_delete_queue),
            ("GET", s + "/Workers", self._h_list_workers),
            ("POST", s + "/Workers", self._h_create_worker),
            ("GET", s + "/Workers/{Sid}", self._h_fetch_worker),
            ("POST", s + "/Workers/{Sid}", self._h_update_worker),
            ("DELETE", s + "/Workers/{Sid}", self._h_delete_worker),
            ("GET", s + "/Workers/{WorkerSid}/Channels", self._h_list_worker_channels),
            ("GET", s + "/Workers/{WorkerSid}/Channels/{Sid}", self._h_fetch_worker_channel),
            ("POST", s + "/Workers/{WorkerSid}/Channels/{Sid}", self._h_update_worker_channel),
            ("GET", s + "/Workers/{WorkerSid}/Reservations", self._h_list_worker_reservations),
            (
                "GET",
                s + "/Workers/{WorkerSid}/Reservations/{Sid}",
                self._h_fetch_worker_reservation,
            ),
            (
                "POST",
                s + "/Workers/{WorkerSid}/Reservations/{Sid}",
                self._h_update_worker_reservation,
            ),
            ("GET", s + "/Workflows", self._h_list_workflows),
            ("POST", s + "/Workflows", self._h_create_workflow),
            ("GET", s + "/Workflows/{Sid}", self._h_fetch_workflow),
            ("POST", s + "/Workflows/{Sid}", self._h_update_workflow),
            ("DELETE", s + "/Workflows/{Sid}", self._h_delete_workflow),
            ("GET", s + "/Tasks", self._h_list_tasks),
            ("POST", s + "/Tasks", self._h_create_task),
            ("GET", s + "/Tasks/{Sid}", self._h_fetch_task),
            ("POST", s + "/Tasks/{Sid}", self._h_update_task),
            ("DELETE", s + "/Tasks/{Sid}", self._h_delete_task),
            ("GET", s + "/Tasks/{TaskSid}/Reservations", self._h_list_task_reservations),
            ("GET", s + "/Tasks/{TaskSid}/Reservations/{Sid}", self._h_fetch_task_reservation),
            ("POST", s + "/Tasks/{TaskSid}/Reservations/{Sid}", self._h_update_task_reservation),
        ]
        for method, template, handler in routes:
            router.add(method, PRODUCT, template, handler)

    # HTTP helpers

    @staticmethod
    def _etag(version: int) -> dict[str, str]:
        return {"ETag": str(version)}

    def _ws_of(self, req: EmuRequest) -> Workspace:
        return self.get_workspace(req.params.get("WorkspaceSid") or req.params["Sid"])

    def _list(
        self,
        req: EmuRequest,
        items: Iterable[Any],
        key: str,
        render: Callable[[Any], dict[str, Any]],
        keep: Iterable[str] = (),
    ) -> EmuResponse:
        return paginate(req, [render(i) for i in items], key, MAX_PAGE_SIZE, keep_query=keep)

    @staticmethod
    def _bool_query(req: EmuRequest, name: str) -> bool | None:
        raw = req.q(name)
        if raw is None or raw == "":
            return None
        if raw.lower() not in ("true", "false"):
            raise bad_request(f"{name} must be true or false")
        return raw.lower() == "true"

    # Workspaces

    def _h_list_workspaces(self, req: EmuRequest) -> EmuResponse:
        name = req.q("FriendlyName")
        items = [w for w in self.workspaces.values() if name is None or w.friendly_name == name]
        return self._list(
            req, items, "workspaces", lambda w: w.to_json(req.base_url), ["FriendlyName"]
        )

    def _h_create_workspace(self, req: EmuRequest) -> EmuResponse:
        order = req.value("PrioritizeQueueOrder") or "FIFO"
        if order not in ("FIFO", "LIFO"):
            raise bad_request("PrioritizeQueueOrder must be FIFO or LIFO")
        ws = self._create_workspace(
            req.value("FriendlyName") or "",
            event_callback_url=req.value("EventCallbackUrl"),
            events_filter=req.value("EventsFilter"),
            multi_task_enabled=bool(req.bool_value("MultiTaskEnabled", True)),
            template=req.value("Template") or None,
            prioritize_queue_order=order,
        )
        return EmuResponse.json(201, ws.to_json(req.base_url))

    def _h_fetch_workspace(self, req: EmuRequest) -> EmuResponse:
        return EmuResponse.json(200, self._ws_of(req).to_json(req.base_url))

    def _h_update_workspace(self, req: EmuRequest) -> EmuResponse:
        ws = self._ws_of(req)
        for name in ("DefaultActivitySid", "TimeoutActivitySid"):
            sid = req.value(name)
            if sid is not None and sid not in ws.activities:
                raise bad_request(f"{name} {sid} is not an activity of this workspace")
        order = req.value("PrioritizeQueueOrder")
        if order is not None and order not in ("FIFO", "LIFO"):
            raise bad_request("PrioritizeQueueOrder must be FIFO or LIFO")
        if req.has("FriendlyName"):
            if not req.value("FriendlyName"):
                raise bad_request("FriendlyName must not be empty")
            ws.friendly_name = req.value("FriendlyName") or ws.friendly_name
        if req.has("EventCallbackUrl"):
            ws.event_callback_url = req.value("EventCallbackUrl") or None
        if req.has("EventsFilter"):
            ws.events_filter = req.value("EventsFilter") or None
        multi = req.bool_value("MultiTaskEnabled")
        if multi is not None:
            ws.multi_task_enabled = multi
        ws.default_activity_sid = req.value("DefaultActivitySid") or ws.default_activity_sid
        ws.timeout_activity_sid = req.value("TimeoutActivitySid") or ws.timeout_activity_sid
        ws.prioritize_queue_order = order or ws.prioritize_queue_order
        ws.date_updated = self._now()
        self._dispatch(ws)
        return EmuResponse.json(200, ws.to_json(req.base_url))

    def _h_delete_workspace(self, req: EmuRequest) -> EmuResponse:
        ws = self._ws_of(req)
        for task in list(ws.tasks.values()):
            self._stop_routing(task)
            self.clock.cancel(task._ttl_timer)
            self.clock.cancel(task._delete_timer)
        for reservation in ws.reservations.values():
            self.clock.cancel(reservation._timer)
        del self.workspaces[ws.sid]
        return EmuResponse(204)

    # Activities

    def _h_list_activities(self, req: EmuRequest) -> EmuResponse:
        ws = self._ws_of(req)
        name = req.q("FriendlyName")
        available = self._bool_query(req, "Available")
        items = [
            a
            for a in ws.activities.values()
            if (name is None or a.friendly_name == name)
            and (available is None or a.available == available)
        ]
        return self._list(
            req,
            items,
            "activities",
            lambda a: a.to_json(req.base_url),
            ["FriendlyName", "Available"],
        )

    def _h_create_activity(self, req: EmuRequest) -> EmuResponse:
        ws = self._ws_of(req)
        activity = self._new_activity(
            ws, req.value("FriendlyName") or "", bool(req.bool_value("Available", True))
        )
        return EmuResponse.json(201, activity.to_json(req.base_url))

    def _activity(self, req: EmuRequest) -> Activity:
        return self.get_activity(req.params["WorkspaceSid"], req.params["Sid"])

    def _h_fetch_activity(self, req: EmuRequest) -> EmuResponse:
        return EmuResponse.json(200, self._activity(req).to_json(req.base_url))

    def _h_update_activity(self, req: EmuRequest) -> EmuResponse:
        activity = self._activity(req)
        name = req.value("FriendlyName")
        if name is not None and name != activity.friendly_name:
            if not name or any(
                a.friendly_name == name for a in activity.workspace.activities.values()
            ):
                raise bad_request(f"Invalid or duplicate FriendlyName {name!r}")
            activity.friendly_name = name
            activity.date_updated = self._now()
        return EmuResponse.json(200, activity.to_json(req.base_url))

    def _h_delete_activity(self, req: EmuRequest) -> EmuResponse:
        activity = self._activity(req)
        ws = activity.workspace
        if activity.sid in (ws.default_activity_sid, ws.timeout_activity_sid):
            raise bad_request("The workspace's default or timeout activity cannot be deleted")
        if any(w.activity_sid == activity.sid for w in ws.workers.values()):
            raise bad_request("An activity in use by workers cannot be deleted")
        del ws.activities[activity.sid]
        return EmuResponse(204)

    # Events

    def _h_list_events(self, req: EmuRequest) -> EmuResponse:
        ws = self._ws_of(req)
        items: list[Event] = list(ws.events)
        filters: dict[str, Callable[[Event, str], bool]] = {
            "EventType": lambda e, v: e.event_type == v,
            "Sid": lambda e, v: e.sid == v,
            "TaskSid": lambda e, v: e.event_data.get("task_sid") == v,
            "WorkerSid": lambda e, v: e.event_data.get("worker_sid") == v,
            "ReservationSid": lambda e, v: e.event_data.get("reservation_sid") == v,
            "TaskQueueSid": lambda e, v: e.event_data.get("task_queue_sid") == v,
            "WorkflowSid": lambda e, v: e.event_data.get("workflow_sid") == v,
            "TaskChannel": lambda e, v: (
                v
                in (
                    e.event_data.get("task_channel_sid"),
                    e.event_data.get("task_channel_unique_name"),
                )
            ),
        }
        for name, test in filters.items():
            value = req.q(name)
            if value:
                items = [e for e in items if test(e, value)]
        minutes = _int_value(req.q("Minutes"), "Minutes", 1, 43200)
        start = req.q("StartDate")
        end = req.q("EndDate")
        if minutes is not None:
            since = self._now() - timedelta(minutes=minutes)
            items = [e for e in items if e.event_date >= since]
        if start:
            since = _parse_date(start, "StartDate")
            items = [e for e in items if e.event_date >= since]
        if end:
            until = _parse_date(end, "EndDate")
            items = [e for e in items if e.event_date <= until]
        return self._list(
            req,
            items,
            "events",
            lambda e: e.to_json(req.base_url),
            [*filters, "Minutes", "StartDate", "EndDate"],
        )

    def _h_fetch_event(self, req: EmuRequest) -> EmuResponse:
        ws = self._ws_of(req)
        for event in ws.events:
            if event.sid == req.params["Sid"]:
                return EmuResponse.json(200, event.to_json(req.base_url))
        raise not_found(f"{ws.path()}/Events/{req.params['Sid']}")

    # Task channels

    def _h_list_channels(self, req: EmuRequest) -> EmuResponse:
        ws = self._ws_of(req)
        return self._list(
            req, ws.task_channels.values(), "channels", lambda c: c.to_json(req.base_url)
        )

    def _h_create_channel(self, req: EmuRequest) -> EmuResponse:
        ws = self._ws_of(req)
        channel = self._new_channel(
            ws,
            req.value("UniqueName") or "",
            req.value("FriendlyName") or "",
            req.bool_value("ChannelOptimizedRouting"),
        )
        return EmuResponse.json(201, channel.to_json(req.base_url))

    def _channel(self, req: EmuRequest) -> TaskChannel:
        return self.get_task_channel(req.params["WorkspaceSid"], req.params["Sid"])

    def _h_fetch_channel(self, req: EmuRequest) -> EmuResponse:
        return EmuResponse.json(200, self._channel(req).to_json(req.base_url))

    def _h_update_channel(self, req: EmuRequest) -> EmuResponse:
        channel = self._channel(req)
        if req.has("FriendlyName"):
            channel.friendly_name = req.value("FriendlyName") or channel.friendly_name
        optimized = req.bool_value("ChannelOptimizedRouting")
        if optimized is not None:
            channel.channel_optimized_routing = optimized
        channel.date_updated = self._now()
        return EmuResponse.json(200, channel.to_json(req.base_url))

    def _h_delete_channel(self, req: EmuRequest) -> EmuResponse:
        channel = self._channel(req)
        ws = channel.workspace
        if any(
            t.task_channel is channel and t.assignment_status not in ("canceled", "completed")
            for t in ws.tasks.values()
        ):
            raise bad_request("A task channel with active tasks cannot be deleted")
        del ws.task_channels[channel.sid]
        for worker in ws.workers.values():
            worker.channels.pop(channel.sid, None)
        return EmuResponse(204)

    # Task queues

    def _h_list_queues(self, req: EmuRequest) -> EmuResponse:
        ws = self._ws_of(req)
        items = list(ws.task_queues.values())
        name = req.q("FriendlyName")
        if name is not None:
            items = [q for q in items if q.friendly_name == name]
        raw_attrs = req.q("EvaluateWorkerAttributes")
        if raw_attrs is not None:
            attrs = _parse_attributes(raw_attrs, "EvaluateWorkerAttributes") or {}
            items = [q for q in items if parse(q.target_workers).evaluate(attrs, worker=attrs)]
        worker_sid = req.q("WorkerSid")
        if worker_sid:
            worker = ws.workers.get(worker_sid)
            items = [q for q in items if worker is not None and q.has_worker(worker)]
        _sort(items, _ordering(req.q("Ordering"), {"DateCreated": "date_created"}))
        return self._list(
            req,
            items,
            "task_queues",
            lambda q: q.to_json(req.base_url),
            ["FriendlyName", "EvaluateWorkerAttributes", "WorkerSid", "Ordering"],
        )

    def _h_create_queue(self, req: EmuRequest) -> EmuResponse:
        ws = self._ws_of(req)
        queue = self._new_queue(
            ws,
            req.value("FriendlyName") or "",
            req.value("TargetWorkers") or "1==1",
            max_reserved_workers=_int_value(
                req.value("MaxReservedWorkers"), "MaxReservedWorkers", 1, 50
            )
            or 1,
            task_order=req.value("TaskOrder") or "FIFO",
            reservation_activity_sid=req.value("ReservationActivitySid") or None,
            assignment_activity_sid=req.value("AssignmentActivitySid") or None,
        )
        return EmuResponse.json(201, queue.to_json(req.base_url))

    def _queue(self, req: EmuRequest) -> TaskQueue:
        return self.get_task_queue(req.params["WorkspaceSid"], req.params["Sid"])

    def _h_fetch_queue(self, req: EmuRequest) -> EmuResponse:
        return EmuResponse.json(200, self._queue(req).to_json(req.base_url))

    def _h_update_queue(self, req: EmuRequest) -> EmuResponse:
        queue = self._queue(req)
        ws = queue.workspace
        name = req.value("FriendlyName")
        if (
            name is not None
            and name != queue.friendly_name
            and (not name or any(q.friendly_name == name for q in ws.task_queues.values()))
        ):
            raise bad_request(f"Invalid or duplicate FriendlyName {name!r}")
        target = req.value("TargetWorkers")
        if target is not None:
            _expression(target, "TargetWorkers")
        max_reserved = _int_value(req.value("MaxReservedWorkers"), "MaxReservedWorkers", 1, 50)
        order = req.value("TaskOrder")
        self._check_queue_fields(ws, max_reserved or 1, order or "FIFO")
        for param in ("ReservationActivitySid", "AssignmentActivitySid"):
            sid = req.value(param)
            if sid and sid not in ws.activities:
                raise bad_request(f"{param} {sid} is not an activity of this workspace")
        if name:
            queue.friendly_name = name
        if target is not None:
            queue.target_workers = target
        if max_reserved is not None:
            queue.max_reserved_workers = max_reserved
        if order:
            queue.task_order = order
        if req.has("ReservationActivitySid"):
            queue.reservation_activity_sid = req.value("ReservationActivitySid") or None
        if req.has("AssignmentActivitySid"):
            queue.assignment_activity_sid = req.value("AssignmentActivitySid") or None
        queue.date_updated = self._now()
        self._dispatch(ws)
        return EmuResponse.json(200, queue.to_json(req.base_url))

    def _h_delete_queue(self, req: EmuRequest) -> EmuResponse:
        queue = self._queue(req)
        ws = queue.workspace
        for workflow in ws.workflows.values():
            plan = workflow.plan
            targets = [t for f in plan.filters for t in f.targets]
            if plan.default is not None:
                targets.append(plan.default)
            if any(t.queue_sid == queue.sid for t in targets):
                raise bad_request(
                    f"TaskQueue {queue.sid} is used by workflow {workflow.sid} and cannot be deleted"
                )
        if any(
            t.task_queue_sid == queue.sid and t.assignment_status in ("pending", "reserved")
            for t in ws.tasks.values()
        ):
            raise bad_request(f"TaskQueue {queue.sid} has waiting tasks and cannot be deleted")
        del ws.task_queues[queue.sid]
        return EmuResponse(204)

    # Workers

    def _h_list_workers(self, req: EmuRequest) -> EmuResponse:
        ws = self._ws_of(req)
        items = list(ws.workers.values())
        worker_tests: list[tuple[str, Callable[[Worker, str], bool]]] = [
            ("ActivityName", lambda w, v: w.activity_name == v),
            ("ActivitySid", lambda w, v: w.activity_sid == v),
            ("FriendlyName", lambda w, v: w.friendly_name == v),
        ]
        for param, test in worker_tests:
            value = req.q(param)
            if value:
                items = [w for w in items if test(w, value)]
        available = self._bool_query(req, "Available")
        if available is not None:
            items = [w for w in items if w.available == available]
        expression = req.q("TargetWorkersExpression")
        if expression:
            compiled = _expression(expression, "TargetWorkersExpression")
            items = [w for w in items if compiled.evaluate(w.attributes, worker=w.attributes)]
        queue_sid = req.q("TaskQueueSid")
        queue_name = req.q("TaskQueueName")
        if queue_sid or queue_name:
            queue = next(
                (
                    q
                    for q in ws.task_queues.values()
                    if (not queue_sid or q.sid == queue_sid)
                    and (not queue_name or q.friendly_name == queue_name)
                ),
                None,
            )
            items = [w for w in items if queue is not None and queue.has_worker(w)]
        _sort(
            items,
            _ordering(
                req.q("Ordering"),
                {"DateCreated": "date_created", "DateStatusChanged": "date_status_changed"},
            ),
        )
        return self._list(
            req,
            items,
            "workers",
            lambda w: w.to_json(req.base_url),
            [
                "ActivityName",
                "ActivitySid",
                "Available",
                "FriendlyName",
                "TargetWorkersExpression",
                "TaskQueueName",
                "TaskQueueSid",
                "Ordering",
            ],
        )

    def _h_create_worker(self, req: EmuRequest) -> EmuResponse:
        ws = self._ws_of(req)
        worker = self._new_worker(
            ws,
            req.value("FriendlyName") or "",
            _parse_attributes(req.value("Attributes")),
            req.value("ActivitySid") or None,
        )
        return EmuResponse.json(201, worker.to_json(req.base_url), self._etag(worker.version))

    def _worker(self, req: EmuRequest) -> Worker:
        return self.get_worker(
            req.params["WorkspaceSid"], req.params.get("WorkerSid") or req.params["Sid"]
        )

    def _h_fetch_worker(self, req: EmuRequest) -> EmuResponse:
        worker = self._worker(req)
        return EmuResponse.json(200, worker.to_json(req.base_url), self._etag(worker.version))

    def _h_update_worker(self, req: EmuRequest) -> EmuResponse:
        worker = self._worker(req)
        self._update_worker(
            worker,
            activity_sid=req.value("ActivitySid") or None,
            attributes=_parse_attributes(req.value("Attributes")),
            friendly_name=req.value("FriendlyName"),
            reject_pending_reservations=bool(req.bool_value("RejectPendingReservations", False)),
            if_match=req.headers.get("if-match"),
        )
        return EmuResponse.json(200, worker.to_json(req.base_url), self._etag(worker.version))

    def _h_delete_worker(self, req: EmuRequest) -> EmuResponse:
        self._delete_worker(self._worker(req), req.headers.get("if-match"))
        return EmuResponse(204)

    def _worker_channel(self, req: EmuRequest) -> WorkerChannel:
        worker = self._worker(req)
        key = req.params["Sid"]
        for channel in worker.channels.values():
            if key in (channel.sid, channel.task_channel.sid, channel.task_channel.unique_name):
                return channel
        raise not_found(f"{worker.path()}/Channels/{key}")

    def _h_list_worker_channels(self, req: EmuRequest) -> EmuResponse:
        worker = self._worker(req)
        return self._list(
            req, worker.channels.values(), "channels", lambda c: c.to_json(req.base_url)
        )

    def _h_fetch_worker_channel(self, req: EmuRequest) -> EmuResponse:
        return EmuResponse.json(200, self._worker_channel(req).to_json(req.base_url))

    def _h_update_worker_channel(self, req: EmuRequest) -> EmuResponse:
        channel = self._worker_channel(req)
        capacity = _int_value(req.value("Capacity"), "Capacity", 0, 50)
        available = req.bool_value("Available")
        if capacity is not None:
            channel.configured_capacity = capacity
        if available is not None:
            channel.available = available
        channel.date_updated = self._now()
        self._dispatch(channel.worker.workspace)
        return EmuResponse.json(200, channel.to_json(req.base_url))

    # Worker reservations

    def _h_list_worker_reservations(self, req: EmuRequest) -> EmuResponse:
        worker = self._worker(req)
        statuses = _statuses(req, "ReservationStatus", RESERVATION_STATUSES)
        items = [
            r
            for r in self.reservations_for_worker(worker.workspace.sid, worker.sid)
            if not statuses or r.reservation_status in statuses
        ]
        return self._list(
            req,
            items,
            "reservations",
            lambda r: r.to_json(req.base_url, via_worker=True),
            ["ReservationStatus"],
        )

    def _h_fetch_worker_reservation(self, req: EmuRequest) -> EmuResponse:
        reservation = self._worker_reservation(
            req.params["WorkspaceSid"], req.params["WorkerSid"], req.params["Sid"]
        )
        return EmuResponse.json(
            200, reservation.to_json(req.base_url, via_worker=True), self._etag(reservation.version)
        )

    def _h_update_worker_reservation(self, req: EmuRequest) -> EmuResponse:
        reservation = self._worker_reservation(
            req.params["WorkspaceSid"], req.params["WorkerSid"], req.params["Sid"]
        )
        self._update_reservation_from(req, reservation)
        return EmuResponse.json(
            200, reservation.to_json(req.base_url, via_worker=True), self._etag(reservation.version)
        )

    def _update_reservation_from(self, req: EmuRequest, reservation: Reservation) -> None:
        status = req.value("ReservationStatus")
        instruction = req.value("Instruction")
        if status is None and instruction is not None:
            mapped = {"accept": "accepted", "reject": "rejected"}.get(instruction.lower())
            if mapped is None:
                raise bad_request(
                    f"Instruction {instruction!r} is not modelled by the emulator "
                    "(use ReservationStatus, or Instruction=accept|reject)"
                )
            status = mapped
        if status is None:
            _check_if_match(
                req.headers.get("if-match"), reservation.version, f"reservation {reservation.sid}"
            )
            activity = req.value("WorkerActivitySid")
            if activity:
                if activity not in reservation.task.workspace.activities:
                    raise bad_request(f"WorkerActivitySid {activity} is not an activity")
                self._change_activity(reservation.worker, activity)
                self._dispatch(reservation.task.workspace)
            return
        self._answer(
            reservation,
            status,
            worker_activity_sid=req.value("WorkerActivitySid") or None,
            if_match=req.headers.get("if-match"),
        )

    # Workflows

    def _h_list_workflows(self, req: EmuRequest) -> EmuResponse:
        ws = self._ws_of(req)
        name = req.q("FriendlyName")
        items = [w for w in ws.workflows.values() if name is None or w.friendly_name == name]
        return self._list(
            req, items, "workflows", lambda w: w.to_json(req.base_url), ["FriendlyName"]
        )

    def _configuration(self, req: EmuRequest) -> Any:
        raw = req.value("Configuration")
        if raw is None:
            raise bad_request("Configuration is required")
        try:
            return json.loads(raw)
        except ValueError:
            raise bad_request("Configuration must be valid JSON") from None

    def _h_create_workflow(self, req: EmuRequest) -> EmuResponse:
        ws = self._ws_of(req)
        workflow = self._new_workflow(
            ws,
            req.value("FriendlyName") or "",
            self._configuration(req),
            req.value("AssignmentCallbackUrl") or None,
            req.value("FallbackAssignmentCallbackUrl") or None,
            _int_value(
                req.value("TaskReservationTimeout"),
                "TaskReservationTimeout",
                1,
                MAX_RESERVATION_TIMEOUT,
            )
            or DEFAULT_RESERVATION_TIMEOUT,
        )
        return EmuResponse.json(201, workflow.to_json(req.base_url))

    def _workflow(self, req: EmuRequest) -> Workflow:
        return self.get_workflow(req.params["WorkspaceSid"], req.params["Sid"])

    def _h_fetch_workflow(self, req: EmuRequest) -> EmuResponse:
        return EmuResponse.json(200, self._workflow(req).to_json(req.base_url))

    def _h_update_workflow(self, req: EmuRequest) -> EmuResponse:
        workflow = self._workflow(req)
        ws = workflow.workspace
        timeout = _int_value(
            req.value("TaskReservationTimeout"),
            "TaskReservationTimeout",
            1,
            MAX_RESERVATION_TIMEOUT,
        )
        if req.has("Configuration"):
            configuration = self._configuration(req)
            workflow.plan = self._plan(ws, configuration)
            workflow.configuration = configuration
        if req.value("FriendlyName"):
            workflow.friendly_name = req.value("FriendlyName") or workflow.friendly_name
        if req.has("AssignmentCallbackUrl"):
            workflow.assignment_callback_url = req.value("AssignmentCallbackUrl") or None
        if req.has("FallbackAssignmentCallbackUrl"):
            workflow.fallback_assignment_callback_url = (
                req.value("FallbackAssignmentCallbackUrl") or None
            )
        if timeout is not None:
            workflow.task_reservation_timeout = timeout
        workflow.date_updated = self._now()
        if (req.value("ReEvaluateTasks") or "").lower() == "true":
            for task in list(ws.tasks.values()):
                if task.workflow is workflow and task.assignment_status == "pending":
                    self._enter_workflow(task, workflow)
        self._dispatch(ws)
        return EmuResponse.json(200, workflow.to_json(req.base_url))

    def _h_delete_workflow(self, req: EmuRequest) -> EmuResponse:
        workflow = self._workflow(req)
        ws = workflow.workspace
        if any(
            t.workflow is workflow
            and t.assignment_status in ("pending", "reserved", "assigned", "wrapping")
            for t in ws.tasks.values()
        ):
            raise bad_request(f"Workflow {workflow.sid} has active tasks and cannot be deleted")
        del ws.workflows[workflow.sid]
        return EmuResponse(204)

    # Tasks

    def _h_list_tasks(self, req: EmuRequest) -> EmuResponse:
        ws = self._ws_of(req)
        items = list(ws.tasks.values())
        statuses = _statuses(req, "AssignmentStatus", TASK_STATUSES)
        if statuses:
            items = [t for t in items if t.assignment_status in statuses]
        priority = _int_value(req.q("Priority"), "Priority", 0, 2**31 - 1)
        if priority is not None:
            items = [t for t in items if t.priority == priority]
        task_tests: list[tuple[str, Callable[[Task, str], bool]]] = [
            ("WorkflowSid", lambda t, v: t.workflow_sid == v),
            ("WorkflowName", lambda t, v: t.workflow is not None and t.workflow.friendly_name == v),
            ("TaskQueueSid", lambda t, v: t.task_queue_sid == v),
            (
                "TaskQueueName",
                lambda t, v: t.task_queue is not None and t.task_queue.friendly_name == v,
            ),
            ("RoutingTarget", lambda t, v: t.routing_target == v),
        ]
        for param, test in task_tests:
            value = req.q(param)
            if value:
                items = [t for t in items if test(t, value)]
        expression = req.q("EvaluateTaskAttributes")
        if expression:
            compiled = _expression(expression, "EvaluateTaskAttributes")
            items = [t for t in items if compiled.evaluate(t.attributes, task=t.attributes)]
        has_addons = self._bool_query(req, "HasAddons")
        if has_addons:
            items = []
        _sort(
            items,
            _ordering(req.q("Ordering"), {"DateCreated": "date_created", "Priority": "priority"}),
        )
        now = self._now()
        return self._list(
            req,
            items,
            "tasks",
            lambda t: t.to_json(req.base_url, now=now, in_list=True),
            [
                "Priority",
                "AssignmentStatus",
                "WorkflowSid",
                "WorkflowName",
                "TaskQueueSid",
                "TaskQueueName",
                "EvaluateTaskAttributes",
                "RoutingTarget",
                "Ordering",
                "HasAddons",
            ],
        )

    def _h_create_task(self, req: EmuRequest) -> EmuResponse:
        ws = self._ws_of(req)
        vst = req.value("VirtualStartTime")
        task = self._new_task(
            ws,
            attributes=_parse_attributes(req.value("Attributes")),
            workflow_sid=req.value("WorkflowSid") or None,
            task_channel=req.value("TaskChannel") or None,
            priority=_int_value(req.value("Priority"), "Priority", 0, 2**31 - 1),
            timeout=_int_value(req.value("Timeout"), "Timeout", 1, MAX_TASK_TIMEOUT),
            task_queue_sid=req.value("TaskQueueSid") or None,
            virtual_start_time=_parse_date(vst, "VirtualStartTime") if vst else None,
            routing_target=req.value("RoutingTarget") or None,
            ignore_capacity=req.bool_value("IgnoreCapacity"),
        )
        return EmuResponse.json(
            201, task.to_json(req.base_url, now=self._now()), self._etag(task.version)
        )

    def _task(self, req: EmuRequest) -> Task:
        return self.get_task(
            req.params["WorkspaceSid"], req.params.get("TaskSid") or req.params["Sid"]
        )

    def _h_fetch_task(self, req: EmuRequest) -> EmuResponse:
        task = self._task(req)
        return EmuResponse.json(
            200, task.to_json(req.base_url, now=self._now()), self._etag(task.version)
        )

    def _h_update_task(self, req: EmuRequest) -> EmuResponse:
        task = self._task(req)
        vst = req.value("VirtualStartTime")
        if vst:
            _check_if_match(req.headers.get("if-match"), task.version, f"task {task.sid}")
            task.virtual_start_time = _parse_date(vst, "VirtualStartTime")
        self._update_task(
            task,
            assignment_status=req.value("AssignmentStatus") or None,
            reason=req.value("Reason"),
            attributes=_parse_attributes(req.value("Attributes")),
            priority=_int_value(req.value("Priority"), "Priority", 0, 2**31 - 1),
            task_channel=req.value("TaskChannel") or None,
            if_match=req.headers.get("if-match"),
        )
        return EmuResponse.json(
            200, task.to_json(req.base_url, now=self._now()), self._etag(task.version)
        )

    def _h_delete_task(self, req: EmuRequest) -> EmuResponse:
        task = self._task(req)
        _check_if_match(req.headers.get("if-match"), task.version, f"task {task.sid}")
        self._delete_task(task, system=False)
        return EmuResponse(204)

    # Task reservations

    def _h_list_task_reservations(self, req: EmuRequest) -> EmuResponse:
        task = self._task(req)
        statuses = _statuses(req, "ReservationStatus", RESERVATION_STATUSES)
        worker_sid = req.q("WorkerSid")
        items = [
            r
            for r in task.reservations
            if (not statuses or r.reservation_status in statuses)
            and (not worker_sid or r.worker.sid == worker_sid)
        ]
        return self._list(
            req,
            items,
            "reservations",
            lambda r: r.to_json(req.base_url),
            ["ReservationStatus", "WorkerSid"],
        )

    def _task_reservation(self, req: EmuRequest) -> Reservation:
        return self.get_reservation(
            req.params["WorkspaceSid"], req.params["TaskSid"], req.params["Sid"]
        )

    def _h_fetch_task_reservation(self, req: EmuRequest) -> EmuResponse:
        reservation = self._task_reservation(req)
        return EmuResponse.json(
            200, reservation.to_json(req.base_url), self._etag(reservation.version)
        )

    def _h_update_task_reservation(self, req: EmuRequest) -> EmuResponse:
        reservation = self._task_reservation(req)
        self._update_reservation_from(req, reservation)
        return EmuResponse.json(
            200, reservation.to_json(req.base_url), self._etag(reservation.version)
        )
