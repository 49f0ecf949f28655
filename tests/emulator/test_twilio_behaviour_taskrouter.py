"""TaskRouter behaviour the emulator must share with Twilio (issue: where it differs from Twilio).

Each test drives the emulator through raw Twilio-shaped HTTP (checked against Twilio's OpenAPI
spec by ``Http``) and cites the spec or documentation wording it holds the emulator to.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from flexconv.emulator import Emulator
from flexconv.emulator.webhooks import WebhookRequest
from tests.emulator.conftest import TR, Http


def ws_url(emu: Emulator) -> str:
    return f"{TR}/Workspaces/{emu.seeded.workspace_sid}"


def new_queue(http: Http, emu: Emulator, name: str, target_workers: str) -> str:
    resp = http.post(
        f"{ws_url(emu)}/TaskQueues", {"FriendlyName": name, "TargetWorkers": target_workers}
    )
    assert resp.status == 201, resp.json
    return str(resp.json["sid"])


def new_workflow(http: Http, emu: Emulator, config: dict[str, Any], **extra: Any) -> str:
    resp = http.post(
        f"{ws_url(emu)}/Workflows",
        {
            "FriendlyName": f"wf{len(emu.taskrouter.get_workspace(emu.seeded.workspace_sid).workflows)}",
            "Configuration": config,
            **extra,
        },
    )
    assert resp.status == 201, resp.json
    return str(resp.json["sid"])


def new_task(http: Http, emu: Emulator, **form: Any) -> dict[str, Any]:
    form.setdefault("Attributes", {"type": "support"})
    resp = http.post(f"{ws_url(emu)}/Tasks", form)
    assert resp.status == 201, resp.json
    return dict(resp.json)


def fetch_task(http: Http, emu: Emulator, sid: str) -> dict[str, Any]:
    return dict(http.get(f"{ws_url(emu)}/Tasks/{sid}").json)


def reservations(http: Http, emu: Emulator, task_sid: str) -> list[dict[str, Any]]:
    return list(http.get(f"{ws_url(emu)}/Tasks/{task_sid}/Reservations").json["reservations"])


def events(http: Http, emu: Emulator, task_sid: str) -> list[str]:
    got = http.get(f"{ws_url(emu)}/Events", params={"TaskSid": task_sid, "PageSize": 1000})
    return [e["event_type"] for e in got.json["events"]]


def everyone(emu: Emulator) -> str:
    return emu.seeded.task_queues["Everyone"]


# -- workflow steps ------------------------------------------------------------------------------


def test_task_past_its_last_step_gets_workflow_timeout_and_is_canceled(
    emu: Emulator, http: Http
) -> None:
    """Docs (Workflow overview, facts): "A task passing its workflow's last step without an
    accepted reservation gets `workflow.timeout` and is canceled; `default_filter` applies only
    when no filter matched."  The spec's Task `reason` carries "Workflow Timeout"."""
    nobody = new_queue(http, emu, "Legal", "skills HAS 'legal'")
    wf = new_workflow(
        http,
        emu,
        {
            "task_routing": {
                "filters": [
                    {
                        "filter_friendly_name": "legal",
                        "expression": "type == 'legal'",
                        "targets": [{"queue": nobody, "timeout": 60}],
                    }
                ],
                "default_filter": {"queue": everyone(emu)},
            }
        },
    )
    legal = new_task(http, emu, WorkflowSid=wf, Attributes={"type": "legal"})
    other = new_task(http, emu, WorkflowSid=wf, Attributes={"type": "support"})
    # No filter matched the support task: the default filter sent it to Everyone.
    assert fetch_task(http, emu, other["sid"])["task_queue_sid"] == everyone(emu)
    assert fetch_task(http, emu, legal["sid"])["task_queue_sid"] == nobody
    emu.advance(59)
    assert fetch_task(http, emu, legal["sid"])["assignment_status"] == "pending"
    emu.advance(1)
    task = fetch_task(http, emu, legal["sid"])
    assert task["assignment_status"] == "canceled"
    assert task["reason"] == "Workflow Timeout"
    assert task["task_queue_sid"] == nobody  # never moved to the default filter's queue
    assert reservations(http, emu, legal["sid"]) == []
    kinds = events(http, emu, legal["sid"])
    assert "workflow.timeout" in kinds
    assert kinds.index("workflow.timeout") < kinds.index("task.canceled")


