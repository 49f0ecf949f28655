"""The emulator's TaskRouter, driven through plain requests and through its Python API.

A tiny stand-in for the emulator facade (clock, SIDs, bus, account SID, webhook recorder) keeps
these tests independent of ``flexconv.emulator.emulator``.  Every request and response goes through
``tests.spec_check`` against Twilio's TaskRouter spec.
"""

from __future__ import annotations

import inspect
import json
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from flexconv.emulator._base import (
    ApiError,
    Clock,
    EmuResponse,
    EventBus,
    Router,
    Sids,
    split_url,
)
from flexconv.emulator.taskrouter import Task, TaskRouter, Workspace
from tests.spec_check import check_request, check_response

BASE = "https://taskrouter.twilio.com"
ACCOUNT = "AC" + "a" * 32


# ------------------------------------------------------------------------------------------------
# Stand-ins and helpers


@dataclass
class RecordingWebhooks:
    calls: list[tuple[str, list[tuple[str, str]], str]] = field(default_factory=list)

    def deliver(self, url: str, params: list[tuple[str, str]], *, kind: str, **_: Any) -> None:
        self.calls.append((url, list(params), kind))

    def events(self, kind: str = "taskrouter.event") -> list[dict[str, str]]:
        return [dict(params) for _, params, k in self.calls if k == kind]


class FakeEmu:
    def __init__(self) -> None:
        self.clock = Clock()
        self.sids = Sids(7)
        self.bus = EventBus()
        self.account_sid = ACCOUNT
        self.webhooks = RecordingWebhooks()


class BusLog:
    """Records every TaskRouter bus event."""

    NAMES = (
        "taskrouter.task.created",
        "taskrouter.task.updated",
        "taskrouter.task.deleted",
        *(
            f"taskrouter.reservation.{s}"
            for s in (
                "created",
                "accepted",
                "rejected",
                "timeout",
                "canceled",
                "rescinded",
                "wrapping",
                "completed",
            )
        ),
    )

    def __init__(self, bus: EventBus) -> None:
        self.seen: list[tuple[str, dict[str, Any]]] = []
        for name in self.NAMES:
            bus.subscribe(name, lambda _n=name, **kw: self._record(_n, kw))

    def _record(self, name: str, kw: dict[str, Any]) -> None:
        # The task is a live object: keep its status as it was when the event fired.
        self.seen.append((name, {**kw, "status_then": kw["task"].assignment_status}))

    def names(self) -> list[str]:
        return [n for n, _ in self.seen]

    def of(self, name: str) -> list[dict[str, Any]]:
        return [kw for n, kw in self.seen if n == name]


class Api:
    """Plain HTTP-shaped calls against the router, checked against Twilio's spec."""

    def __init__(self, router: Router) -> None:
        self.router = router

    def call(
        self,
        method: str,
        path: str,
        data: Mapping[str, Any] | Sequence[tuple[str, str]] | None = None,
        *,
        query: Sequence[tuple[str, str]] | Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        check: bool = True,
    ) -> EmuResponse:
        url = BASE + path
        if query:
            url += "?" + urllib.parse.urlencode(query, doseq=True)
        body = urllib.parse.urlencode(data, doseq=True).encode() if data else b""
        hdrs = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
        if check:
            assert check_request(method, url, hdrs, body) == []
        req = split_url(method, url, hdrs, body)
        try:
            handler, params, _ = self.router.match(req)
            req.params = params
            response = handler(req)
        except ApiError as exc:
            response = exc.response()
        if check:
            problems = check_response(
                method,
                url,
                response.status,
                response.headers,
                response.body,
                require_all_fields=True,
            )
            assert problems == []
        return response

    def get(self, path: str, **kw: Any) -> EmuResponse:
        return self.call("GET", path, **kw)

    def post(self, path: str, data: Any = None, **kw: Any) -> EmuResponse:
        return self.call("POST", path, data, **kw)

    def delete(self, path: str, **kw: Any) -> EmuResponse:
        return self.call("DELETE", path, **kw)


@pytest.fixture
def emu() -> FakeEmu:
    return FakeEmu()


@pytest.fixture
def tr(emu: FakeEmu) -> TaskRouter:
    return TaskRouter(emu)


@pytest.fixture
def api(tr: TaskRouter) -> Api:
    router = Router()
    tr.register(router)
    return Api(router)


@pytest.fixture
def bus(emu: FakeEmu) -> BusLog:
    return BusLog(emu.bus)


@dataclass
class Setup:
    ws: Workspace
    everyone: str
    available: str
    offline: str
    workflow: str
    alice: str
    bob: str

    @property
    def p(self) -> str:
        return f"/v1/Workspaces/{self.ws.sid}"


def activity(ws: Workspace, name: str) -> str:
    return next(a.sid for a in ws.activities.values() if a.friendly_name == name)


def build(
    tr: TaskRouter,
    config: dict[str, Any] | None = None,
    *,
    callback: str | None = None,
    events_filter: str | None = None,
    reservation_timeout: int = 120,
) -> Setup:
    ws = tr.create_workspace(
        "Flex Task Assignment", event_callback_url=callback, events_filter=events_filter
    )
    everyone = tr.create_task_queue(ws.sid, "Everyone").sid
    available = activity(ws, "Available")
    cfg = config or {
        "task_routing": {"filters": [], "default_filter": {"queue": everyone}},
    }
    cfg = json.loads(json.dumps(cfg).replace("$EVERYONE", everyone))
    workflow = tr.create_workflow(
        ws.sid, "Assign to Anyone", cfg, task_reservation_timeout=reservation_timeout
    ).sid
    alice = tr.create_worker(
        ws.sid,
        "alice",
        attributes={"languages": ["en", "es"], "skills": ["sales"]},
        activity_sid=available,
    ).sid
    bob = tr.create_worker(
        ws.sid,
        "bob",
        attributes={"languages": ["en"], "skills": ["support"]},
        activity_sid=available,
    ).sid
    return Setup(ws, everyone, available, activity(ws, "Offline"), workflow, alice, bob)


def new_task(api: Api, s: Setup, attributes: dict[str, Any] | None = None, **extra: str) -> Any:
    data = {"Attributes": json.dumps(attributes or {}), "TaskChannel": "chat", **extra}
    if "WorkflowSid" not in data:
        data["WorkflowSid"] = s.workflow
    elif not data["WorkflowSid"]:
        del data["WorkflowSid"]  # rely on the workspace's only workflow
    response = api.post(f"{s.p}/Tasks", data)
    assert response.status == 201, response.parsed()
    return response.parsed()


# ------------------------------------------------------------------------------------------------
# Workspaces and the simple resources


def test_workspace_defaults_and_representation(api: Api) -> None:
    created = api.post(
        "/v1/Workspaces",
        {"FriendlyName": "Ops", "EventCallbackUrl": "https://example.com/tr"},
    )
    assert created.status == 201
    ws = created.parsed()
    assert ws["sid"].startswith("WS")
    assert len(ws["sid"]) == 34
    assert ws["account_sid"] == ACCOUNT
    assert ws["default_activity_name"] == "Offline"
    assert ws["timeout_activity_name"] == "Offline"
    assert ws["multi_task_enabled"] is True
    assert ws["event_callback_url"] == "https://example.com/tr"
    assert ws["url"] == f"{BASE}/v1/Workspaces/{ws['sid']}"
    assert ws["links"]["tasks"] == f"{ws['url']}/Tasks"
    assert ws["date_created"] == "2026-01-01T12:00:00Z"

    acts = api.get(f"/v1/Workspaces/{ws['sid']}/Activities").parsed()["activities"]
    assert {(a["friendly_name"], a["available"]) for a in acts} == {
        ("Offline", False),
        ("Available", True),
        ("Unavailable", False),
        ("Break", False),
    }
    assert all(a["sid"].startswith("WA") for a in acts)
    only = api.get(f"/v1/Workspaces/{ws['sid']}/Activities", query={"Available": "true"})
    assert [a["friendly_name"] for a in only.parsed()["activities"]] == ["Available"]

    channels = api.get(f"/v1/Workspaces/{ws['sid']}/TaskChannels").parsed()["channels"]
    assert [c["unique_name"] for c in channels] == [
        "default",
        "voice",
        "chat",
        "sms",
        "video",
        "email",
    ]
    assert all(c["sid"].startswith("TC") for c in channels)

    updated = api.post(
        f"/v1/Workspaces/{ws['sid']}", {"FriendlyName": "Ops 2", "MultiTaskEnabled": "false"}
    ).parsed()
    assert updated["friendly_name"] == "Ops 2"
    assert updated["multi_task_enabled"] is False
    listed = api.get("/v1/Workspaces", query={"FriendlyName": "Ops 2"}).parsed()
    assert [w["sid"] for w in listed["workspaces"]] == [ws["sid"]]
    assert api.delete(f"/v1/Workspaces/{ws['sid']}").status == 204
    assert api.get(f"/v1/Workspaces/{ws['sid']}").status == 404


