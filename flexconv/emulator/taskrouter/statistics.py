"""TaskRouter's statistics, computed from the workspace's real state and its event log.

Realtime figures count what exists now (tasks by status and priority, the longest waiting task,
workers by activity); cumulative figures count the workspace events inside a window (``Minutes``,
default 15, or ``StartDate``/``EndDate``), optionally only those of one ``TaskChannel``, with
``SplitByWaitTime`` thresholds.  Each path of Twilio's spec is answered: the workspace's, a
queue's (also every queue's, and the bulk realtime ``POST``), a workflow's, the workers' and one
worker's ``Statistics`` / ``RealTimeStatistics`` / ``CumulativeStatistics``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from flexconv.emulator._base import EmuRequest, EmuResponse, bad_request, iso, paginate
from flexconv.emulator.taskrouter.entities import MAX_PAGE_SIZE, TaskQueue, Worker, Workspace
from flexconv.emulator.taskrouter.params import _int_value, _parse_date
from flexconv.emulator.taskrouter.routes_tasks import TaskRouterTaskRoutes
from flexconv.emulator.taskrouter.task_entities import Event, Task

_ACTIVE = ("pending", "reserved", "assigned", "wrapping")
_RESERVATIONS = {
    "reservations_created": "reservation.created",
    "reservations_accepted": "reservation.accepted",
    "reservations_rejected": "reservation.rejected",
    "reservations_timed_out": "reservation.timeout",
    "reservations_canceled": "reservation.canceled",
    "reservations_rescinded": "reservation.rescinded",
}
_Handler = Callable[[EmuRequest], EmuResponse]


def _durations(values: Sequence[float]) -> dict[str, int]:
    if not values:
        return {"avg": 0, "min": 0, "max": 0, "total": 0}
    total = sum(values)
    return {
        "avg": round(total / len(values)),
        "min": int(min(values)),
        "max": int(max(values)),
        "total": int(total),
    }


def _since_created(event: Event, key: str = "task_date_created") -> float | None:
    raw = event.event_data.get(key)
    if raw is None:
        return None
    return max(0.0, event.event_date.timestamp() - float(raw))


class _Window:
    """The events of a workspace inside a statistics request's window."""

    def __init__(self, req: EmuRequest, ws: Workspace, now: datetime) -> None:
        minutes = _int_value(req.q("Minutes"), "Minutes", 1, 43200)
        start, end = req.q("StartDate"), req.q("EndDate")
        self.end = _parse_date(end, "EndDate") if end else now
        if start:
            self.start = _parse_date(start, "StartDate")
        else:
            self.start = self.end - timedelta(minutes=minutes or 15)
        if self.start > self.end:
            raise bad_request("StartDate must not be after EndDate")
        channel = req.q("TaskChannel")
        self.channel = channel or None
        raw_split = req.q("SplitByWaitTime")
        try:
            self.split = [int(v) for v in raw_split.split(",") if v.strip()] if raw_split else []
        except ValueError:
            raise bad_request("SplitByWaitTime must be comma-separated seconds") from None
        self.events = [
            e
            for e in ws.events
            if self.start <= e.event_date <= self.end
            and (
                channel is None
                or channel
                in (
                    e.event_data.get("task_channel_sid"),
                    e.event_data.get("task_channel_unique_name"),
                )
            )
        ]

    def of(self, key: str | None = None, value: str | None = None) -> list[Event]:
        if key is None:
            return self.events
        return [e for e in self.events if e.event_data.get(key) == value]