def test_skip_if_moves_to_the_next_step_at_once(emu: Emulator, http: Http) -> None:
    """Docs (Skipping based on Worker availability): "skip_if: workers.available == 0" skips a
    routing step when no reservation is created at once and the expression is true; "If a Task
    skips a filter, it will be evaluated as if the Task didn't match the filter expression"."""
    ws = ws_url(emu)
    offline = emu.seeded.activities["Offline"]
    carol = http.post(
        f"{ws}/Workers",
        {"FriendlyName": "carol", "Attributes": {"skills": ["legal"]}, "ActivitySid": offline},
    ).json["sid"]
    legal = new_queue(http, emu, "Legal", "skills HAS 'legal'")
    wf = new_workflow(
        http,
        emu,
        {
            "task_routing": {
                "filters": [
                    {
                        "expression": "1==1",
                        "targets": [
                            {"queue": legal, "timeout": 300, "skip_if": "workers.available == 0"},
                            {"queue": everyone(emu), "timeout": 300},
                        ],
                    },
                    {
                        "expression": "type == 'vip'",
                        "targets": [{"queue": legal, "skip_if": "workers.available == 0"}],
                    },
                ],
                "default_filter": {"queue": everyone(emu)},
            }
        },
    )
    task = new_task(http, emu, WorkflowSid=wf)
    # No time passes: the Legal step is skipped because carol (its only worker) is offline.
    got = fetch_task(http, emu, task["sid"])
    assert got["task_queue_sid"] == everyone(emu)
    assert got["assignment_status"] == "reserved"
    assert "workflow.skipped" in events(http, emu, task["sid"])
    # With carol available the step is not skipped.
    http.post(f"{ws}/Workers/{carol}", {"ActivitySid": emu.seeded.activities["Available"]})
    kept = new_task(http, emu, WorkflowSid=wf)
    assert fetch_task(http, emu, kept["sid"])["task_queue_sid"] == legal
    assert reservations(http, emu, kept["sid"])[0]["worker_sid"] == carol


def test_skip_if_must_be_a_valid_expression(emu: Emulator, http: Http) -> None:
    """A workflow target's `skip_if` is an expression like the others: malformed is a 400."""
    resp = http.post(
        f"{ws_url(emu)}/Workflows",
        {
            "FriendlyName": "bad",
            "Configuration": {
                "task_routing": {
                    "filters": [
                        {
                            "expression": "1==1",
                            "targets": [
                                {"queue": everyone(emu), "skip_if": "workers.available =="}
                            ],
                        }
                    ]
                }
            },
        },
    )
    assert resp.status == 400
    assert "skip_if" in resp.json["message"]


# -- task creation -------------------------------------------------------------------------------


def test_routing_target_worker_reserves_that_worker(emu: Emulator, http: Http) -> None:
    """Spec, Task create `RoutingTarget`: "A SID of a Worker, Queue, or Workflow to route a Task
    to"; `IgnoreCapacity` "default value ... is `true` when the `RoutingTarget` is set to a Worker
    SID"."""
    bob = emu.seeded.workers["bob"]
    task = new_task(http, emu, RoutingTarget=bob)
    assert task["routing_target"] == bob
    got = reservations(http, emu, task["sid"])
    assert [r["worker_sid"] for r in got] == [bob]
    # Even a busy bob gets the next one: capacity is ignored by default for a worker target.
    second = new_task(http, emu, RoutingTarget=bob)
    assert [r["worker_sid"] for r in reservations(http, emu, second["sid"])] == [bob]
    # Respecting capacity, the third waits for bob rather than going to alice.
    third = new_task(http, emu, RoutingTarget=bob, IgnoreCapacity="false")
    assert reservations(http, emu, third["sid"]) == []
    assert fetch_task(http, emu, third["sid"])["assignment_status"] == "pending"