def test_fifo_template_creates_a_queue_and_workflow(api: Api) -> None:
    ws = api.post("/v1/Workspaces", {"FriendlyName": "T", "Template": "FIFO"}).parsed()
    queues = api.get(f"/v1/Workspaces/{ws['sid']}/TaskQueues").parsed()["task_queues"]
    flows = api.get(f"/v1/Workspaces/{ws['sid']}/Workflows").parsed()["workflows"]
    assert [q["friendly_name"] for q in queues] == ["Sample Queue"]
    assert [f["friendly_name"] for f in flows] == ["Default Fifo Workflow"]
    assert json.loads(flows[0]["configuration"])["task_routing"]["default_filter"] == {
        "queue": queues[0]["sid"]
    }
    bad = api.post("/v1/Workspaces", {"FriendlyName": "T", "Template": "LIFO"})
    assert bad.status == 400


def test_activity_queue_channel_workflow_crud(api: Api, tr: TaskRouter) -> None:
    ws = tr.create_workspace("W")
    p = f"/v1/Workspaces/{ws.sid}"
    act = api.post(f"{p}/Activities", {"FriendlyName": "Lunch", "Available": "false"}).parsed()
    assert act["available"] is False
    assert act["sid"].startswith("WA")
    assert api.post(f"{p}/Activities", {"FriendlyName": "Lunch"}).status == 400
    assert api.post(f"{p}/Activities/{act['sid']}", {"FriendlyName": "Food"}).parsed()[
        "friendly_name"
    ] == ("Food")
    assert api.delete(f"{p}/Activities/{act['sid']}").status == 204
    assert api.get(f"{p}/Activities/{act['sid']}").status == 404

    queue = api.post(
        f"{p}/TaskQueues",
        {"FriendlyName": "Sales", "TargetWorkers": "skills HAS 'sales'", "MaxReservedWorkers": "2"},
    ).parsed()
    assert queue["sid"].startswith("WQ")
    assert queue["target_workers"] == "skills HAS 'sales'"
    assert queue["max_reserved_workers"] == 2
    assert queue["task_order"] == "FIFO"
    bad = api.post(f"{p}/TaskQueues", {"FriendlyName": "Bad", "TargetWorkers": "skills HAS"})
    assert bad.status == 400
    assert "position" in bad.parsed()["message"]
    queue = api.post(f"{p}/TaskQueues/{queue['sid']}", {"TaskOrder": "LIFO"}).parsed()
    assert queue["task_order"] == "LIFO"

    chan = api.post(
        f"{p}/TaskChannels",
        {"UniqueName": "whatsapp", "FriendlyName": "WhatsApp", "ChannelOptimizedRouting": "true"},
    ).parsed()
    assert chan["sid"].startswith("TC")
    assert chan["channel_optimized_routing"] is True
    dup = api.post(f"{p}/TaskChannels", {"UniqueName": "whatsapp", "FriendlyName": "x"})
    assert dup.status == 400
    assert api.get(f"{p}/TaskChannels/whatsapp").parsed()["sid"] == chan["sid"]
    assert api.delete(f"{p}/TaskChannels/{chan['sid']}").status == 204

    config = {"task_routing": {"filters": [], "default_filter": {"queue": queue["sid"]}}}
    flow = api.post(
        f"{p}/Workflows",
        {
            "FriendlyName": "Sales",
            "Configuration": json.dumps(config),
            "TaskReservationTimeout": "30",
        },
    ).parsed()
    assert flow["sid"].startswith("WW")
    assert json.loads(flow["configuration"]) == config
    assert flow["task_reservation_timeout"] == 30
    assert flow["document_content_type"] == "application/json"
    # A workflow in use keeps its queue alive.
    assert api.delete(f"{p}/TaskQueues/{queue['sid']}").status == 400
    assert api.delete(f"{p}/Workflows/{flow['sid']}").status == 204
    assert api.delete(f"{p}/TaskQueues/{queue['sid']}").status == 204


@pytest.mark.parametrize(
    ("config", "fragment"),
    [
        ({}, "task_routing"),
        ({"task_routing": {"filters": [{"targets": [{"queue": "WQx"}]}]}}, "expression"),
        (
            {"task_routing": {"filters": [{"expression": "1==1", "targets": [{"queue": "WQx"}]}]}},
            "queue",
        ),
        (
            {
                "task_routing": {
                    "filters": [{"expression": "a ==", "targets": [{"queue": "$EVERYONE"}]}]
                }
            },
            "position",
        ),
        (
            {
                "task_routing": {
                    "filters": [
                        {
                            "expression": "1==1",
                            "targets": [{"queue": "$EVERYONE", "expression": "worker.x IN"}],
                        }
                    ]
                }
            },
            "targets[0].expression",
        ),
        ({"task_routing": {"default_filter": {"queue": "WQnope"}}}, "default_filter"),
    ],
)
def test_invalid_workflow_configurations(
    api: Api, tr: TaskRouter, config: dict[str, Any], fragment: str
) -> None:
    ws = tr.create_workspace("W")
    queue = tr.create_task_queue(ws.sid, "Everyone")
    raw = json.dumps(config).replace("$EVERYONE", queue.sid)
    response = api.post(
        f"/v1/Workspaces/{ws.sid}/Workflows", {"FriendlyName": "x", "Configuration": raw}
    )
    assert response.status == 400
    assert fragment in response.parsed()["message"]


def test_workers_available_from_activity_and_queue_membership(api: Api, tr: TaskRouter) -> None:
    ws = tr.create_workspace("W")
    p = f"/v1/Workspaces/{ws.sid}"
    sales = tr.create_task_queue(ws.sid, "Sales", target_workers="skills HAS 'sales'")
    worker = api.post(
        f"{p}/Workers",
        {"FriendlyName": "carol", "Attributes": json.dumps({"skills": ["sales"]})},
    )
    assert worker.status == 201
    assert worker.headers["ETag"] == "0"
    body = worker.parsed()
    assert body["sid"].startswith("WK")
    assert body["activity_name"] == "Offline"
    assert body["available"] is False
    assert json.loads(body["attributes"]) == {"skills": ["sales"]}
    assert api.post(f"{p}/Workers", {"FriendlyName": "carol"}).status == 400
    assert api.post(f"{p}/Workers", {"FriendlyName": "x", "Attributes": "[1]"}).status == 400

    moved = api.post(f"{p}/Workers/{body['sid']}", {"ActivitySid": activity(ws, "Available")})
    assert moved.parsed()["available"] is True
    assert moved.parsed()["activity_name"] == "Available"
    assert moved.headers["ETag"] == "1"

    tr.create_worker(ws.sid, "dave", attributes={"skills": ["support"]})
    in_sales = api.get(f"{p}/Workers", query={"TaskQueueSid": sales.sid}).parsed()["workers"]
    assert [w["friendly_name"] for w in in_sales] == ["carol"]
    by_expr = api.get(f"{p}/Workers", query={"TargetWorkersExpression": "skills HAS 'support'"})
    assert [w["friendly_name"] for w in by_expr.parsed()["workers"]] == ["dave"]
    avail = api.get(f"{p}/Workers", query={"Available": "true"}).parsed()["workers"]
    assert [w["friendly_name"] for w in avail] == ["carol"]
    queues = api.get(f"{p}/TaskQueues", query={"WorkerSid": body["sid"]}).parsed()
    assert [q["friendly_name"] for q in queues["task_queues"]] == ["Sales"]
    evaluated = api.get(
        f"{p}/TaskQueues", query={"EvaluateWorkerAttributes": json.dumps({"skills": ["x"]})}
    ).parsed()
    assert evaluated["task_queues"] == []

    channels = api.get(f"{p}/Workers/{body['sid']}/Channels").parsed()["channels"]
    assert len(channels) == 6
    assert all(c["configured_capacity"] == 1 and c["sid"].startswith("WC") for c in channels)


# ------------------------------------------------------------------------------------------------
# Tasks and routing