class TaskRouterStatistics(TaskRouterTaskRoutes):
    """Computes statistics and serves their HTTP routes."""

    # -- cumulative --------------------------------------------------------------------------

    def _cumulative(self, window: _Window, events: list[Event], *, kind: str) -> dict[str, Any]:
        def count(*types: str) -> int:
            return sum(1 for e in events if e.event_type in types)

        out: dict[str, Any] = {
            "start_time": iso(window.start),
            "end_time": iso(window.end),
        }
        out.update({name: count(event) for name, event in _RESERVATIONS.items()})
        if kind == "workers":
            return out
        accepted = [e for e in events if e.event_type == "reservation.accepted"]
        canceled = [e for e in events if e.event_type == "task.canceled"]
        until_accepted = [d for e in accepted if (d := _since_created(e)) is not None]
        until_canceled = [d for e in canceled if (d := _since_created(e)) is not None]
        out.update(
            avg_task_acceptance_time=_durations(until_accepted)["avg"],
            tasks_canceled=len(canceled),
            tasks_completed=count("task.completed"),
            tasks_deleted=count("task.deleted", "task.system-deleted"),
            tasks_moved=count("task-queue.moved"),
            wait_duration_until_accepted=_durations(until_accepted),
            wait_duration_until_canceled=_durations(until_canceled),
            split_by_wait_time=self._split(window, accepted, canceled),
        )
        if kind == "workspace":
            out["tasks_created"] = count("task.created")
        elif kind == "queue":
            out["tasks_entered"] = count("task-queue.entered", "task-queue.moved")
            in_queue = [
                d
                for e in accepted
                if (d := _since_created(e, "task_queue_entered_date")) is not None
            ]
            out["wait_duration_in_queue_until_accepted"] = _durations(in_queue)
        else:
            out["tasks_entered"] = count("task.created")
        if kind in ("workspace", "workflow"):
            out["tasks_timed_out_in_workflow"] = count("workflow.timeout")
        return out

    @staticmethod
    def _split(
        window: _Window, accepted: list[Event], canceled: list[Event]
    ) -> dict[str, Any] | None:
        if not window.split:
            return None
        out: dict[str, Any] = {}
        for seconds in window.split:

            def side(events: list[Event], above: bool, limit: int = seconds) -> int:
                waits = [_since_created(e) or 0.0 for e in events]
                return sum(1 for w in waits if (w > limit) == above)

            out[str(seconds)] = {
                where: {
                    "tasks_canceled": side(canceled, where == "above"),
                    "reservations_accepted": side(accepted, where == "above"),
                }
                for where in ("above", "below")
            }
        return out

    def _activity_durations(
        self, ws: Workspace, window: _Window, workers: Iterable[Worker]
    ) -> list[dict[str, Any]]:
        sids = {w.sid for w in workers}
        stints: dict[str, list[float]] = {a: [] for a in ws.activities}
        for event in window.events:
            data = event.event_data
            if event.event_type != "worker.activity.update" or data.get("worker_sid") not in sids:
                continue
            previous = data.get("worker_previous_activity_sid")
            if previous in stints:
                began = event.event_date - timedelta(
                    seconds=float(data.get("worker_time_in_previous_activity") or 0)
                )
                stints[previous].append(
                    (event.event_date - max(began, window.start)).total_seconds()
                )
        for worker in ws.workers.values():
            if worker.sid in sids and worker.activity_sid in stints:
                began = max(worker.date_status_changed, window.start)
                stints[worker.activity_sid].append(max(0.0, (window.end - began).total_seconds()))
        return [
            {"sid": sid, "friendly_name": ws.activities[sid].friendly_name, **_durations(values)}
            for sid, values in stints.items()
        ]

    # -- realtime ----------------------------------------------------------------------------

    @staticmethod
    def _activity_statistics(ws: Workspace, workers: Iterable[Worker]) -> list[dict[str, Any]]:
        listed = list(workers)
        return [
            {
                "sid": a.sid,
                "friendly_name": a.friendly_name,
                "workers": sum(1 for w in listed if w.activity_sid == a.sid),
            }
            for a in ws.activities.values()
        ]

    def _realtime_tasks(self, tasks: list[Task], channel: str | None) -> dict[str, Any]:
        now = self._now()
        live = [
            t
            for t in tasks
            if t.assignment_status in _ACTIVE
            and (channel is None or channel in (t.task_channel.sid, t.task_channel.unique_name))
        ]
        by_priority: dict[str, int] = {}
        for task in live:
            by_priority[str(task.priority)] = by_priority.get(str(task.priority), 0) + 1
        waiting = [t for t in live if t.assignment_status in ("pending", "reserved")]
        oldest = max(waiting, key=lambda t: (t.age(now), -t.seq), default=None)
        return {
            "total_tasks": len(live),
            "tasks_by_status": {
                s: sum(1 for t in live if t.assignment_status == s) for s in _ACTIVE
            },
            "tasks_by_priority": by_priority,
            "longest_task_waiting_age": oldest.age(now) if oldest else 0,
            "longest_task_waiting_sid": oldest.sid if oldest else None,
            "_waiting": waiting,
        }

    def _queue_realtime(self, queue: TaskQueue, channel: str | None) -> dict[str, Any]:
        ws = queue.workspace
        tasks = [t for t in ws.tasks.values() if t.task_queue_sid == queue.sid]
        out = self._realtime_tasks(tasks, channel)
        waiting: list[Task] = out.pop("_waiting")
        now = self._now()

        def in_queue(t: Task) -> float:
            return (now - (t.task_queue_entered_date or t.date_created)).total_seconds()

        longest = max(waiting, key=in_queue, default=None)
        members = [w for w in ws.workers.values() if queue.has_worker(w)]
        out.update(
            task_queue_sid=queue.sid,
            activity_statistics=self._activity_statistics(ws, members),
            total_eligible_workers=len(members),
            total_available_workers=sum(1 for w in members if w.available),
            longest_relative_task_age_in_queue=int(in_queue(longest)) if longest else 0,
            longest_relative_task_sid_in_queue=longest.sid if longest else None,
        )
        return out

    # -- HTTP --------------------------------------------------------------------------------

    def _statistics_routes(self, s: str) -> list[tuple[str, str, _Handler]]:
        q, w, f = s + "/TaskQueues", s + "/Workers", s + "/Workflows/{WorkflowSid}"
        return [
            ("GET", s + "/Statistics", self._h_ws_stats),
            ("GET", s + "/RealTimeStatistics", self._h_ws_realtime),
            ("GET", s + "/CumulativeStatistics", self._h_ws_cumulative),
            ("GET", q + "/Statistics", self._h_queues_stats),
            ("POST", q + "/RealTimeStatistics", self._h_queues_bulk_realtime),
            ("GET", q + "/{TaskQueueSid}/Statistics", self._h_queue_stats),
            ("GET", q + "/{TaskQueueSid}/RealTimeStatistics", self._h_queue_realtime),
            ("GET", q + "/{TaskQueueSid}/CumulativeStatistics", self._h_queue_cumulative),
            ("GET", w + "/Statistics", self._h_workers_stats),
            ("GET", w + "/RealTimeStatistics", self._h_workers_realtime),
            ("GET", w + "/CumulativeStatistics", self._h_workers_cumulative),
            ("GET", w + "/{WorkerSid}/Statistics", self._h_worker_stats),
            ("GET", f + "/Statistics", self._h_workflow_stats),
            ("GET", f + "/RealTimeStatistics", self._h_workflow_realtime),
            ("GET", f + "/CumulativeStatistics", self._h_workflow_cumulative),
        ]

    def _head(self, req: EmuRequest, ws: Workspace, **sids: str) -> dict[str, Any]:
        head: dict[str, Any] = {"account_sid": ws.account_sid, "workspace_sid": ws.sid}
        head.update(sids)
        head["url"] = req.base_url + req.path
        return head

    def _ws_parts(self, req: EmuRequest) -> tuple[Workspace, dict[str, Any], dict[str, Any]]:
        ws = self._ws_of(req)
        window = _Window(req, ws, self._now())
        realtime = self._realtime_tasks(list(ws.tasks.values()), window.channel)
        realtime.pop("_waiting")
        realtime.update(
            activity_statistics=self._activity_statistics(ws, ws.workers.values()),
            total_workers=len(ws.workers),
        )
        return ws, realtime, self._cumulative(window, window.of(), kind="workspace")

    def _h_ws_stats(self, req: EmuRequest) -> EmuResponse:
        ws, realtime, cumulative = self._ws_parts(req)
        body = self._head(req, ws) | {"realtime": realtime, "cumulative": cumulative}
        return EmuResponse.json(200, body)

    def _h_ws_realtime(self, req: EmuRequest) -> EmuResponse:
        ws, realtime, _ = self._ws_parts(req)
        return EmuResponse.json(200, self._head(req, ws) | realtime)

    def _h_ws_cumulative(self, req: EmuRequest) -> EmuResponse:
        ws, _, cumulative = self._ws_parts(req)
        return EmuResponse.json(200, self._head(req, ws) | cumulative)

    def _queue_parts(
        self, req: EmuRequest, queue: TaskQueue
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        window = _Window(req, queue.workspace, self._now())
        cumulative = self._cumulative(window, window.of("task_queue_sid", queue.sid), kind="queue")
        return self._queue_realtime(queue, window.channel), cumulative

    def _stat_queue(self, req: EmuRequest) -> TaskQueue:
        return self.get_task_queue(req.params["WorkspaceSid"], req.params["TaskQueueSid"])

    def _h_queue_stats(self, req: EmuRequest) -> EmuResponse:
        queue = self._stat_queue(req)
        realtime, cumulative = self._queue_parts(req, queue)
        head = self._head(req, queue.workspace, task_queue_sid=queue.sid)
        return EmuResponse.json(200, head | {"realtime": realtime, "cumulative": cumulative})

    def _h_queue_realtime(self, req: EmuRequest) -> EmuResponse:
        queue = self._stat_queue(req)
        realtime, _ = self._queue_parts(req, queue)
        return EmuResponse.json(200, self._head(req, queue.workspace) | realtime)

    def _h_queue_cumulative(self, req: EmuRequest) -> EmuResponse:
        queue = self._stat_queue(req)
        _, cumulative = self._queue_parts(req, queue)
        head = self._head(req, queue.workspace, task_queue_sid=queue.sid)
        return EmuResponse.json(200, head | cumulative)

    def _h_queues_stats(self, req: EmuRequest) -> EmuResponse:
        ws = self._ws_of(req)
        name = req.q("FriendlyName")
        items = []
        for queue in ws.task_queues.values():
            if name is not None and queue.friendly_name != name:
                continue
            realtime, cumulative = self._queue_parts(req, queue)
            items.append(
                {
                    "account_sid": ws.account_sid,
                    "workspace_sid": ws.sid,
                    "task_queue_sid": queue.sid,
                    "realtime": realtime,
                    "cumulative": cumulative,
                }
            )
        keep = ["EndDate", "FriendlyName", "Minutes", "StartDate", "TaskChannel", "SplitByWaitTime"]
        return paginate(req, items, "task_queues_statistics", MAX_PAGE_SIZE, keep_query=keep)

    def _h_queues_bulk_realtime(self, req: EmuRequest) -> EmuResponse:
        ws = self._ws_of(req)
        body = req.json()
        sids = body.get("QueueSids") if isinstance(body, dict) else body
        if not isinstance(sids, list) or not sids or not all(isinstance(s, str) for s in sids):
            raise bad_request("The body must be a JSON object with a non-empty QueueSids list")
        if len(sids) > 50:
            raise bad_request("At most 50 QueueSids per request")
        data = [self._queue_realtime(self.get_task_queue(ws.sid, sid), None) for sid in sids]
        head = self._head(req, ws)
        return EmuResponse.json(
            200, head | {"task_queue_data": data, "task_queue_response_count": len(data)}
        )

    def _workers_of(self, req: EmuRequest, ws: Workspace) -> list[Worker]:
        workers = list(ws.workers.values())
        queue_sid, queue_name = req.q("TaskQueueSid"), req.q("TaskQueueName")
        name = req.q("FriendlyName")
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
            workers = [w for w in workers if queue is not None and queue.has_worker(w)]
        if name:
            workers = [w for w in workers if name.lower() in w.friendly_name.lower()]
        return workers

    def _workers_parts(self, req: EmuRequest) -> tuple[Workspace, dict[str, Any], dict[str, Any]]:
        ws = self._ws_of(req)
        window = _Window(req, ws, self._now())
        workers = self._workers_of(req, ws)
        sids = {w.sid for w in workers}
        events = [e for e in window.events if e.event_data.get("worker_sid") in sids]
        cumulative = self._cumulative(window, events, kind="workers")
        cumulative["activity_durations"] = self._activity_durations(ws, window, workers)
        realtime = {
            "total_workers": len(workers),
            "activity_statistics": self._activity_statistics(ws, workers),
        }
        return ws, realtime, cumulative

    def _h_workers_stats(self, req: EmuRequest) -> EmuResponse:
        ws, realtime, cumulative = self._workers_parts(req)
        body = self._head(req, ws) | {"realtime": realtime, "cumulative": cumulative}
        return EmuResponse.json(200, body)

    def _h_workers_realtime(self, req: EmuRequest) -> EmuResponse:
        ws, realtime, _ = self._workers_parts(req)
        return EmuResponse.json(200, self._head(req, ws) | realtime)

    def _h_workers_cumulative(self, req: EmuRequest) -> EmuResponse:
        ws, _, cumulative = self._workers_parts(req)
        return EmuResponse.json(200, self._head(req, ws) | cumulative)

    def _h_worker_stats(self, req: EmuRequest) -> EmuResponse:
        worker = self.get_worker(req.params["WorkspaceSid"], req.params["WorkerSid"])
        ws = worker.workspace
        window = _Window(req, ws, self._now())
        cumulative = self._cumulative(window, window.of("worker_sid", worker.sid), kind="workers")
        cumulative["activity_durations"] = self._activity_durations(ws, window, [worker])
        head = self._head(req, ws, worker_sid=worker.sid)
        return EmuResponse.json(200, head | {"cumulative": cumulative})

    def _workflow_parts(
        self, req: EmuRequest
    ) -> tuple[Workspace, str, dict[str, Any], dict[str, Any]]:
        workflow = self.get_workflow(req.params["WorkspaceSid"], req.params["WorkflowSid"])
        ws = workflow.workspace
        window = _Window(req, ws, self._now())
        tasks = [t for t in ws.tasks.values() if t.workflow_sid == workflow.sid]
        realtime = self._realtime_tasks(tasks, window.channel)
        realtime.pop("_waiting")
        events = window.of("workflow_sid", workflow.sid)
        return ws, workflow.sid, realtime, self._cumulative(window, events, kind="workflow")

    def _h_workflow_stats(self, req: EmuRequest) -> EmuResponse:
        ws, sid, realtime, cumulative = self._workflow_parts(req)
        head = self._head(req, ws, workflow_sid=sid)
        return EmuResponse.json(200, head | {"realtime": realtime, "cumulative": cumulative})

    def _h_workflow_realtime(self, req: EmuRequest) -> EmuResponse:
        ws, sid, realtime, _ = self._workflow_parts(req)
        return EmuResponse.json(200, self._head(req, ws, workflow_sid=sid) | realtime)

    def _h_workflow_cumulative(self, req: EmuRequest) -> EmuResponse:
        ws, sid, _, cumulative = self._workflow_parts(req)
        return EmuResponse.json(200, self._head(req, ws, workflow_sid=sid) | cumulative)
