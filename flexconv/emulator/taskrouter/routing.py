"""TaskRouter's routing engine on the virtual clock: workflow filters and targets, target
timeouts, worker eligibility and capacity, dispatch, reservations and assignment callbacks."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from flexconv.emulator._base import bad_request
from flexconv.emulator.expressions import parse
from flexconv.emulator.taskrouter.entities import (
    _HOLDING,
    DEFAULT_RESERVATION_TIMEOUT,
    TaskQueue,
    Worker,
    Workspace,
)
from flexconv.emulator.taskrouter.events import TaskRouterEvents
from flexconv.emulator.taskrouter.params import _expression
from flexconv.emulator.taskrouter.task_entities import (
    Reservation,
    Task,
    Workflow,
    _Filter,
    _Plan,
    _Target,
)


class TaskRouterRouting(TaskRouterEvents):
    """Moves tasks through their workflow and offers them to eligible workers."""

    if TYPE_CHECKING:  # defined by the lifecycle layer, which stacks on this one

        def _reservation_timeout(self, reservation: Reservation) -> None: ...

        def _change_activity(self, worker: Worker, activity_sid: str) -> None: ...

        def _finish_task(
            self, task: Task, status: str, reason: str | None, previous: str
        ) -> None: ...

        def _assignment_callback(self, workflow: Workflow, reservation: Reservation) -> None: ...

    def _stop_routing(self, task: Task) -> None:
        self.clock.cancel(task._target_timer)
        task._target_timer = None

    def _enter_workflow(self, task: Task, workflow: Workflow, start: int = 0) -> None:
        """Match the task against the workflow's filters (from ``start``) and start on the
        winner's targets; ``default_filter`` only when no filter matches."""
        self._stop_routing(task)
        plan = workflow.plan
        for index in range(start, len(plan.filters)):
            flt = plan.filters[index]
            if flt.expression.evaluate(task.attributes, task=task.attributes):
                self._record(
                    task.workspace,
                    "workflow.entered",
                    f"Task {task.sid} entered workflow {workflow.friendly_name}",
                    task=task,
                    extra={"workflow_filter_name": flt.name},
                )
                task._filter_index = index
                self._start_targets(task, flt.targets, in_default=False)
                return
        if plan.default is not None:
            task._filter_index = len(plan.filters)
            self._start_targets(task, (plan.default,), in_default=True)

    def _start_targets(self, task: Task, targets: tuple[_Target, ...], *, in_default: bool) -> None:
        task._targets = targets
        task._in_default = in_default
        task._target_index = -1
        task._excluded.clear()
        self._next_target(task)

    def _next_target(self, task: Task, *, skipped: bool = False) -> None:
        """Move the task to its next target.

        Past a filter's last target the task leaves the workflow: after a timeout it gets
        ``workflow.timeout`` and is canceled ("Workflow Timeout"); after a ``skip_if`` it is
        matched again as if the filter had not matched (the next filters, then the default).
        """
        self._stop_routing(task)
        task._target_expired = False
        task._target_index += 1
        if task._target_index >= len(task._targets):
            task._target_index = len(task._targets) - 1
            workflow = task.workflow
            if skipped and not task._in_default and workflow is not None:
                self._enter_workflow(task, workflow, task._filter_index + 1)
            elif workflow is not None and task._targets:
                self._record(
                    task.workspace,
                    "workflow.timeout",
                    f"Task {task.sid} timed out of workflow {workflow.friendly_name}",
                    task=task,
                )
                self._finish_task(task, "canceled", "Workflow Timeout", task.assignment_status)
            # A direct task (no workflow) stays on its last target.
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
        if target.skip_if and not task._in_default and self._skips(task, target):
            return
        if target.timeout is not None:
            task._target_timer = self.clock.call_later(
                target.timeout, lambda: self._target_timeout(task)
            )

    def _skips(self, task: Task, target: _Target) -> bool:
        """Offer the task at once; unreserved and with ``skip_if`` true, skip to the next step."""
        self._offer(task)
        if task.sid not in task.workspace.tasks or task.current_target is not target:
            return True
        if any(r.reservation_status == "pending" for r in task.reservations):
            return False
        ws = task.workspace
        queue = ws.task_queues.get(target.queue_sid)
        members = [w for w in ws.workers.values() if queue is not None and queue.has_worker(w)]
        counts: dict[str, int] = {
            "available": sum(1 for w in members if w.available),
            "unavailable": sum(1 for w in members if not w.available),
        }
        for activity_sid in ws.activities:
            counts[activity_sid] = sum(1 for w in members if w.activity_sid == activity_sid)
        if not parse(target.skip_if or "false").evaluate({"workers": counts}):
            return False
        self._record(
            ws,
            "workflow.skipped",
            f"Task {task.sid} skipped a workflow target",
            task=task,
            extra={"workflow_skip_if": target.skip_if},
        )
        self._next_target(task, skipped=True)
        return True

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
        if task._ignores_capacity:
            return True
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
            if worker.sid in task._excluded or worker.sid in offered:
                continue
            if not worker.available and not task._ignores_capacity:
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
            if not (worker.available or task._ignores_capacity):
                continue
            if not self._has_capacity(worker, task):
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
        self._reservation_event(reservation, "created")
        if workflow is not None and workflow.assignment_callback_url:
            self._assignment_callback(workflow, reservation)

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
        skip_if = raw.get("skip_if")
        if skip_if is not None:
            if not isinstance(skip_if, str):
                raise bad_request(f"{where}.skip_if must be a string")
            _expression(skip_if, f"{where}.skip_if")
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
            skip_if=skip_if,
        )
