"""TaskRouter's Python API for creating resources: workspaces (with their default activities
and channels), activities, workers, queues, channels, workflows and tasks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flexconv.emulator._base import ApiError, bad_request
from flexconv.emulator.taskrouter.assignment import TaskRouterAssignment
from flexconv.emulator.taskrouter.entities import (
    _DEFAULT_ACTIVITIES,
    _DEFAULT_CHANNELS,
    DEFAULT_RESERVATION_TIMEOUT,
    DEFAULT_TASK_TIMEOUT,
    MAX_RESERVATION_TIMEOUT,
    MAX_TASK_TIMEOUT,
    Activity,
    TaskChannel,
    TaskQueue,
    Worker,
    WorkerChannel,
    Workspace,
)
from flexconv.emulator.taskrouter.params import _expression
from flexconv.emulator.taskrouter.task_entities import Task, Workflow, _Target


class TaskRouterCreation(TaskRouterAssignment):
    """Creates TaskRouter resources, checking Twilio's constraints."""

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
        target_worker: Worker | None = None
        if routing_target:
            target_worker, task_queue_sid, workflow_sid = self._routing_target(
                ws, routing_target, task_queue_sid, workflow_sid
            )
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
        if target_worker is not None:
            # Spec: IgnoreCapacity defaults to true for a Worker RoutingTarget, and only counts then.
            task.ignore_capacity = True if ignore_capacity is None else ignore_capacity
            task._ignores_capacity = task.ignore_capacity
        ws.tasks[task.sid] = task
        task._ttl_timer = self.clock.call_later(task.timeout, lambda: self._task_ttl(task))
        self._record(ws, "task.created", f"Task {task.sid} created", task=task)
        self._emit("taskrouter.task.created", task=task)
        if queue is not None:
            known = target_worker.sid if target_worker is not None else None
            self._start_targets(
                task, (_Target(queue_sid=queue.sid, known_worker_sid=known),), in_default=True
            )
        elif workflow is not None:
            self._enter_workflow(task, workflow)
        self._dispatch(ws)
        return task

    @staticmethod
    def _routing_target(
        ws: Workspace, target: str, task_queue_sid: str | None, workflow_sid: str | None
    ) -> tuple[Worker | None, str | None, str | None]:
        """Resolve ``RoutingTarget`` (a Worker, Queue or Workflow SID of the workspace) into the
        worker to wait for, the queue and the workflow."""
        if target in ws.task_queues:
            return None, target, workflow_sid
        if target in ws.workflows:
            return None, task_queue_sid, target
        worker = ws.workers.get(target)
        if worker is None:
            raise bad_request(
                f"RoutingTarget {target} is not a Worker, TaskQueue or Workflow of this workspace"
            )
        if task_queue_sid is None:
            task_queue_sid = next(
                (q.sid for q in ws.task_queues.values() if q.has_worker(worker)), None
            )
        if task_queue_sid is None:
            raise ApiError(400, 40152, f"RoutingTarget {target} is in no TaskQueue")
        return worker, task_queue_sid, None

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
                task.routing_target = target_worker.sid
                self._start_targets(
                    task,
                    (_Target(queue_sid=queue.sid, known_worker_sid=target_worker.sid),),
                    in_default=True,
                )
        finally:
            self._dispatching = was_dispatching
        self._dispatch(ws)
        return task