def test_routing_target_queue_and_unknown_target(emu: Emulator, http: Http) -> None:
    """Spec: `RoutingTarget` names a Worker, Queue or Workflow of the workspace; anything else
    cannot be routed (400)."""
    ws = ws_url(emu)
    offline = emu.seeded.activities["Offline"]
    http.post(f"{ws}/Workers/{emu.seeded.workers['alice']}", {"ActivitySid": offline})
    legal = new_queue(http, emu, "Support only", "routing.skills HAS 'support'")
    task = new_task(http, emu, RoutingTarget=legal)
    assert task["task_queue_sid"] == legal
    assert [r["worker_sid"] for r in reservations(http, emu, task["sid"])] == [
        emu.seeded.workers["bob"]
    ]
    missing = http.post(f"{ws}/Tasks", {"Attributes": "{}", "RoutingTarget": "WK" + "0" * 32})
    assert missing.status == 400
    assert "RoutingTarget" in missing.json["message"]


def test_task_timeout_maximum_is_two_weeks_and_ttl_cancels(emu: Emulator, http: Http) -> None:
    """Spec, Task create `Timeout`: "Can be up to a maximum of 2 weeks (1,209,600 seconds) ...
    On timeout, the `task.canceled` event will fire with description `Task TTL Exceeded`."""
    ws = ws_url(emu)
    too_long = http.post(f"{ws}/Tasks", {"Attributes": "{}", "Timeout": 1_209_601})
    assert too_long.status == 400
    assert "1209600" in too_long.json["message"].replace(",", "")
    ok = new_task(http, emu, Timeout=1_209_600)
    assert ok["timeout"] == 1_209_600
    # Both agents offline: the task waits until its TTL runs out.
    for name in ("alice", "bob"):
        http.post(
            f"{ws}/Workers/{emu.seeded.workers[name]}",
            {"ActivitySid": emu.seeded.activities["Offline"], "RejectPendingReservations": True},
        )
    short = new_task(http, emu, Timeout=30)
    emu.advance(30)
    task = fetch_task(http, emu, short["sid"])
    assert (task["assignment_status"], task["reason"]) == ("canceled", "Task TTL Exceeded")
    canceled = http.get(
        f"{ws}/Events", params={"TaskSid": short["sid"], "EventType": "task.canceled"}
    ).json["events"]
    assert canceled
    assert "Task TTL Exceeded" in canceled[0]["description"]


def test_virtual_start_time_cannot_be_in_the_future(emu: Emulator, http: Http) -> None:
    """Spec, Task create `VirtualStartTime`: "Value can't be in the future or before the year of
    1900"; a valid one sets the task's age."""
    ws = ws_url(emu)
    for bad in ("2999-01-01T00:00:00Z", "1899-12-31T00:00:00Z"):
        resp = http.post(f"{ws}/Tasks", {"Attributes": "{}", "VirtualStartTime": bad})
        assert resp.status == 400
        assert "VirtualStartTime" in resp.json["message"]
    emu.advance(600)
    earlier = emu.now().replace(microsecond=0) - timedelta(seconds=300)
    task = new_task(http, emu, VirtualStartTime=earlier.isoformat())
    assert task["age"] == 300
    update = http.post(f"{ws}/Tasks/{task['sid']}", {"VirtualStartTime": "2999-01-01T00:00:00Z"})
    assert update.status == 400


# -- reservations and assignment callbacks -------------------------------------------------------


