"""A call is answered before the webhooks it causes are sent, as Twilio does; and failed webhooks
are sent again as Twilio's connection overrides say.

The receiver below behaves like `flexconv.events.Receiver`: events of one task are handled one at
a time, and an event that cannot get the task's lock in time is answered 503.  While handling
``reservation.created`` it accepts the reservation through the API.  If the emulator sent
``reservation.accepted`` before answering that accept, the event would wait for the lock its own
cause holds and be refused; answered first, it is handled once ``reservation.created`` is done.
"""

from __future__ import annotations

import base64
import http.server
import socket
import threading
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator

import pytest

from flexconv.emulator import Emulator, WebhookRequest
from flexconv.emulator.doctor_scenarios import FAILING_URL, plant
from flexconv.emulator.server import ServerThread
from flexconv.emulator.webhook_send import RetryPolicy

HOOK = "https://backend.example.com/twilio"
#: How long the receiver waits for the task's lock; only the broken order waits this long.
LOCK_WAIT = 20.0

Call = Callable[[str, str, dict[str, str]], int]


class TaskReceiver:
    """Accepts on ``reservation.created`` through ``call``; records what happened in order."""

    def __init__(self, call: Call, tasks_url: str) -> None:
        self.call = call
        self.tasks_url = tasks_url
        self.lock = threading.Lock()  # one task: one lock, not re-entrant
        self.seen: list[str] = []
        self.answers: dict[str, int] = {}

    def handle(self, form: dict[str, str]) -> int:
        event = form["EventType"]
        if not self.lock.acquire(timeout=LOCK_WAIT):
            self.answers[event] = 503  # busy with the same task: "deliver again later"
            return 503
        try:
            self.seen.append(event)
            if event == "reservation.created":
                url = f"{self.tasks_url}/{form['TaskSid']}/Reservations/{form['ReservationSid']}"
                status = self.call("POST", url, {"ReservationStatus": "accepted"})
                self.seen.append(f"accept answered {status}")
        finally:
            self.lock.release()
        self.answers[event] = 204
        return 204


def _scenario() -> tuple[Emulator, str]:
    emu = Emulator.from_scenario()
    emu.simulate.set_activity("bob", "Offline")
    return emu, emu.seeded.workflows["Assign to Anyone"]


def _auth(emu: Emulator) -> str:
    return "Basic " + base64.b64encode(f"{emu.account_sid}:{emu.auth_token}".encode()).decode()


def _http_call(emu: Emulator) -> Call:
    def call(method: str, url: str, form: dict[str, str]) -> int:
        request = urllib.request.Request(
            url,
            data=urllib.parse.urlencode(form).encode(),
            method=method,
            headers={"Authorization": _auth(emu)},
        )
        with urllib.request.urlopen(request, timeout=30) as resp:
            return int(resp.status)

    return call


def _in_process_call(emu: Emulator) -> Call:
    def call(method: str, url: str, form: dict[str, str]) -> int:
        headers = {
            "Authorization": _auth(emu),
            "Content-Type": "application/x-www-form-urlencoded",
        }
        return emu.handle(method, url, headers, urllib.parse.urlencode(form).encode()).status

    return call


@pytest.fixture
def loopback_hook() -> Iterator[tuple[str, list[TaskReceiver]]]:
    """An HTTP receiver on 127.0.0.1 handing each form to ``holder[0].handle``."""
    holder: list[TaskReceiver] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
            self.send_response(holder[0].handle(form))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/twilio", holder
    server.shutdown()
    server.server_close()


def _expect_accepted_after_the_answer(emu: Emulator, receiver: TaskReceiver) -> None:
    assert receiver.seen == [
        "task.created",
        "workflow.target-matched",
        "task-queue.entered",
        "reservation.created",
        "accept answered 200",
        "reservation.accepted",
    ]
    assert receiver.answers["reservation.accepted"] == 204
    outcomes = [(d.event_type, d.status) for d in emu.webhooks.log]
    assert ("reservation.accepted", 204) in outcomes
    assert all(status == 204 for _, status in outcomes), outcomes


def test_served_emulator_answers_the_accept_before_reservation_accepted(
    loopback_hook: tuple[str, list[TaskReceiver]],
) -> None:
    hook, holder = loopback_hook
    emu, workflow = _scenario()
    ws = emu.taskrouter.get_workspace(emu.seeded.workspace_sid)
    ws.event_callback_url = hook
    with ServerThread(emu) as server:
        tasks = f"{server.url}/taskrouter/v1/Workspaces/{ws.sid}/Tasks"
        receiver = TaskReceiver(_http_call(emu), tasks)
        holder.append(receiver)
        form = {"WorkflowSid": workflow, "TaskChannel": "chat", "Attributes": "{}"}
        assert _http_call(emu)("POST", tasks, form) == 201
        emu.webhooks.flush()  # waits for what the receiver's own calls caused, too
        _expect_accepted_after_the_answer(emu, receiver)
        assert emu.webhooks.pending() == []