def test_task_creation_routes_to_a_worker(api: Api, tr: TaskRouter, bus: BusLog) -> None:
    s = build(tr)
    task = new_task(api, s, {"language": "es", "customer": "+15550001"})
    assert task["sid"].startswith("WT")
    assert task["assignment_status"] == "reserved"
    assert task["workflow_sid"] == s.workflow
    assert task["workflow_friendly_name"] == "Assign to Anyone"
    assert task["task_queue_sid"] == s.everyone
    assert task["task_queue_friendly_name"] == "Everyone"
    assert task["task_channel_unique_name"] == "chat"
    assert json.loads(task["attributes"]) == {"language": "es", "customer": "+15550001"}
    assert task["age"] == 0
    assert task["priority"] == 0
    assert task["timeout"] == 86400

    created = bus.of("taskrouter.reservation.created")
    assert len(created) == 1
    event = created[0]
    assert set(event) == {"task", "reservation", "worker", "status_then"}
    assert event["task"].sid == task["sid"]
    assert event["reservation"].sid.startswith("WR")
    assert event["reservation"].reservation_status == "pending"
    assert event["worker"].sid == s.alice  # both idle: the first created goes first
    assert bus.of("taskrouter.task.created")[0]["task"].sid == task["sid"]
    updated = bus.of("taskrouter.task.updated")
    assert [(u["status_then"], u["previous_status"]) for u in updated] == [("reserved", "pending")]

    res = api.get(f"{s.p}/Tasks/{task['sid']}/Reservations").parsed()["reservations"]
    assert [(r["worker_name"], r["reservation_status"]) for r in res] == [("alice", "pending")]
    via_worker = api.get(f"{s.p}/Workers/{s.alice}/Reservations").parsed()["reservations"]
    assert via_worker[0]["sid"] == res[0]["sid"]
    assert "/Workers/" in via_worker[0]["url"]
    fetched = api.get(f"{s.p}/Workers/{s.alice}/Reservations/{res[0]['sid']}")
    assert fetched.parsed()["task_sid"] == task["sid"]

    # The second task goes to the other (idle longer) worker; the third waits.
    second = new_task(api, s)
    assert api.get(f"{s.p}/Tasks/{second['sid']}/Reservations").parsed()["reservations"][0][
        "worker_sid"
    ] == (s.bob)
    third = new_task(api, s)
    assert third["assignment_status"] == "pending"


def test_task_age_follows_the_virtual_clock(api: Api, tr: TaskRouter, emu: FakeEmu) -> None:
    s = build(tr)
    task = new_task(api, s)
    emu.clock.advance(42)
    fetched = api.get(f"{s.p}/Tasks/{task['sid']}").parsed()
    assert fetched["age"] == 42
    assert fetched["date_created"] == "2026-01-01T12:00:00Z"


def test_task_without_workflow_stays_pending(api: Api, tr: TaskRouter) -> None:
    ws = tr.create_workspace("W")
    tr.create_worker(ws.sid, "w", activity_sid=activity(ws, "Available"))
    response = api.post(
        f"/v1/Workspaces/{ws.sid}/Tasks", {"Attributes": json.dumps({"a": 1})}
    ).parsed()
    assert response["assignment_status"] == "pending"
    assert response["workflow_sid"] is None
    assert response["task_queue_sid"] is None
    assert response["task_channel_unique_name"] == "default"


def test_single_workflow_is_the_default_and_two_need_a_sid(api: Api, tr: TaskRouter) -> None:
    s = build(tr)
    task = new_task(api, s, WorkflowSid="")
    assert task["workflow_sid"] == s.workflow
    tr.create_workflow(
        s.ws.sid, "Other", {"task_routing": {"default_filter": {"queue": s.everyone}}}
    )
    response = api.post(f"{s.p}/Tasks", {"Attributes": "{}"})
    assert response.status == 400
    assert "WorkflowSid" in response.parsed()["message"]


def test_task_creation_validation(api: Api, tr: TaskRouter) -> None:
    s = build(tr)
    assert api.post(f"{s.p}/Tasks", {"Attributes": "not json"}).status == 400
    assert api.post(f"{s.p}/Tasks", {"Attributes": "[]"}).status == 400
    assert api.post(f"{s.p}/Tasks", {"TaskChannel": "fax"}).status == 400
    assert api.post(f"{s.p}/Tasks", {"WorkflowSid": "WW" + "0" * 32}).status == 400
    assert api.post(f"{s.p}/Tasks", {"Timeout": "0"}).status == 400
    assert api.post(f"{s.p}/Tasks", {"Priority": "-1"}).status == 400
    sms = next(c for c in s.ws.task_channels.values() if c.unique_name == "sms")
    by_sid = new_task(api, s, TaskChannel=sms.sid, Priority="7", Timeout="600")
    assert by_sid["task_channel_unique_name"] == "sms"
    assert by_sid["priority"] == 7
    assert by_sid["timeout"] == 600
    assert api.get(f"{s.p}/Tasks/WT{'0' * 32}").status == 404
    assert api.get(f"/v1/Workspaces/WS{'0' * 32}/Tasks").status == 404


def test_first_matching_filter_wins_then_default(api: Api, tr: TaskRouter) -> None:
    ws = tr.create_workspace("W")
    spanish = tr.create_task_queue(ws.sid, "Spanish", target_workers="languages HAS 'es'")
    vip = tr.create_task_queue(ws.sid, "VIP", target_workers="1==1")
    everyone = tr.create_task_queue(ws.sid, "Everyone")
    flow = tr.create_workflow(
        ws.sid,
        "Routing",
        {
            "task_routing": {
                "filters": [
                    {
                        "filter_friendly_name": "Spanish",
                        "expression": "language == 'es'",
                        "targets": [{"queue": spanish.sid}],
                    },
                    {
                        "filter_friendly_name": "VIP",
                        "expression": "vip == true OR language == 'es'",
                        "targets": [{"queue": vip.sid, "priority": 10}],
                    },
                ],
                "default_filter": {"queue": everyone.sid},
            }
        },
    )
    t1 = tr.create_task(ws.sid, attributes={"language": "es", "vip": True}, workflow_sid=flow.sid)
    t2 = tr.create_task(ws.sid, attributes={"vip": True}, workflow_sid=flow.sid)
    t3 = tr.create_task(ws.sid, attributes={"language": "en"}, workflow_sid=flow.sid)
    assert t1.task_queue_sid == spanish.sid
    assert t2.task_queue_sid == vip.sid
    assert t2.priority == 10
    assert t3.task_queue_sid == everyone.sid
    assert t1.assignment_status == t2.assignment_status == t3.assignment_status == "pending"


def test_target_expression_matches_worker_to_task(api: Api, tr: TaskRouter) -> None:
    s = build(
        tr,
        {
            "task_routing": {
                "filters": [
                    {
                        "expression": "1==1",
                        "targets": [
                            {"queue": "$EVERYONE", "expression": "worker.skills HAS task.skill"}
                        ],
                    }
                ]
            }
        },
    )
    support = tr.create_task(s.ws.sid, attributes={"skill": "support"})
    assert [r.worker_sid for r in support.reservations] == [s.bob]
    nobody = tr.create_task(s.ws.sid, attributes={"skill": "legal"})
    assert nobody.assignment_status == "pending"
    assert nobody.reservations == []


def test_known_worker_sid_then_fallback_after_timeout(
    api: Api, tr: TaskRouter, emu: FakeEmu, bus: BusLog
) -> None:
    s = build(
        tr,
        {
            "task_routing": {
                "filters": [
                    {
                        "filter_friendly_name": "Known agent",
                        "expression": "agent_sid != null",
                        "targets": [
                            {
                                "queue": "$EVERYONE",
                                "known_worker_sid": "task.agent_sid",
                                "timeout": 30,
                            },
                            {"queue": "$EVERYONE"},
                        ],
                    }
                ],
                "default_filter": {"queue": "$EVERYONE"},
            }
        },
    )
    # Bob (the known agent) is busy offline; alice is available but not targeted yet.
    tr.update_worker(s.ws.sid, s.bob, activity_sid=s.offline)
    task = tr.create_task(s.ws.sid, attributes={"agent_sid": s.bob}, task_channel="chat")
    assert task.assignment_status == "pending"
    assert task.reservations == []
    emu.clock.advance(29)
    assert task.reservations == []
    emu.clock.advance(1)
    assert [(r.worker_sid, r.reservation_status) for r in task.reservations] == [
        (s.alice, "pending")
    ]
    types = [e.event_type for e in s.ws.events if e.event_data.get("task_sid") == task.sid]
    assert "task-queue.timeout" in types

    # The known worker gets it at once when available.
    tr.update_worker(s.ws.sid, s.bob, activity_sid=s.available)
    direct = tr.create_task(s.ws.sid, attributes={"agent_sid": s.bob}, task_channel="chat")
    assert [r.worker_sid for r in direct.reservations] == [s.bob]


