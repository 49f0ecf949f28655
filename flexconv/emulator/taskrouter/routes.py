"""TaskRouter's HTTP routes (``/v1/Workspaces/...``): the route table, and the handlers for
workspaces, activities, events, task channels and task queues."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flexconv.emulator._base import EmuRequest, EmuResponse, Router, bad_request, not_found
from flexconv.emulator.expressions import parse
from flexconv.emulator.taskrouter.entities import PRODUCT, Activity, TaskChannel, TaskQueue
from flexconv.emulator.taskrouter.params import (
    _expression,
    _int_value,
    _ordering,
    _parse_attributes,
    _parse_date,
    _sort,
)
from flexconv.emulator.taskrouter.statistics import TaskRouterStatistics
from flexconv.emulator.taskrouter.task_entities import Event


class TaskRouterRoutes(TaskRouterStatistics):
    """Registers TaskRouter's routes; handlers for workspace-level resources."""

    def register(self, router: Router) -> None:
        """Add TaskRouter's routes to ``router`` under the product ``taskrouter``."""
        w = "/v1/Workspaces"
        s = w + "/{WorkspaceSid}"
        # Statistics first: their literal segments must win over ``{Sid}`` templates.
        routes: list[tuple[str, str, Callable[[EmuRequest], EmuResponse]]] = [
            *self._statistics_routes(s),
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
