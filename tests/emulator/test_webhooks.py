"""Outgoing webhooks: signatures, idempotency tokens, duplicates, order, HTTP delivery, failures."""

from __future__ import annotations

import http.server
import threading
import urllib.parse
from collections.abc import Iterator

import pytest
from twilio.request_validator import RequestValidator

from flexconv.emulator import Emulator, WebhookRequest

URL = "https://team.example.com/hook"


def collect(emu: Emulator, url: str = URL) -> list[WebhookRequest]:
    got: list[WebhookRequest] = []
    emu.webhooks.register(url, lambda r: got.append(r) or 204)
    return got


def test_signature_validates_with_twilio(bare: Emulator) -> None:
    got = collect(bare)
    params = [
        ("EventType", "onMessageAdded"),
        ("Body", "héllo & bye"),
        ("Media", "x"),
        ("Media", "y"),
    ]
    delivery = bare.webhooks.deliver(URL, params)
    assert delivery.outcome == "delivered"
    assert delivery.status == 204
    (req,) = got
    validator = RequestValidator(bare.auth_token)
    sig = req.headers["X-Twilio-Signature"]
    single = [(k, v) for k, v in params if k != "Media"]
    sig_single = bare.webhooks.deliver(URL, single).headers["X-Twilio-Signature"]
    assert validator.validate(URL, dict(single), sig_single)
    assert not validator.validate(URL, {**dict(single), "Body": "tampered"}, sig_single)
    form = urllib.parse.parse_qs(req.body.decode())
    assert form["Body"] == ["héllo & bye"]
    assert req.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert sig  # repeated keys are signed as twilio signs them

    class Multi(dict[str, list[str]]):
        def getlist(self, key: str) -> list[str]:
            return self[key]

    assert validator.validate(URL, Multi(form), sig)


def test_json_body_carries_body_sha256(bare: Emulator) -> None:
    got = collect(bare)
    d = bare.webhooks.deliver(URL, [], json_body={"a": 1})
    assert "bodySHA256=" in d.url
    validator = RequestValidator(bare.auth_token)
    assert validator.validate(d.url, got[0].body.decode(), d.headers["X-Twilio-Signature"])


def test_get_method_puts_params_in_the_query(bare: Emulator) -> None:
    got = collect(bare)
    d = bare.webhooks.deliver(URL, [("A", "1")], method="GET")
    assert d.url == URL + "?A=1"
    assert RequestValidator(bare.auth_token).validate(
        d.url, {}, got[0].headers["X-Twilio-Signature"]
    )


def test_idempotency_tokens_are_unique_and_duplicates_share_them(bare: Emulator) -> None:
    collect(bare)
    tokens = {bare.webhooks.deliver(URL, [("N", str(i))]).idempotency_token for i in range(20)}
    assert len(tokens) == 20
    bare.webhooks.configure(duplicate_probability=1.0)
    bare.webhooks.deliver(URL, [("N", "dup")])
    a, b = bare.webhooks.log[-2:]
    assert b.duplicate
    assert a.idempotency_token == b.idempotency_token


def test_duplicates_are_seeded() -> None:
    def pattern(seed: int) -> list[bool]:
        emu = Emulator(seed=seed)
        emu.webhooks.register(URL, lambda r: 200)
        emu.webhooks.configure(duplicate_probability=0.5)
        for i in range(30):
            emu.webhooks.deliver(URL, [("N", str(i))])
        return [d.duplicate for d in emu.webhooks.log]

    assert pattern(1) == pattern(1)
    assert any(pattern(1))


def test_out_of_order_delivery(bare: Emulator) -> None:
    got = collect(bare)
    bare.webhooks.configure(out_of_order=True, seed=3)
    for i in range(10):
        bare.webhooks.deliver(URL, [("N", str(i))])
    assert got == []
    assert len(bare.webhooks.pending()) == 10
    bare.advance(0)  # every emulator operation flushes the queue at its end
    order = [int(r.form()["N"]) for r in got]
    assert sorted(order) == list(range(10))
    assert order != list(range(10))


