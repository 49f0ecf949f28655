"""TaskRouter's workspace events: recording them and delivering them to the workspace's
``EventCallbackUrl``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flexconv.emulator.taskrouter.entities import Activity, TaskQueue, Worker, Workspace, _dumps
from flexconv.emulator.taskrouter.params import _epoch, _pascal
from flexconv.emulator.taskrouter.state import TaskRouterState
from flexconv.emulator.taskrouter.task_entities import Event, Reservation, Task, Workflow


class TaskRouterEvents(TaskRouterState):
    """Records workspace events and delivers them to the event callback."""

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