def test_in_process_call_from_a_receiver_is_answered_before_its_webhooks() -> None:
    emu, workflow = _scenario()
    ws = emu.taskrouter.get_workspace(emu.seeded.workspace_sid)
    ws.event_callback_url = HOOK
    tasks = f"https://taskrouter.twilio.com/v1/Workspaces/{ws.sid}/Tasks"
    receiver = TaskReceiver(_in_process_call(emu), tasks)
    emu.webhooks.register(HOOK, lambda request: receiver.handle(request.form()))
    form = {"WorkflowSid": workflow, "TaskChannel": "chat", "Attributes": "{}"}
    # every webhook, also those the receiver's accept caused, has gone out when this returns
    assert _in_process_call(emu)("POST", tasks, form) == 201
    _expect_accepted_after_the_answer(emu, receiver)


def test_a_served_request_waits_for_nothing_its_webhooks_do(
    loopback_hook: tuple[str, list[TaskReceiver]],
) -> None:
    """The answer does not wait for the receiver: its lock is held until the answer is in."""
    hook, holder = loopback_hook
    emu, workflow = _scenario()
    ws = emu.taskrouter.get_workspace(emu.seeded.workspace_sid)
    ws.event_callback_url = hook
    with ServerThread(emu) as server:
        tasks = f"{server.url}/taskrouter/v1/Workspaces/{ws.sid}/Tasks"
        receiver = TaskReceiver(_http_call(emu), tasks)
        holder.append(receiver)
        with receiver.lock:  # the receiver is stuck until the request is answered
            form = {"WorkflowSid": workflow, "TaskChannel": "chat", "Attributes": "{}"}
            assert _http_call(emu)("POST", tasks, form) == 201
            assert receiver.seen == []
        emu.webhooks.flush()
        _expect_accepted_after_the_answer(emu, receiver)


def test_served_deliveries_wait_for_flush_while_paused() -> None:
    emu, workflow = _scenario()
    got: list[WebhookRequest] = []
    emu.webhooks.register(HOOK, lambda request: got.append(request) or 204)
    emu.taskrouter.get_workspace(emu.seeded.workspace_sid).event_callback_url = HOOK
    emu.webhooks.configure(paused=True)
    with ServerThread(emu) as server:
        tasks = f"{server.url}/taskrouter/v1/Workspaces/{emu.seeded.workspace_sid}/Tasks"
        form = {"WorkflowSid": workflow, "TaskChannel": "chat", "Attributes": "{}"}
        assert _http_call(emu)("POST", tasks, form) == 201
    # the server has stopped, so whatever it does after an answer is done: nothing was sent
    assert got == []
    assert len(emu.webhooks.pending()) == 4
    sent = emu.webhooks.flush()
    assert [d.event_type for d in sent] == [
        "task.created",
        "workflow.target-matched",
        "task-queue.entered",
        "reservation.created",
    ]
    assert [r.form()["EventType"] for r in got] == [d.event_type for d in sent]


def test_a_request_dropped_after_processing_still_sends_its_webhooks() -> None:
    emu, workflow = _scenario()
    got: list[WebhookRequest] = []
    emu.webhooks.register(HOOK, lambda request: got.append(request) or 204)
    emu.taskrouter.get_workspace(emu.seeded.workspace_sid).event_callback_url = HOOK
    emu.faults.drop(before_send=False, product="taskrouter", method="POST", times=1)
    with ServerThread(emu) as server:
        tasks = f"{server.url}/taskrouter/v1/Workspaces/{emu.seeded.workspace_sid}/Tasks"
        form = {"WorkflowSid": workflow, "TaskChannel": "chat", "Attributes": "{}"}
        with pytest.raises(OSError):
            _http_call(emu)("POST", tasks, form)
        emu.webhooks.flush()
    assert "task.created" in [r.form()["EventType"] for r in got]
    assert emu.webhooks.pending() == []


# ------------------------------------------------------------------------------- redelivery
def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _attempts(emu: Emulator, endpoint: str) -> list[tuple[int, str | None]]:
    return [(d.attempt, d.failure) for d in emu.webhooks.log if d.endpoint == endpoint]


def test_taskrouter_callbacks_are_sent_again_once_when_no_connection_is_made() -> None:
    emu = Emulator()
    url = f"http://127.0.0.1:{_closed_port()}/events"
    emu.webhooks.deliver(url, [("EventType", "task.created")], kind="taskrouter.event")
    assert _attempts(emu, url) == [(0, "ct"), (1, "ct")]


