"""TaskRouter's workspace-level resources: workspaces, activities, workers and their channels,
task queues and task channels, with the product's constants."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flexconv.emulator._base import Clock, iso
from flexconv.emulator.expressions import parse

if TYPE_CHECKING:
    from flexconv.emulator.taskrouter.task_entities import Event, Reservation, Task, Workflow

#: The URL prefix used by ``to_json()`` when no request supplies one.
DEFAULT_BASE_URL = "https://taskrouter.twilio.com"
PRODUCT = "taskrouter"
MAX_PAGE_SIZE = 1000
CANCELED_TASK_TTL = 5 * 60
COMPLETED_TASK_TTL = 10 * 60
DEFAULT_TASK_TIMEOUT = 86400
MAX_TASK_TIMEOUT = 1209600
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