def test_known_worker_friendly_name(api: Api, tr: TaskRouter) -> None:
    s = build(
        tr,
        {
            "task_routing": {
                "filters": [
                    {
                        "expression": "1==1",
                        "targets": [
                            {
                                "queue": "$EVERYONE",
                                "known_worker_friendly_name": "task.agent",
                                "timeout": 10,
                            }
                        ],
                    }
                ],
                "default_filter": {"queue": "$EVERYONE"},
            }
        },
    )
    task = tr.create_task(s.ws.sid, attributes={"agent": "bob"})
    assert [r.worker_sid for r in task.reservations] == [s.bob]


def test_last_target_timeout_cancels_the_task(api: Api, tr: TaskRouter, emu: FakeEmu) -> None:
    """Past its filter's last target a task gets workflow.timeout and is canceled; the default
    filter serves only tasks that match no filter (TaskRouter docs)."""
    s = build(tr)
    sales = tr.create_task_queue(s.ws.sid, "Nobody", target_workers="skills HAS 'legal'")
    flow = tr.create_workflow(
        s.ws.sid,
        "Legal",
        {
            "task_routing": {
                "filters": [
                    {"expression": "1==1", "targets": [{"queue": sales.sid, "timeout": 60}]}
                ],
                "default_filter": {"queue": s.everyone},
            }
        },
    )
    task = tr.create_task(s.ws.sid, attributes={}, workflow_sid=flow.sid)
    assert task.task_queue_sid == sales.sid
    assert task.assignment_status == "pending"
    emu.clock.advance(60)
    assert task.task_queue_sid == sales.sid
    assert (task.assignment_status, task.reason) == ("canceled", "Workflow Timeout")
    assert "workflow.timeout" in [e.event_type for e in s.ws.events]
    assert "task-queue.moved" not in [e.event_type for e in s.ws.events]


def test_accept_reservation_over_http(api: Api, tr: TaskRouter, bus: BusLog) -> None:
    s = build(tr)
    task = new_task(api, s)
    res = api.get(f"{s.p}/Tasks/{task['sid']}/Reservations").parsed()["reservations"][0]
    accepted = api.post(
        f"{s.p}/Tasks/{task['sid']}/Reservations/{res['sid']}", {"ReservationStatus": "accepted"}
    )
    assert accepted.status == 200
    assert accepted.parsed()["reservation_status"] == "accepted"
    assert "ETag" in accepted.headers
    assert api.get(f"{s.p}/Tasks/{task['sid']}").parsed()["assignment_status"] == "assigned"
    event = bus.of("taskrouter.reservation.accepted")[0]
    assert event["task"].sid == task["sid"]
    assert event["worker"].sid == s.alice
    assert event["reservation"].reservation_status == "accepted"
    # Accepting twice is a state error.
    again = api.post(
        f"{s.p}/Tasks/{task['sid']}/Reservations/{res['sid']}", {"ReservationStatus": "accepted"}
    )
    assert again.status == 400
    bogus = api.post(
        f"{s.p}/Tasks/{task['sid']}/Reservations/{res['sid']}", {"ReservationStatus": "timeout"}
    )
    assert bogus.status == 400


def test_accept_through_worker_path_and_instruction(api: Api, tr: TaskRouter) -> None:
    s = build(tr)
    task = new_task(api, s)
    res = tr.reservations_for_task(s.ws.sid, task["sid"])[0]
    response = api.post(
        f"{s.p}/Workers/{res.worker_sid}/Reservations/{res.sid}", {"Instruction": "accept"}
    )
    assert response.parsed()["reservation_status"] == "accepted"
    assert tr.get_task(s.ws.sid, task["sid"]).assignment_status == "assigned"
    unsupported = api.post(
        f"{s.p}/Workers/{res.worker_sid}/Reservations/{res.sid}", {"Instruction": "conference"}
    )
    assert unsupported.status == 400


def test_reject_moves_on_to_the_next_worker(
    api: Api, tr: TaskRouter, bus: BusLog, emu: FakeEmu
) -> None:
    s = build(tr)
    task = new_task(api, s)
    first = tr.reservations_for_task(s.ws.sid, task["sid"])[0]
    rejected = api.post(
        f"{s.p}/Tasks/{task['sid']}/Reservations/{first.sid}", {"ReservationStatus": "rejected"}
    ).parsed()
    assert rejected["reservation_status"] == "rejected"
    reservations = tr.reservations_for_task(s.ws.sid, task["sid"])
    assert [(r.worker_sid, r.reservation_status) for r in reservations] == [
        (s.alice, "rejected"),
        (s.bob, "pending"),
    ]
    assert bus.of("taskrouter.reservation.rejected")[0]["worker"].sid == s.alice
    # Bob rejects too: nobody else, the task waits and is not offered to them again.
    tr.reject_reservation(s.ws.sid, task["sid"], reservations[1].sid)
    current = tr.get_task(s.ws.sid, task["sid"])
    assert current.assignment_status == "pending"
    assert len(current.reservations) == 2
    # A new worker who becomes available picks it up.
    carol = tr.create_worker(s.ws.sid, "carol", activity_sid=s.available)
    assert current.reservations[-1].worker_sid == carol.sid
    assert current.assignment_status == "reserved"


def test_reject_with_worker_activity(api: Api, tr: TaskRouter) -> None:
    s = build(tr)
    task = new_task(api, s)
    res = tr.reservations_for_task(s.ws.sid, task["sid"])[0]
    api.post(
        f"{s.p}/Tasks/{task['sid']}/Reservations/{res.sid}",
        {"ReservationStatus": "rejected", "WorkerActivitySid": s.offline},
    )
    assert tr.get_worker(s.ws.sid, s.alice).activity_name == "Offline"


def test_reservation_timeout(api: Api, tr: TaskRouter, emu: FakeEmu, bus: BusLog) -> None:
    s = build(tr, reservation_timeout=20)
    task = tr.create_task(s.ws.sid, attributes={})
    first = task.reservations[0]
    emu.clock.advance(19)
    assert first.reservation_status == "pending"
    emu.clock.advance(1)
    assert first.reservation_status == "timeout"
    assert bus.of("taskrouter.reservation.timeout")[0]["reservation"] is first
    # The unresponsive worker goes to the workspace's timeout activity (Offline).
    assert tr.get_worker(s.ws.sid, first.worker_sid).activity_name == "Offline"
    assert [r.worker_sid for r in task.reservations] == [s.alice, s.bob]
    assert task.assignment_status == "reserved"
    kinds = [e.event_type for e in s.ws.events]
    assert "reservation.timeout" in kinds
    assert "worker.activity.update" in kinds


def test_max_reserved_workers_rescinds_the_others(api: Api, tr: TaskRouter, bus: BusLog) -> None:
    ws = tr.create_workspace("W")
    queue = tr.create_task_queue(ws.sid, "Broadcast", max_reserved_workers=3)
    tr.create_workflow(ws.sid, "wf", {"task_routing": {"default_filter": {"queue": queue.sid}}})
    for name in ("a", "b", "c"):
        tr.create_worker(ws.sid, name, activity_sid=activity(ws, "Available"))
    task = tr.create_task(ws.sid, attributes={})
    assert [r.reservation_status for r in task.reservations] == ["pending"] * 3
    tr.accept_reservation(ws.sid, task.sid, task.reservations[1].sid)
    assert [r.reservation_status for r in task.reservations] == [
        "rescinded",
        "accepted",
        "rescinded",
    ]
    assert len(bus.of("taskrouter.reservation.rescinded")) == 2


