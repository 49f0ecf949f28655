"""TaskRouter's state: the workspaces dictionary, sequence numbers, and lookups by SID."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from flexconv.emulator._base import Clock, EventBus, Sids, not_found
from flexconv.emulator.taskrouter.entities import (
    Activity,
    TaskChannel,
    TaskQueue,
    Worker,
    Workspace,
)
from flexconv.emulator.taskrouter.task_entities import Alert, Event, Reservation, Task, Workflow


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


class TaskRouterState:
    """Holds TaskRouter's workspaces and finds resources in them (the base of `TaskRouter`)."""

    def __init__(self, emu: EmulatorLike) -> None:
        self.emu = emu
        self.workspaces: dict[str, Workspace] = {}
        self._seq = 0
        self._dirty: list[Workspace] = []
        self._dispatching = False
        #: Warnings and errors about the account's setup (assignment callback answers...),
        #: oldest first, as Twilio's Monitor alerts list them.
        self.alerts: list[Alert] = []

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

    def find_worker(self, worker: str) -> Worker | None:
        """A worker by SID or friendly name in any workspace (the first found), or `None`."""
        for ws in self.workspaces.values():
            found = ws.workers.get(worker)
            if found is not None:
                return found
            for w in ws.workers.values():
                if w.friendly_name == worker:
                    return w
        return None

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

    def _touch(self, task: Task) -> None:
        task.version += 1
        task.date_updated = self._now()