def test_reservation_instructions_of_the_spec(emu: Emulator, http: Http) -> None:
    """Spec, Reservation update `Instruction` ("The assignment instruction for reservation") with
    its parameter families Dequeue*, Call*, Redirect* and the conference parameters; docs: a
    dequeue needs the task's `call_sid` (error 40140), `call` needs `CallUrl` (40112),
    `CallAccept`/`RedirectAccept` say whether the reservation is accepted."""
    ws = ws_url(emu)

    def reservation(attributes: dict[str, Any]) -> tuple[str, str]:
        task = new_task(http, emu, Attributes=attributes)
        res = reservations(http, emu, task["sid"])[0]
        return task["sid"], res["sid"]

    def answer(task_sid: str, res_sid: str, form: dict[str, Any]) -> Any:
        return http.post(f"{ws}/Tasks/{task_sid}/Reservations/{res_sid}", form)

    call = {"call_sid": "CA" + "1" * 32}
    t, r = reservation({"type": "voice"})
    refused = answer(t, r, {"Instruction": "dequeue", "DequeueFrom": "+15005550006"})
    assert refused.status == 400
    assert "call_sid" in refused.json["message"]
    assert answer(t, r, {"Instruction": "nonsense"}).status == 400

    t, r = reservation(call)
    done = answer(t, r, {"Instruction": "dequeue", "DequeueFrom": "+15005550006"})
    assert done.json["reservation_status"] == "accepted"
    assert fetch_task(http, emu, t)["assignment_status"] == "assigned"
    http.post(f"{ws}/Tasks/{t}", {"AssignmentStatus": "completed", "Reason": "done"})

    t, r = reservation(call)
    assert answer(t, r, {"Instruction": "conference"}).json["reservation_status"] == "accepted"
    http.post(f"{ws}/Tasks/{t}", {"AssignmentStatus": "completed", "Reason": "done"})

    t, r = reservation(call)
    assert answer(t, r, {"Instruction": "call", "CallFrom": "+15005550006"}).status == 400
    kept = answer(
        t,
        r,
        {
            "Instruction": "call",
            "CallFrom": "+15005550006",
            "CallTo": "client:alice",
            "CallUrl": "https://example.com/twiml",
        },
    )
    assert kept.json["reservation_status"] == "pending"  # CallAccept not set
    redirected = answer(
        t,
        r,
        {
            "Instruction": "redirect",
            "RedirectCallSid": call["call_sid"],
            "RedirectUrl": "https://example.com/twiml",
            "RedirectAccept": True,
        },
    )
    assert redirected.json["reservation_status"] == "accepted"


class Callback:
    """An in-process assignment callback receiver answering with a fixed status and body."""

    def __init__(self, status: int, body: Any) -> None:
        self.status = status
        self.body = body
        self.calls: list[dict[str, str]] = []

    def __call__(self, request: WebhookRequest) -> tuple[int, Any]:
        self.calls.append(request.form())
        return self.status, self.body


def callback_workflow(
    emu: Emulator, http: Http, first: Callback, fallback: Callback | None = None
) -> str:
    emu.webhooks.register("https://backend.example.com/assign", first)
    form: dict[str, Any] = {"AssignmentCallbackUrl": "https://backend.example.com/assign"}
    if fallback is not None:
        emu.webhooks.register("https://backup.example.com/assign", fallback)
        form["FallbackAssignmentCallbackUrl"] = "https://backup.example.com/assign"
    return new_workflow(
        http,
        emu,
        {"task_routing": {"filters": [], "default_filter": {"queue": everyone(emu)}}},
        **form,
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"instruction": "accept"}, "accepted"),
        ({"instruction": "reject"}, "rejected"),
        ({}, "pending"),
        (b"", "pending"),
    ],
)
def test_assignment_callback_answer_is_acted_on(
    emu: Emulator, http: Http, body: Any, expected: str
) -> None:
    """Docs (facts, Task assignment): answer 200 `{"instruction":"accept"}` (or `reject`, ...) to
    act now, `{}` (or no answer body) to decide later."""
    hook = Callback(200, body)
    wf = callback_workflow(emu, http, hook)
    task = new_task(http, emu, WorkflowSid=wf)
    assert hook.calls
    assert hook.calls[0]["TaskSid"] == task["sid"]
    first = reservations(http, emu, task["sid"])[0]
    assert first["reservation_status"] == expected
    if expected == "accepted":
        assert fetch_task(http, emu, task["sid"])["assignment_status"] == "assigned"
    assert emu.taskrouter.alerts == []