def test_capacity_per_channel(api: Api, tr: TaskRouter) -> None:
    ws = tr.create_workspace("W")
    queue = tr.create_task_queue(ws.sid, "Everyone")
    tr.create_workflow(ws.sid, "wf", {"task_routing": {"default_filter": {"queue": queue.sid}}})
    worker = tr.create_worker(ws.sid, "solo", activity_sid=activity(ws, "Available"))
    p = f"/v1/Workspaces/{ws.sid}"
    t1 = tr.create_task(ws.sid, attributes={}, task_channel="chat")
    t2 = tr.create_task(ws.sid, attributes={}, task_channel="chat")
    t3 = tr.create_task(ws.sid, attributes={}, task_channel="voice")
    assert t1.assignment_status == "reserved"
    assert t2.assignment_status == "pending"  # chat capacity 1 is used
    assert t3.assignment_status == "reserved"  # another channel
    tr.accept_reservation(ws.sid, t1.sid, t1.reservations[0].sid)
    chat = api.get(f"{p}/Workers/{worker.sid}/Channels/chat").parsed()
    assert chat["assigned_tasks"] == 1
    assert chat["available_capacity_percentage"] == 0
    raised = api.post(f"{p}/Workers/{worker.sid}/Channels/{chat['sid']}", {"Capacity": "2"})
    assert raised.parsed()["configured_capacity"] == 2
    assert t2.assignment_status == "reserved"

    # Completing frees capacity for the next task.
    t4 = tr.create_task(ws.sid, attributes={}, task_channel="chat")
    assert t4.assignment_status == "pending"
    tr.update_task(ws.sid, t1.sid, assignment_status="completed", reason="done")
    assert t4.assignment_status == "reserved"


def test_single_tasking_workspace(api: Api, tr: TaskRouter) -> None:
    ws = tr.create_workspace("W")
    api.post(f"/v1/Workspaces/{ws.sid}", {"MultiTaskEnabled": "false"})
    queue = tr.create_task_queue(ws.sid, "Everyone")
    tr.create_workflow(ws.sid, "wf", {"task_routing": {"default_filter": {"queue": queue.sid}}})
    tr.create_worker(ws.sid, "solo", activity_sid=activity(ws, "Available"))
    t1 = tr.create_task(ws.sid, attributes={}, task_channel="chat")
    t2 = tr.create_task(ws.sid, attributes={}, task_channel="voice")
    assert (t1.assignment_status, t2.assignment_status) == ("reserved", "pending")


def test_worker_unavailable_with_pending_reservations(api: Api, tr: TaskRouter) -> None:
    s = build(tr)
    task = new_task(api, s)
    refused = api.post(f"{s.p}/Workers/{s.alice}", {"ActivitySid": s.offline})
    assert refused.status == 400
    forced = api.post(
        f"{s.p}/Workers/{s.alice}",
        {"ActivitySid": s.offline, "RejectPendingReservations": "true"},
    )
    assert forced.status == 200
    assert forced.parsed()["activity_name"] == "Offline"
    reservations = tr.reservations_for_task(s.ws.sid, task["sid"])
    assert [(r.worker_sid, r.reservation_status) for r in reservations] == [
        (s.alice, "rejected"),
        (s.bob, "pending"),
    ]


def test_subscriber_may_accept_inside_reservation_created(tr: TaskRouter, emu: FakeEmu) -> None:
    s = build(tr)

    def auto_accept(task: Task, reservation: Any, worker: Any) -> None:
        tr.accept_reservation(task.workspace_sid, task.sid, reservation.sid)

    emu.bus.subscribe("taskrouter.reservation.created", auto_accept)
    tasks = [tr.create_task(s.ws.sid, attributes={}, task_channel="chat") for _ in range(3)]
    assert [t.assignment_status for t in tasks] == ["assigned", "assigned", "pending"]
    tr.update_task(s.ws.sid, tasks[0].sid, assignment_status="completed", reason="done")
    assert tasks[2].assignment_status == "assigned"


# ------------------------------------------------------------------------------------------------
# Task updates: ETag, Reason, state machine, deletion


def test_etag_and_if_match(api: Api, tr: TaskRouter) -> None:
    s = build(tr)
    task = new_task(api, s)
    fetched = api.get(f"{s.p}/Tasks/{task['sid']}")
    etag = fetched.headers["ETag"]
    stale = api.post(
        f"{s.p}/Tasks/{task['sid']}",
        {"Attributes": json.dumps({"x": 1})},
        headers={"If-Match": str(int(etag) - 1)},
    )
    assert stale.status == 412
    body = stale.parsed()
    assert body["status"] == 412
    assert body["code"] == 20412
    assert tr.get_task(s.ws.sid, task["sid"]).attributes == {}
    ok = api.post(
        f"{s.p}/Tasks/{task['sid']}",
        {"Attributes": json.dumps({"x": 1})},
        headers={"If-Match": f'"{etag}"'},
    )
    assert ok.status == 200
    assert int(ok.headers["ETag"]) == int(etag) + 1
    assert json.loads(ok.parsed()["attributes"]) == {"x": 1}
    star = api.post(f"{s.p}/Tasks/{task['sid']}", {"Priority": "3"}, headers={"If-Match": "*"})
    assert star.status == 200
    assert star.parsed()["priority"] == 3
    # Delete honours If-Match too; so do workers and reservations.
    assert api.delete(f"{s.p}/Tasks/{task['sid']}", headers={"If-Match": "0"}).status == 412
    worker_etag = api.get(f"{s.p}/Workers/{s.bob}").headers["ETag"]
    assert (
        api.post(
            f"{s.p}/Workers/{s.bob}", {"FriendlyName": "robert"}, headers={"If-Match": "99"}
        ).status
        == 412
    )
    assert (
        api.post(
            f"{s.p}/Workers/{s.bob}", {"FriendlyName": "robert"}, headers={"If-Match": worker_etag}
        ).status
        == 200
    )
    res = tr.reservations_for_task(s.ws.sid, task["sid"])[0]
    stale_res = api.post(
        f"{s.p}/Tasks/{task['sid']}/Reservations/{res.sid}",
        {"ReservationStatus": "accepted"},
        headers={"If-Match": "42"},
    )
    assert stale_res.status == 412
    assert res.reservation_status == "pending"


@pytest.mark.parametrize("status", ["canceled", "completed"])
def test_reason_is_required(api: Api, tr: TaskRouter, status: str) -> None:
    s = build(tr)
    task = new_task(api, s)
    if status == "completed":
        res = tr.reservations_for_task(s.ws.sid, task["sid"])[0]
        tr.accept_reservation(s.ws.sid, task["sid"], res.sid)
    response = api.post(f"{s.p}/Tasks/{task['sid']}", {"AssignmentStatus": status})
    assert response.status == 400
    assert "Reason" in response.parsed()["message"]
    with pytest.raises(ApiError) as info:
        tr.update_task(s.ws.sid, task["sid"], assignment_status=status)
    assert info.value.status == 400


@pytest.mark.parametrize(
    ("setup", "target"),
    [
        ("pending", "assigned"),
        ("pending", "completed"),
        ("pending", "wrapping"),
        ("pending", "reserved"),
        ("reserved", "assigned"),
        ("reserved", "completed"),
        ("assigned", "canceled"),
        ("assigned", "pending"),
        ("wrapping", "canceled"),
        ("wrapping", "assigned"),
        ("completed", "canceled"),
        ("completed", "completed"),
        ("canceled", "completed"),
        ("canceled", "pending"),
    ],
)
def test_illegal_transitions_are_400(api: Api, tr: TaskRouter, setup: str, target: str) -> None:
    s = build(tr)
    sid = _task_in_state(api, tr, s, setup)
    response = api.post(f"{s.p}/Tasks/{sid}", {"AssignmentStatus": target, "Reason": "because"})
    assert response.status == 400, response.parsed()
    assert tr.get_task(s.ws.sid, sid).assignment_status == setup
    bad = api.post(f"{s.p}/Tasks/{sid}", {"AssignmentStatus": "bogus"}, check=False)
    assert bad.status == 400


def _task_in_state(api: Api, tr: TaskRouter, s: Setup, state: str) -> str:
    if state == "pending":
        for worker in (s.alice, s.bob):
            tr.update_worker(s.ws.sid, worker, activity_sid=s.offline)
    sid: str = new_task(api, s)["sid"]
    if state in ("assigned", "wrapping", "completed"):
        res = tr.reservations_for_task(s.ws.sid, sid)[0]
        tr.accept_reservation(s.ws.sid, sid, res.sid)
    if state == "wrapping":
        tr.update_task(s.ws.sid, sid, assignment_status="wrapping")
    if state == "completed":
        tr.update_task(s.ws.sid, sid, assignment_status="completed", reason="done")
    if state == "canceled":
        tr.update_task(s.ws.sid, sid, assignment_status="canceled", reason="gone")
    assert tr.get_task(s.ws.sid, sid).assignment_status == state
    return sid


