"""TaskRouter's Python API for changes: task updates and deletion (with TTL timers), worker
updates and activity changes, and answering reservations."""

from __future__ import annotations

from typing import Any

from flexconv.emulator._base import bad_request
from flexconv.emulator.taskrouter.entities import (
    _HOLDING,
    _TASK_TRANSITIONS,
    CANCELED_TASK_TTL,
    COMPLETED_TASK_TTL,
    RESERVATION_STATUSES,
    TASK_STATUSES,
    Worker,
)
from flexconv.emulator.taskrouter.params import _check_if_match
from flexconv.emulator.taskrouter.routing import TaskRouterRouting
from flexconv.emulator.taskrouter.task_entities import Reservation, Task


class TaskRouterLifecycle(TaskRouterRouting):
    """Updates tasks, workers and reservations, keeping routing and timers in step."""

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
