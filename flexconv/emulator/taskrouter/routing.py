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
    _dumps,
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