def test_assignment_callback_without_instruction_raises_warning_40005(
    emu: Emulator, http: Http
) -> None:
    """Error 40005 (warning): "Assignment Callback response is a 200 with some json that doesn't
    contain 'instruction'"; the reservation then waits, as with `{}`."""
    hook = Callback(200, {"accept": True})
    wf = callback_workflow(emu, http, hook)
    task = new_task(http, emu, WorkflowSid=wf)
    assert reservations(http, emu, task["sid"])[0]["reservation_status"] == "pending"
    alerts = emu.taskrouter.alerts
    assert [(a.error_code, a.log_level) for a in alerts] == [(40005, "warning")]
    assert alerts[0].resource_sid == reservations(http, emu, task["sid"])[0]["sid"]
    assert alerts[0].request_url == "https://backend.example.com/assign"


def test_fallback_assignment_callback_is_called_when_the_first_fails(
    emu: Emulator, http: Http
) -> None:
    """Docs (facts): the workflow's `FallbackAssignmentCallbackUrl` is called "when the first URL
    fails"; its answer is acted on."""
    first = Callback(500, b"oops")
    backup = Callback(200, {"instruction": "accept"})
    wf = callback_workflow(emu, http, first, backup)
    task = new_task(http, emu, WorkflowSid=wf)
    assert len(first.calls) == 1
    assert len(backup.calls) == 1
    assert backup.calls[0]["ReservationSid"] == first.calls[0]["ReservationSid"]
    assert reservations(http, emu, task["sid"])[0]["reservation_status"] == "accepted"
    codes = [a.error_code for a in emu.taskrouter.alerts]
    assert codes
    assert all(isinstance(c, int) for c in codes)


# -- statistics ----------------------------------------------------------------------------------

STAT_PATHS = [
    "/Statistics",
    "/RealTimeStatistics",
    "/CumulativeStatistics",
    "/TaskQueues/{WQ}/Statistics",
    "/TaskQueues/{WQ}/RealTimeStatistics",
    "/TaskQueues/{WQ}/CumulativeStatistics",
    "/TaskQueues/Statistics",
    "/Workers/Statistics",
    "/Workers/RealTimeStatistics",
    "/Workers/CumulativeStatistics",
    "/Workers/{WK}/Statistics",
    "/Workflows/{WW}/Statistics",
    "/Workflows/{WW}/RealTimeStatistics",
    "/Workflows/{WW}/CumulativeStatistics",
]


@pytest.mark.parametrize("path", STAT_PATHS)
def test_statistics_answer_with_the_spec_shape(emu: Emulator, http: Http, path: str) -> None:
    """Spec: every TaskRouter statistics path (workspace, queues, workers, workflows; plain,
    realtime, cumulative) answers 200 with its schema; the resources' `links` advertise them."""
    new_task(http, emu)
    url = ws_url(emu) + path.format(
        WQ=everyone(emu),
        WK=emu.seeded.workers["alice"],
        WW=emu.seeded.workflows["Assign to Anyone"],
    )
    resp = http.get(url)  # Http checks the body against the spec
    assert resp.status == 200, resp.json


def test_statistics_follow_the_state(emu: Emulator, http: Http) -> None:
    """Spec fields `total_tasks`, `tasks_by_status`, `total_workers`, `activity_statistics`,
    `tasks_created`, `reservations_created`/`accepted`, `tasks_entered` come from the workspace's
    real tasks, workers and events."""
    ws = ws_url(emu)
    one = new_task(http, emu)
    new_task(http, emu)
    new_task(http, emu)  # two agents: the third waits
    res = reservations(http, emu, one["sid"])[0]
    http.post(
        f"{ws}/Tasks/{one['sid']}/Reservations/{res['sid']}", {"ReservationStatus": "accepted"}
    )
    rt = http.get(f"{ws}/RealTimeStatistics").json
    assert rt["total_tasks"] == 3
    assert rt["tasks_by_status"] == {"pending": 1, "reserved": 1, "assigned": 1, "wrapping": 0}
    assert rt["total_workers"] == 2
    available = next(a for a in rt["activity_statistics"] if a["friendly_name"] == "Available")
    assert available["workers"] == 2
    cumulative = http.get(f"{ws}/CumulativeStatistics", params={"Minutes": 60}).json
    assert cumulative["tasks_created"] == 3
    assert cumulative["reservations_created"] == 2
    assert cumulative["reservations_accepted"] == 1
    queue = http.get(f"{ws}/TaskQueues/{everyone(emu)}/Statistics").json
    assert queue["realtime"]["total_tasks"] == 3
    assert queue["realtime"]["total_eligible_workers"] == 2
    assert queue["cumulative"]["tasks_entered"] == 3
    workers = http.get(f"{ws}/Workers/Statistics").json
    assert workers["realtime"]["total_workers"] == 2
    alice = http.get(f"{ws}/Workers/{emu.seeded.workers['alice']}/Statistics").json
    assert alice["cumulative"]["reservations_created"] >= 1
    bad = http.get(f"{ws}/CumulativeStatistics", params={"Minutes": "soon"})
    assert bad.status == 400


