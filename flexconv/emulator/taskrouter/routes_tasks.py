"""TaskRouter's HTTP handlers for workers, worker channels, reservations, workflows and tasks,
with the shared HTTP helpers."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from flexconv.emulator._base import EmuRequest, EmuResponse, bad_request, not_found, paginate
from flexconv.emulator.taskrouter.entities import (
    DEFAULT_RESERVATION_TIMEOUT,
    MAX_PAGE_SIZE,
    MAX_RESERVATION_TIMEOUT,
    MAX_TASK_TIMEOUT,
    RESERVATION_STATUSES,
    TASK_STATUSES,
    Worker,
    WorkerChannel,
    Workspace,
)
from flexconv.emulator.taskrouter.params import (
    _check_if_match,
    _expression,
    _ignore_capacity,
    _int_value,
    _ordering,
    _parse_attributes,
    _sort,
    _statuses,
    _virtual_start,
)
from flexconv.emulator.taskrouter.seeding import TaskRouterSeeding
from flexconv.emulator.taskrouter.task_entities import Reservation, Task, Workflow


class TaskRouterTaskRoutes(TaskRouterSeeding):
    """HTTP handlers for workers, reservations, workflows and tasks."""

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
            kind = instruction.lower()
            self._instruct(
                reservation,
                instruction,
                from_=req.value("CallFrom") if kind == "call" else req.value("DequeueFrom"),
                to=req.value("CallTo") if kind == "call" else req.value("DequeueTo"),
                url=req.value("RedirectUrl") if kind == "redirect" else req.value("CallUrl"),
                call_sid=req.value("RedirectCallSid"),
                accept=bool(
                    req.bool_value("RedirectAccept" if kind == "redirect" else "CallAccept", False)
                ),
                activity_sid=req.value("WorkerActivitySid") or None,
                if_match=req.headers.get("if-match"),
            )
            self._dispatch(reservation.task.workspace)
            return
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
            virtual_start_time=_virtual_start(vst, self._now()) if vst else None,
            routing_target=req.value("RoutingTarget") or None,
            ignore_capacity=_ignore_capacity(req.value("IgnoreCapacity")),
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
            task.virtual_start_time = _virtual_start(vst, self._now())
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