def test_full_lifecycle_and_deletion_after_completion(
    api: Api, tr: TaskRouter, emu: FakeEmu, bus: BusLog
) -> None:
    s = build(tr)
    task = new_task(api, s)
    sid = task["sid"]
    res = tr.reservations_for_task(s.ws.sid, sid)[0]
    tr.accept_reservation(s.ws.sid, sid, res.sid)
    wrapping = api.post(f"{s.p}/Tasks/{sid}", {"AssignmentStatus": "wrapping"}).parsed()
    assert wrapping["assignment_status"] == "wrapping"
    assert res.reservation_status == "wrapping"
    done = api.post(
        f"{s.p}/Tasks/{sid}", {"AssignmentStatus": "completed", "Reason": "resolved"}
    ).parsed()
    assert done["assignment_status"] == "completed"
    assert done["reason"] == "resolved"
    assert res.reservation_status == "completed"
    statuses = [(u["previous_status"], u["status_then"]) for u in bus.of("taskrouter.task.updated")]
    assert statuses[-3:] == [
        ("reserved", "assigned"),
        ("assigned", "wrapping"),
        ("wrapping", "completed"),
    ]
    emu.clock.advance(599)
    assert api.get(f"{s.p}/Tasks/{sid}").status == 200
    emu.clock.advance(1)
    assert api.get(f"{s.p}/Tasks/{sid}").status == 404
    assert bus.of("taskrouter.task.deleted")[0]["task"].sid == sid
    assert "task.system-deleted" in [e.event_type for e in s.ws.events]
    with pytest.raises(ApiError) as info:
        tr.get_task(s.ws.sid, sid)
    assert info.value.status == 404


def test_cancel_deletes_after_five_minutes(
    api: Api, tr: TaskRouter, emu: FakeEmu, bus: BusLog
) -> None:
    s = build(tr)
    task = new_task(api, s)
    sid = task["sid"]
    res = tr.reservations_for_task(s.ws.sid, sid)[0]
    canceled = api.post(
        f"{s.p}/Tasks/{sid}", {"AssignmentStatus": "canceled", "Reason": "customer left"}
    ).parsed()
    assert canceled["assignment_status"] == "canceled"
    assert canceled["reason"] == "customer left"
    assert res.reservation_status == "canceled"
    assert bus.of("taskrouter.reservation.canceled")[0]["reservation"] is res
    emu.clock.advance(299)
    assert api.get(f"{s.p}/Tasks/{sid}").status == 200
    emu.clock.advance(1)
    assert api.get(f"{s.p}/Tasks/{sid}").status == 404
    assert api.get(f"{s.p}/Tasks/{sid}/Reservations").status == 404


def test_task_ttl_cancels_waiting_task(api: Api, tr: TaskRouter, emu: FakeEmu) -> None:
    s = build(tr)
    for worker in (s.alice, s.bob):
        tr.update_worker(s.ws.sid, worker, activity_sid=s.offline)
    task = new_task(api, s, Timeout="60")
    emu.clock.advance(60)
    fetched = api.get(f"{s.p}/Tasks/{task['sid']}").parsed()
    assert fetched["assignment_status"] == "canceled"
    assert fetched["reason"] == "Task TTL Exceeded"


def test_delete_task(api: Api, tr: TaskRouter, bus: BusLog) -> None:
    s = build(tr)
    task = new_task(api, s)
    res = tr.reservations_for_task(s.ws.sid, task["sid"])[0]
    assert api.delete(f"{s.p}/Tasks/{task['sid']}").status == 204
    assert api.get(f"{s.p}/Tasks/{task['sid']}").status == 404
    assert res.reservation_status == "canceled"
    assert bus.of("taskrouter.task.deleted")[0]["task"].sid == task["sid"]
    assert "task.deleted" in [e.event_type for e in s.ws.events]
    assert api.delete(f"{s.p}/Tasks/{task['sid']}").status == 404


def test_attribute_update_reroutes_a_pending_task(api: Api, tr: TaskRouter) -> None:
    ws = tr.create_workspace("W")
    es = tr.create_task_queue(ws.sid, "ES", target_workers="languages HAS 'es'")
    everyone = tr.create_task_queue(ws.sid, "Everyone", target_workers="1==2")
    tr.create_workflow(
        ws.sid,
        "wf",
        {
            "task_routing": {
                "filters": [{"expression": "language == 'es'", "targets": [{"queue": es.sid}]}],
                "default_filter": {"queue": everyone.sid},
            }
        },
    )
    tr.create_worker(
        ws.sid, "ana", attributes={"languages": ["es"]}, activity_sid=activity(ws, "Available")
    )
    task = tr.create_task(ws.sid, attributes={"language": "en"})
    assert task.task_queue_sid == everyone.sid
    assert task.assignment_status == "pending"
    tr.update_task(ws.sid, task.sid, attributes={"language": "es"})
    assert task.task_queue_sid == es.sid
    assert task.assignment_status == "reserved"


# ------------------------------------------------------------------------------------------------
# Lists


def test_list_attributes_are_null_but_fetch_has_them(api: Api, tr: TaskRouter) -> None:
    s = build(tr)
    task = new_task(api, s, {"secret": "x"})
    listed = api.get(f"{s.p}/Tasks").parsed()["tasks"]
    assert listed[0]["sid"] == task["sid"]
    assert listed[0]["attributes"] is None
    assert json.loads(api.get(f"{s.p}/Tasks/{task['sid']}").parsed()["attributes"]) == {
        "secret": "x"
    }


def test_paging_is_capped_at_1000(api: Api, tr: TaskRouter) -> None:
    ws = tr.create_workspace("W")
    for i in range(1005):
        tr.create_task(ws.sid, attributes={"n": i})
    p = f"/v1/Workspaces/{ws.sid}/Tasks"
    # Above the spec's maximum (so not spec-checked): the emulator clamps it as Twilio does.
    first = api.get(p, query={"PageSize": "5000"}, check=False).parsed()
    assert first["meta"]["page_size"] == 1000
    assert first["meta"]["key"] == "tasks"
    assert len(first["tasks"]) == 1000
    next_url = first["meta"]["next_page_url"]
    assert next_url
    query = urllib.parse.parse_qsl(urllib.parse.urlsplit(next_url).query)
    second = api.get(p, query=query).parsed()
    assert len(second["tasks"]) == 5
    assert second["meta"]["next_page_url"] is None
    seen = {t["sid"] for t in first["tasks"]} | {t["sid"] for t in second["tasks"]}
    assert len(seen) == 1005
    small = api.get(p, query={"PageSize": "2"}).parsed()
    assert len(small["tasks"]) == 2
    assert small["meta"]["page_size"] == 2


def test_task_list_filters(api: Api, tr: TaskRouter) -> None:
    s = build(tr)
    assigned = new_task(api, s, {"language": "es", "vip": True}, Priority="5")
    tr.accept_reservation(
        s.ws.sid, assigned["sid"], tr.reservations_for_task(s.ws.sid, assigned["sid"])[0].sid
    )
    reserved = new_task(api, s, {"language": "en"}, Priority="1")
    pending = new_task(api, s, {"language": "es"}, Priority="9")
    canceled = new_task(api, s, {"language": "fr"})
    tr.update_task(s.ws.sid, canceled["sid"], assignment_status="canceled", reason="x")
    p = f"{s.p}/Tasks"

    def sids(query: Any) -> list[str]:
        response = api.get(p, query=query)
        assert response.status == 200, response.parsed()
        return [t["sid"] for t in response.parsed()["tasks"]]

    assert sids([("AssignmentStatus", "pending"), ("AssignmentStatus", "reserved")]) == [
        reserved["sid"],
        pending["sid"],
    ]
    assert sids({"AssignmentStatus": "assigned,canceled"}) == [assigned["sid"], canceled["sid"]]
    assert sids({"EvaluateTaskAttributes": "language == 'es'"}) == [
        assigned["sid"],
        pending["sid"],
    ]
    assert sids({"EvaluateTaskAttributes": "vip == true AND language IN ['es']"}) == [
        assigned["sid"]
    ]
    assert sids({"WorkflowSid": s.workflow, "Priority": "9"}) == [pending["sid"]]
    assert sids({"TaskQueueSid": s.everyone, "AssignmentStatus": "canceled"}) == [canceled["sid"]]
    assert sids({"TaskQueueName": "Everyone", "Ordering": "Priority:desc"})[:3] == [
        pending["sid"],
        assigned["sid"],
        reserved["sid"],
    ]
    assert sids({"WorkflowName": "nope"}) == []
    bad = api.get(p, query={"EvaluateTaskAttributes": "language =="})
    assert bad.status == 400
    assert "position" in bad.parsed()["message"]
    assert api.get(p, query={"AssignmentStatus": "nope"}, check=False).status == 400
    assert api.get(p, query={"Ordering": "Sid:asc"}).status == 400
    first_page = api.get(p, query={"AssignmentStatus": "pending", "PageSize": "1"}).parsed()
    assert "AssignmentStatus=pending" in first_page["meta"]["url"]