def test_paused_until_flush(bare: Emulator) -> None:
    got = collect(bare)
    bare.webhooks.configure(paused=True)
    bare.webhooks.deliver(URL, [("N", "1")])
    bare.advance(1)
    assert got == []
    bare.webhooks.flush()
    assert len(got) == 1


def test_failures_are_recorded_not_raised(bare: Emulator) -> None:
    def boom(_: WebhookRequest) -> int:
        raise RuntimeError("receiver crashed")

    bare.webhooks.register(URL, boom)
    d = bare.webhooks.deliver(URL, [("A", "1")])
    assert d.outcome == "failed"
    assert "receiver crashed" in (d.error or "")
    bare.webhooks.register(URL, lambda r: 500)
    assert bare.webhooks.deliver(URL, []).outcome == "failed"
    unreachable = bare.webhooks.deliver("http://127.0.0.1:9/nothing", [])
    assert unreachable.outcome == "failed"
    assert unreachable.error
    nowhere = bare.webhooks.deliver("https://unregistered.example.invalid/x", [])
    assert nowhere.outcome == "failed"


class _Recorder(http.server.BaseHTTPRequestHandler):
    received: list[tuple[str, dict[str, str], bytes]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        self.received.append((self.path, dict(self.headers.items()), self.rfile.read(length)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[str]:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    _Recorder.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_http_delivery(bare: Emulator, receiver: str) -> None:
    url = f"{receiver}/events"
    d = bare.webhooks.deliver(url, [("EventType", "task.created")], kind="taskrouter.event")
    assert d.outcome == "delivered"
    assert d.status == 204
    path, headers, body = _Recorder.received[0]
    assert path == "/events"
    assert body == b"EventType=task.created"
    assert RequestValidator(bare.auth_token).validate(
        url, {"EventType": "task.created"}, headers["X-Twilio-Signature"]
    )
    assert headers["I-Twilio-Idempotency-Token"] == d.idempotency_token


def test_taskrouter_event_callbacks_go_through_the_emitter(receiver: str) -> None:
    emu = Emulator.from_scenario(
        {
            "workspace": {
                "friendly_name": "WS",
                "event_callback_url": f"{receiver}/tr",
                "task_queues": [{"friendly_name": "Everyone"}],
                "workflows": [
                    {
                        "friendly_name": "W",
                        "configuration": {
                            "task_routing": {"default_filter": {"queue": "Everyone"}}
                        },
                    }
                ],
            }
        }
    )
    emu.taskrouter.create_task(emu.seeded.workspace_sid, attributes={"a": 1})
    kinds = {d.kind for d in emu.webhooks.log}
    assert "taskrouter.event" in kinds
    assert all(d.outcome == "delivered" for d in emu.webhooks.log)
    assert any(b"task.created" in body for _, _, body in _Recorder.received)


def test_conversation_events_from_simulation(emu: Emulator) -> None:
    got = collect(emu)
    emu.conversations.service_webhooks.post_webhook_url = URL
    emu.conversations.service_webhooks.filters = [
        "onConversationAdded",
        "onMessageAdded",
        "onParticipantAdded",
        "onConversationStateUpdated",
    ]
    emu.simulate.customer_message("+15005550006", "+15551230000", "hi")
    emu.advance(0)
    worker = "alice" if emu.simulate.reservations("alice") else "bob"
    emu.simulate.accept(worker)
    emu.simulate.complete(worker)
    events = [r.form()["EventType"] for r in got]
    assert events[:3] == ["onConversationAdded", "onParticipantAdded", "onMessageAdded"]
    assert "onConversationStateUpdated" in events
    state = next(r.form() for r in got if r.form()["EventType"] == "onConversationStateUpdated")
    assert (state["StateFrom"], state["StateTo"]) == ("active", "closed")
    agent_added = [r.form() for r in got if r.form()["EventType"] == "onParticipantAdded"][1]
    assert agent_added["Identity"] == worker