def test_an_answer_is_final_by_default_even_a_503() -> None:
    emu = Emulator()
    emu.webhooks.register(HOOK, lambda request: 503)
    emu.webhooks.deliver(HOOK, [("EventType", "task.created")], kind="taskrouter.event")
    assert _attempts(emu, HOOK) == [(0, "5xx")]


def test_a_receiver_that_gives_no_answer_gets_the_callback_again() -> None:
    emu = Emulator()
    calls: list[int] = []

    def slow(request: WebhookRequest) -> int:
        calls.append(1)
        if len(calls) == 1:
            raise TimeoutError("timed out")
        return 204

    emu.webhooks.register(HOOK, slow)
    emu.webhooks.deliver(HOOK, [("EventType", "task.created")], kind="taskrouter.event")
    assert _attempts(emu, HOOK) == [(0, "rt"), (1, None)]
    assert [d.outcome for d in emu.webhooks.log] == ["failed", "delivered"]


def test_connection_overrides_in_the_url_fragment_set_count_and_policy() -> None:
    emu = Emulator()
    emu.webhooks.register(HOOK, lambda request: 503)
    five = HOOK + "#rc=2&rp=5xx"
    emu.webhooks.deliver(five, [("EventType", "task.created")], kind="taskrouter.event")
    assert _attempts(emu, five) == [(0, "5xx"), (1, "5xx"), (2, "5xx")]
    none = f"http://127.0.0.1:{_closed_port()}/events#rc=0"
    emu.webhooks.deliver(none, [("EventType", "task.created")], kind="taskrouter.event")
    assert _attempts(emu, none) == [(0, "ct")]
    four = HOOK + "#rp=4xx"  # only 4xx: a 503 stays final
    emu.webhooks.deliver(four, [("EventType", "task.created")], kind="taskrouter.event")
    assert _attempts(emu, four) == [(0, "5xx")]
    emu.webhooks.register(HOOK, lambda request: 404)
    every = HOOK + "#rc=1&rp=all"
    emu.webhooks.deliver(every, [("EventType", "task.created")], kind="taskrouter.event")
    assert _attempts(emu, every) == [(0, "4xx"), (1, "4xx")]
    tokens = {d.idempotency_token for d in emu.webhooks.log if d.endpoint == every}
    assert len(tokens) == 1  # a redelivery carries the same idempotency token


def test_conversations_webhooks_are_sent_once() -> None:
    emu = Emulator()
    url = f"http://127.0.0.1:{_closed_port()}/conversations#rc=3"
    emu.webhooks.deliver(url, [("EventType", "onMessageAdded")], kind="conversations")
    assert _attempts(emu, url) == [(0, "ct")]


def test_retries_setting_replaces_twilio_rules_for_every_kind() -> None:
    emu = Emulator()
    emu.webhooks.register(HOOK, lambda request: 503)
    emu.webhooks.configure(retries=2)
    emu.webhooks.deliver(HOOK, [("EventType", "onMessageAdded")], kind="conversations")
    assert _attempts(emu, HOOK) == [(0, "5xx"), (1, "5xx"), (2, "5xx")]
    emu.webhooks.configure(retries=0)
    url = f"http://127.0.0.1:{_closed_port()}/events"
    emu.webhooks.deliver(url, [("EventType", "task.created")], kind="taskrouter.event")
    assert _attempts(emu, url) == [(0, "ct")]


def test_a_studio_http_widget_request_is_never_resent() -> None:
    """Studio waits for a Make HTTP Request widget's answer and takes its failure transition:
    with the emulator's `retries` set, the failing request still goes out once."""
    emu = Emulator.from_scenario()
    emu.webhooks.configure(retries=2)
    plant(emu, "studio_step_failed")
    assert _attempts(emu, FAILING_URL) == [(0, "5xx")]


@pytest.mark.parametrize(
    ("url", "count", "on"),
    [
        ("https://x.example.com/h", 1, {"ct", "rt"}),
        ("https://x.example.com/h#rc=5&rp=ct,5xx", 5, {"ct", "5xx"}),
        ("https://x.example.com/h#rc=6&rp=nope", 1, {"ct", "rt"}),  # not allowed: defaults
        ("https://x.example.com/h#ct=1000&rp=all", 1, {"ct", "rt", "4xx", "5xx"}),
    ],
)
def test_retry_policy_from_the_fragment(url: str, count: int, on: set[str]) -> None:
    policy = RetryPolicy.from_url(url)
    assert (policy.count, set(policy.on)) == (count, on)