def test_reservation_list_filters(api: Api, tr: TaskRouter) -> None:
    s = build(tr)
    task = new_task(api, s)
    first = tr.reservations_for_task(s.ws.sid, task["sid"])[0]
    tr.reject_reservation(s.ws.sid, task["sid"], first.sid)
    p = f"{s.p}/Tasks/{task['sid']}/Reservations"
    pending = api.get(p, query={"ReservationStatus": "pending"}).parsed()["reservations"]
    assert [r["worker_sid"] for r in pending] == [s.bob]
    by_worker = api.get(p, query={"WorkerSid": s.alice}).parsed()["reservations"]
    assert [r["reservation_status"] for r in by_worker] == ["rejected"]
    mine = api.get(
        f"{s.p}/Workers/{s.alice}/Reservations", query={"ReservationStatus": "rejected"}
    ).parsed()["reservations"]
    assert [r["sid"] for r in mine] == [first.sid]


# ------------------------------------------------------------------------------------------------
# Events and callbacks


def test_event_callbacks(api: Api, tr: TaskRouter, emu: FakeEmu) -> None:
    s = build(tr, callback="https://example.com/events")
    task = new_task(api, s, {"channel": "web"})
    res = tr.reservations_for_task(s.ws.sid, task["sid"])[0]
    tr.accept_reservation(s.ws.sid, task["sid"], res.sid)
    tr.update_task(s.ws.sid, task["sid"], assignment_status="completed", reason="ok")
    urls = {url for url, _, _ in emu.webhooks.calls}
    assert urls == {"https://example.com/events"}
    events = emu.webhooks.events()
    types = [e["EventType"] for e in events]
    for expected in (
        "worker.created",
        "task.created",
        "reservation.created",
        "reservation.accepted",
        "task.completed",
        "reservation.completed",
    ):
        assert expected in types
    assert types.index("task.created") < types.index("reservation.created")
    created = next(e for e in events if e["EventType"] == "reservation.created")
    assert created["TaskSid"] == task["sid"]
    assert created["ReservationSid"] == res.sid
    assert created["WorkerSid"] == s.alice
    assert created["WorkerName"] == "alice"
    assert created["WorkspaceSid"] == s.ws.sid
    assert created["AccountSid"] == ACCOUNT
    assert created["TaskQueueSid"] == s.everyone
    assert created["WorkflowSid"] == s.workflow
    assert created["TaskChannelUniqueName"] == "chat"
    assert json.loads(created["TaskAttributes"]) == {"channel": "web"}
    assert created["ResourceType"] == "reservation"
    assert created["Sid"].startswith("EV")
    completed = next(e for e in events if e["EventType"] == "task.completed")
    assert completed["TaskCompletedReason"] == "ok"
    assert completed["TaskAssignmentStatus"] == "completed"
    assert all(isinstance(v, str) for e in events for v in e.values())


def test_events_filter_and_no_callback_url(api: Api, tr: TaskRouter, emu: FakeEmu) -> None:
    s = build(tr, callback="https://example.com/e", events_filter="task.created,task.canceled")
    task = new_task(api, s)
    tr.update_task(s.ws.sid, task["sid"], assignment_status="canceled", reason="x")
    assert [e["EventType"] for e in emu.webhooks.events()] == ["task.created", "task.canceled"]
    emu.webhooks.calls.clear()
    plain = build(tr)
    new_task(api, plain)
    assert emu.webhooks.calls == []


def test_events_api(api: Api, tr: TaskRouter, emu: FakeEmu) -> None:
    s = build(tr)
    task = new_task(api, s)
    emu.clock.advance(3600)
    later = new_task(api, s)
    p = f"{s.p}/Events"
    events = api.get(p, query={"PageSize": "1000"}).parsed()["events"]
    assert all(e["sid"].startswith("EV") for e in events)
    by_task = api.get(p, query={"TaskSid": task["sid"]}).parsed()["events"]
    assert {e["event_data"]["task_sid"] for e in by_task} == {task["sid"]}
    created = api.get(p, query={"EventType": "task.created"}).parsed()["events"]
    assert [e["resource_sid"] for e in created] == [task["sid"], later["sid"]]
    recent = api.get(p, query={"Minutes": "10", "EventType": "task.created"}).parsed()["events"]
    assert [e["resource_sid"] for e in recent] == [later["sid"]]
    window = api.get(
        p, query={"EndDate": "2026-01-01T12:30:00Z", "EventType": "task.created"}
    ).parsed()["events"]
    assert [e["resource_sid"] for e in window] == [task["sid"]]
    one = api.get(f"{p}/{created[0]['sid']}").parsed()
    assert one["event_type"] == "task.created"
    assert one["event_date_ms"] == 1767268800000
    assert api.get(f"{p}/EV{'0' * 32}").status == 404


def test_assignment_callback(tr: TaskRouter, emu: FakeEmu) -> None:
    ws = tr.create_workspace("W")
    queue = tr.create_task_queue(ws.sid, "Everyone")
    flow = tr.create_workflow(
        ws.sid,
        "wf",
        {"task_routing": {"default_filter": {"queue": queue.sid}}},
        assignment_callback_url="https://example.com/assign",
    )
    tr.create_worker(ws.sid, "w", activity_sid=activity(ws, "Available"))
    task = tr.create_task(ws.sid, attributes={"a": 1})
    calls = emu.webhooks.events("taskrouter.assignment")
    assert len(calls) == 1
    assert calls[0]["TaskSid"] == task.sid
    assert calls[0]["WorkflowSid"] == flow.sid
    assert calls[0]["ReservationSid"] == task.reservations[0].sid


# ------------------------------------------------------------------------------------------------
# The Python API


def test_python_api_signatures_match_the_contract() -> None:
    def sig(name: str) -> str:
        return str(inspect.signature(getattr(TaskRouter, name)))

    assert sig("create_workspace") == (
        "(self, friendly_name: 'str', *, event_callback_url: 'str | None' = None, "
        "events_filter: 'str | None' = None) -> 'Workspace'"
    )
    assert sig("create_activity") == (
        "(self, workspace_sid: 'str', friendly_name: 'str', *, available: 'bool') -> 'Activity'"
    )
    assert sig("create_worker").startswith(
        "(self, workspace_sid: 'str', friendly_name: 'str', *, attributes:"
    )
    assert "target_workers: 'str' = '1==1'" in sig("create_task_queue")
    assert sig("create_task_channel").startswith(
        "(self, workspace_sid: 'str', unique_name: 'str', friendly_name: 'str', *, "
        "channel_optimized_routing"
    )
    assert sig("create_workflow") == (
        "(self, workspace_sid: 'str', friendly_name: 'str', configuration: 'dict[str, Any]', *, "
        "assignment_callback_url: 'str | None' = None, task_reservation_timeout: 'int' = 120)"
        " -> 'Workflow'"
    )
    params = inspect.signature(TaskRouter.create_task).parameters
    assert list(params) == [
        "self",
        "workspace_sid",
        "attributes",
        "workflow_sid",
        "task_channel",
        "priority",
        "timeout",
    ]
    assert all(params[n].kind is inspect.Parameter.KEYWORD_ONLY for n in list(params)[2:])
    assert list(inspect.signature(TaskRouter.update_task).parameters) == [
        "self",
        "workspace_sid",
        "task_sid",
        "assignment_status",
        "reason",
        "attributes",
    ]
    for name in ("accept_reservation", "reject_reservation"):
        assert list(inspect.signature(getattr(TaskRouter, name)).parameters) == [
            "self",
            "workspace_sid",
            "task_sid",
            "reservation_sid",
        ]
    assert list(inspect.signature(TaskRouter.reservations_for_task).parameters) == [
        "self",
        "workspace_sid",
        "task_sid",
    ]


