"""TaskRouter's work items: workflows (with their parsed routing plan), tasks, reservations and
workspace events."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flexconv.emulator._base import iso
from flexconv.emulator.expressions import Expression
from flexconv.emulator.taskrouter.entities import (
    DEFAULT_BASE_URL,
    DEFAULT_RESERVATION_TIMEOUT,
    TaskChannel,
    TaskQueue,
    Worker,
    Workspace,
    _dumps,
)


@dataclass(frozen=True)
class _Target:
    queue_sid: str
    expression: str | None = None
    known_worker_sid: str | None = None
    known_worker_friendly_name: str | None = None
    timeout: int | None = None
    priority: int | None = None
    skip_if: str | None = None


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
    _filter_index: int = field(default=-1, repr=False)
    _ignores_capacity: bool = field(default=False, repr=False)
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
class Alert:
    """A warning or error TaskRouter raised about the account's own setup, shaped like Twilio's
    Monitor alerts (for instance 40005: an assignment callback answer without `instruction`)."""

    sid: str
    account_sid: str
    error_code: int
    log_level: str
    alert_text: str
    resource_sid: str
    date_created: datetime
    request_url: str | None = None
    request_method: str | None = None
    response_body: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The representation of Twilio's Monitor API (`error_code` is a string there)."""
        return {
            "account_sid": self.account_sid,
            "alert_text": self.alert_text,
            "api_version": None,
            "date_created": iso(self.date_created),
            "date_generated": iso(self.date_created),
            "date_updated": iso(self.date_created),
            "error_code": str(self.error_code),
            "log_level": self.log_level,
            "more_info": f"https://www.twilio.com/docs/errors/{self.error_code}",
            "request_method": self.request_method,
            "request_url": self.request_url,
            "resource_sid": self.resource_sid,
            "response_body": self.response_body,
            "service_sid": None,
            "sid": self.sid,
            "url": f"https://monitor.twilio.com/v1/Alerts/{self.sid}",
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