def test_statistics_links_resolve(emu: Emulator, http: Http) -> None:
    """Spec: a worker's, queue's and workflow's `links` advertise statistics URLs; each answers."""
    ws = ws_url(emu)
    for url in (
        f"{ws}/Workers/{emu.seeded.workers['alice']}",
        f"{ws}/TaskQueues/{everyone(emu)}",
        f"{ws}/Workflows/{emu.seeded.workflows['Assign to Anyone']}",
    ):
        links = http.get(url).json["links"]
        for key, link in links.items():
            if "statistics" in key:
                assert http.get(link).status == 200, link


def test_task_queue_bulk_realtime_statistics(emu: Emulator, http: Http) -> None:
    """Spec: `POST /TaskQueues/RealTimeStatistics` takes `QueueSids` and answers
    `task_queue_data` with one entry per queue and `task_queue_response_count`."""
    resp = http.request(
        "POST",
        f"{ws_url(emu)}/TaskQueues/RealTimeStatistics",
        json_body={"QueueSids": [everyone(emu)]},
    )
    assert resp.status == 200, resp.json
    assert resp.json["task_queue_response_count"] == 1
    assert resp.json["task_queue_data"][0]["task_queue_sid"] == everyone(emu)


def test_workflow_callback_answer_json_is_decoded_strictly(emu: Emulator, http: Http) -> None:
    """Error 40001 (warning): "Could not parse Assignment Instruction response as JSON"."""
    hook = Callback(200, b"{instruction: accept")
    wf = callback_workflow(emu, http, hook)
    task = new_task(http, emu, WorkflowSid=wf)
    assert reservations(http, emu, task["sid"])[0]["reservation_status"] == "pending"
    assert [a.error_code for a in emu.taskrouter.alerts] == [40001]
    assert json.loads(json.dumps(emu.taskrouter.alerts[0].to_json()))["error_code"] == "40001"


def test_alerts_are_listed_by_the_monitor_api(emu: Emulator, http: Http) -> None:
    """Twilio's Monitor API (`GET https://monitor.twilio.com/v1/Alerts`, newest first, `LogLevel`
    filter; not in the bundled specs, so not spec-checked) lists the debugger's alerts, here
    warning 40005 of an assignment callback answer without `instruction`."""
    wf = callback_workflow(emu, http, Callback(200, {"accept": True}))
    new_task(http, emu, WorkflowSid=wf)
    raw = Http(emu, check=False)
    listed = raw.get("https://monitor.twilio.com/v1/Alerts").json
    assert listed["meta"]["key"] == "alerts"
    (alert,) = listed["alerts"]
    assert (alert["error_code"], alert["log_level"]) == ("40005", "warning")
    assert alert["sid"].startswith("NO")
    assert (
        raw.get("https://monitor.twilio.com/v1/Alerts", params={"LogLevel": "error"}).json["alerts"]
        == []
    )
    fetched = raw.get(f"https://monitor.twilio.com/v1/Alerts/{alert['sid']}").json
    assert json.loads(fetched["response_body"]) == {"accept": True}
    assert emu.monitor.alerts == emu.taskrouter.alerts