def test_python_api_objects(tr: TaskRouter) -> None:
    s = build(tr)
    extra = tr.create_activity(s.ws.sid, "Training", available=False)
    assert extra.sid.startswith("WA")
    assert extra.workspace_sid == s.ws.sid
    channel = tr.create_task_channel(s.ws.sid, "custom", "Custom", channel_optimized_routing=True)
    assert channel.to_json()["channel_optimized_routing"] is True
    task = tr.create_task(
        s.ws.sid,
        attributes={"conversation_sid": "CH1"},
        workflow_sid=s.workflow,
        task_channel="custom",
        priority=4,
        timeout=3600,
    )
    assert task.workspace_sid == s.ws.sid
    assert task.attributes == {"conversation_sid": "CH1"}
    assert task.task_channel_unique_name == "custom"
    assert task.reason is None
    assert task.assignment_status == "reserved"
    data = task.to_json()
    assert data["url"].startswith(BASE)
    assert data["attributes"] == '{"conversation_sid":"CH1"}'
    [res] = tr.reservations_for_task(s.ws.sid, task.sid)
    assert (res.task_sid, res.worker_sid, res.reservation_status) == (task.sid, s.alice, "pending")
    assert res.to_json()["worker_name"] == "alice"
    worker = tr.get_worker(s.ws.sid, s.alice)
    assert worker.friendly_name == "alice"
    assert worker.attributes["skills"] == ["sales"]
    assert worker.to_json()["available"] is True
    accepted = tr.accept_reservation(s.ws.sid, task.sid, res.sid)
    assert accepted is res
    assert res.reservation_status == "accepted"
    updated = tr.update_task(s.ws.sid, task.sid, attributes={"conversation_sid": "CH2"})
    assert updated.attributes == {"conversation_sid": "CH2"}
    done = tr.update_task(s.ws.sid, task.sid, assignment_status="completed", reason="done")
    assert done.assignment_status == "completed"
    assert done.reason == "done"
    with pytest.raises(ApiError):
        tr.reject_reservation(s.ws.sid, task.sid, res.sid)
    with pytest.raises(ApiError) as info:
        tr.get_task(s.ws.sid, "WT" + "0" * 32)
    assert info.value.status == 404
    with pytest.raises(ApiError):
        tr.create_task(s.ws.sid, attributes={}, task_channel="nope")


def test_seed(tr: TaskRouter) -> None:
    ws = tr.seed(
        {
            "friendly_name": "Flex Task Assignment",
            "task_queues": [
                {"friendly_name": "Everyone"},
                {"friendly_name": "Sales", "target_workers": "skills HAS 'sales'"},
            ],
            "workflows": [
                {
                    "friendly_name": "Assign to Anyone",
                    "configuration": {
                        "task_routing": {
                            "filters": [
                                {
                                    "expression": "type == 'sales'",
                                    "targets": [{"queue": "Sales"}],
                                }
                            ],
                            "default_filter": {"queue": "Everyone"},
                        }
                    },
                }
            ],
            "workers": [
                {
                    "friendly_name": "sam",
                    "attributes": {"skills": ["sales"]},
                    "activity": "Available",
                }
            ],
        }
    )
    task = tr.create_task(ws.sid, attributes={"type": "sales"}, task_channel="chat")
    sales = next(q for q in ws.task_queues.values() if q.friendly_name == "Sales")
    assert task.task_queue_sid == sales.sid
    assert task.reservations[0].worker_name == "sam"


def test_routes_cover_the_spec_except_statistics(tr: TaskRouter) -> None:
    from tests.spec_check import spec_operations

    router = Router()
    tr.register(router)
    modelled = {(m, t) for m, product, t in router.templates() if product == "taskrouter"}
    for method, path in spec_operations("taskrouter"):
        if "Statistics" in path:
            continue
        assert (method, path) in modelled, (method, path)


# ------------------------------------------------------------------------------------------------
# The official twilio client, unchanged, against the emulated product


def test_official_twilio_client(tr: TaskRouter, emu: FakeEmu) -> None:
    from twilio.base.exceptions import TwilioRestException
    from twilio.http import HttpClient
    from twilio.http.response import Response
    from twilio.rest import Client

    router = Router()
    tr.register(router)

    class EmulatorHttp(HttpClient):  # type: ignore[misc]
        def request(
            self,
            method: str,
            uri: str,
            params: dict[str, object] | None = None,
            data: dict[str, object] | None = None,
            headers: dict[str, str] | None = None,
            auth: tuple[str, str] | None = None,
            timeout: float | None = None,
            allow_redirects: bool = False,
        ) -> Response:
            url = uri + ("?" + urllib.parse.urlencode(params, doseq=True) if params else "")
            body = urllib.parse.urlencode(data, doseq=True).encode() if data else b""
            hdrs = dict(headers or {})
            hdrs.setdefault("Content-Type", "application/x-www-form-urlencoded")
            assert check_request(method, url, hdrs, body) == []
            req = split_url(method, url, hdrs, body)
            try:
                handler, path_params, _ = router.match(req)
                req.params = path_params
                out = handler(req)
            except ApiError as exc:
                out = exc.response()
            assert check_response(method, url, out.status, out.headers, out.body) == []
            return Response(out.status, out.body.decode(), out.headers)

    import logging

    client = Client(ACCOUNT, "token", http_client=EmulatorHttp(logging.getLogger("t"), False))
    ws = client.taskrouter.v1.workspaces.create(friendly_name="Flex Task Assignment")
    queue = client.taskrouter.v1.workspaces(ws.sid).task_queues.create(
        friendly_name="Everyone", target_workers="1==1"
    )
    flow = client.taskrouter.v1.workspaces(ws.sid).workflows.create(
        friendly_name="Assign to Anyone",
        configuration=json.dumps({"task_routing": {"default_filter": {"queue": queue.sid}}}),
    )
    available = next(
        a
        for a in client.taskrouter.v1.workspaces(ws.sid).activities.list()
        if a.friendly_name == "Available"
    )
    worker = client.taskrouter.v1.workspaces(ws.sid).workers.create(
        friendly_name="alice", activity_sid=available.sid, attributes=json.dumps({"a": 1})
    )
    assert worker.available is True
    task = client.taskrouter.v1.workspaces(ws.sid).tasks.create(
        attributes=json.dumps({"conversation_sid": "CH1"}),
        workflow_sid=flow.sid,
        task_channel="chat",
    )
    assert task.assignment_status == "reserved"
    [reservation] = client.taskrouter.v1.workspaces(ws.sid).tasks(task.sid).reservations.list()
    reservation.update(reservation_status="accepted")
    fetched = client.taskrouter.v1.workspaces(ws.sid).tasks(task.sid).fetch()
    assert fetched.assignment_status == "assigned"
    assert json.loads(fetched.attributes) == {"conversation_sid": "CH1"}
    with pytest.raises(TwilioRestException) as info:
        fetched.update(if_match="999", assignment_status="wrapping")
    assert info.value.status == 412
    listed = client.taskrouter.v1.workspaces(ws.sid).tasks.list(
        assignment_status=["assigned", "pending"], page_size=1000
    )
    assert [t.sid for t in listed] == [task.sid]
    assert listed[0].attributes is None
    done = (
        client.taskrouter.v1.workspaces(ws.sid)
        .tasks(task.sid)
        .update(assignment_status="completed", reason="resolved")
    )
    assert done.assignment_status == "completed"
    emu.clock.advance(600)
    with pytest.raises(TwilioRestException) as gone:
        client.taskrouter.v1.workspaces(ws.sid).tasks(task.sid).fetch()
    assert gone.value.status == 404


def test_direct_task_to_a_worker_or_queue(tr: TaskRouter, emu: FakeEmu) -> None:
    s = build(tr)
    sales = tr.create_task_queue(s.ws.sid, "Sales", target_workers="skills HAS 'sales'")
    invite = tr.create_direct_task(
        s.ws.sid, attributes={"invite": True}, worker_sid=s.bob, task_channel="chat"
    )
    assert invite.workflow_sid is None
    assert invite.task_queue_sid == s.everyone  # bob's first queue
    assert [r.worker_sid for r in invite.reservations] == [s.bob]
    tr.reject_reservation(s.ws.sid, invite.sid, invite.reservations[0].sid)
    assert invite.assignment_status == "pending"
    assert len(invite.reservations) == 1  # only bob was targeted
    queued = tr.create_direct_task(s.ws.sid, attributes={}, task_queue_sid=sales.sid)
    assert [r.worker_sid for r in queued.reservations] == [s.alice]
    with pytest.raises(ApiError) as info:
        tr.create_direct_task(s.ws.sid, attributes={}, task_queue_sid=sales.sid, worker_sid=s.bob)
    assert info.value.code == 40152
    emu.clock.advance(5)
    assert queued.to_json()["age"] == 5
