"""The control API (``/_emulator/v1/...``) and its Python client, over real HTTP."""

from __future__ import annotations

import inspect
import json
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from flexconv.emulator import Emulator
from flexconv.emulator.control import ControlError, EmulatorControl
from flexconv.emulator.control_api import COVERAGE, ROUTES
from flexconv.emulator.faults import Faults
from flexconv.emulator.server import ServerThread
from flexconv.emulator.simulation import Simulation

LINE = "+15005550006"
CUSTOMER = "+15551230000"


@pytest.fixture
def served(emu: Emulator) -> Iterator[tuple[ServerThread, EmulatorControl]]:
    with ServerThread(emu) as server:
        yield server, EmulatorControl(server.url, emu.account_sid, emu.auth_token)


def _public(cls: type) -> list[str]:
    return [
        name
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_")
    ]


@pytest.mark.parametrize(("prefix", "cls"), [("simulate", Simulation), ("faults", Faults)])
def test_every_simulation_and_fault_method_has_a_control_route(prefix: str, cls: type) -> None:
    routes = {(method, path) for method, path, _ in ROUTES}
    remote = {"simulate": "RemoteSimulation", "faults": "RemoteFaults"}[prefix]
    from flexconv.emulator import control

    client_cls = getattr(control, remote)
    names = _public(cls)
    assert names, cls
    for name in names:
        key = f"{prefix}.{name}"
        assert key in COVERAGE, f"{key} has no control route"
        assert COVERAGE[key] in routes, (key, COVERAGE[key])
        assert callable(getattr(client_cls, name, None)), f"{remote} lacks {name}"


def test_control_api_needs_the_account_credentials(
    emu: Emulator, served: tuple[ServerThread, EmulatorControl]
) -> None:
    server, _ = served
    url = f"{server.url}/_emulator/v1/Clock"
    for auth in (None, (emu.account_sid, "wrong")):
        resp = httpx.get(url, auth=auth)
        assert resp.status_code == 401
        assert resp.json()["code"] == 20003
        assert resp.headers["content-type"] == "application/json"
    key = emu.create_api_key("ci")
    assert httpx.get(url, auth=(key.sid, key.secret)).status_code == 200
    with pytest.raises(ControlError) as err:
        EmulatorControl(server.url, emu.account_sid, "wrong").clock.state()
    assert err.value.status == 401
    assert "wrong" not in repr(EmulatorControl(server.url, emu.account_sid, "wrong"))


def test_errors_have_twilios_shape(
    emu: Emulator, served: tuple[ServerThread, EmulatorControl]
) -> None:
    server, control = served
    auth = (emu.account_sid, emu.auth_token)
    base = f"{server.url}/_emulator/v1"
    unknown = httpx.post(f"{base}/Clock/Advance", json={"secs": 1}, auth=auth)
    assert unknown.status_code == 400
    assert unknown.json()["code"] == 20001
    assert "expected seconds" in unknown.json()["message"]
    wrong_type = httpx.post(f"{base}/Clock/Advance", json={"seconds": "ten"}, auth=auth)
    assert wrong_type.status_code == 400
    assert "expected a number" in wrong_type.json()["message"]
    not_json = httpx.post(f"{base}/Clock/Advance", content=b"seconds=1", auth=auth)
    assert not_json.status_code == 400
    assert httpx.get(f"{base}/Nothing", auth=auth).json()["status"] == 404
    assert httpx.delete(f"{base}/Clock", auth=auth).json()["code"] == 20004
    with pytest.raises(ControlError) as err:
        control.simulate.accept("nobody")
    assert (err.value.status, err.value.code) == (404, 20404)
    with pytest.raises(ControlError) as err:
        control.clock.configure(mode="sundial")
    assert "expected one of wall, manual" in err.value.message


def test_clock_simulation_and_state_over_http(
    emu: Emulator, served: tuple[ServerThread, EmulatorControl]
) -> None:
    _, control = served
    start = control.clock.now()
    assert start == emu.now()
    assert control.clock.state()["mode"] == "manual"
    inbound = control.simulate.customer_message(LINE, CUSTOMER, "Hi there")
    assert inbound["conversation"]["sid"] == inbound["conversation_sid"]
    assert inbound["message"]["body"] == "Hi there"
    control.clock.advance(0)  # whatever Flex still has to set up happens now
    pending = control.simulate.reservations("alice") + control.simulate.reservations("bob")
    assert len(pending) == 1
    agent = "alice" if pending[0]["worker_sid"] == emu.seeded.workers["alice"] else "bob"
    rejected = control.simulate.reject(agent)
    assert rejected["reservation_status"] == "rejected"
    other = "bob" if agent == "alice" else "alice"
    accepted = control.simulate.accept(other)
    assert accepted["reservation_status"] == "accepted"
    assert control.simulate.conversation_of(other)["sid"] == inbound["conversation_sid"]
    sent = control.simulate.agent_message(other, "Hello!")
    assert sent["author"] == other
    assert control.simulate.wrap_up(other)["assignment_status"] == "wrapping"
    assert control.simulate.complete(other)["assignment_status"] == "completed"
    assert emu.conversations.get(inbound["conversation_sid"]).state == "closed"
    worker = control.simulate.set_activity(other, "Offline")
    assert worker["activity_name"] == "Offline"
    assert control.simulate.worker(other)["available"] is False
    later = control.clock.advance(3600)
    assert later["now"] == "2026-01-01T13:00:00Z" or control.clock.now() > start
    assert emu.now() == control.clock.now()
    state = control.inspect()
    assert state["account_sid"] == emu.account_sid
    assert control.orchestration() == "flex"
    assert control.orchestration("custom") == "custom"
    assert emu.flex.orchestration == "custom"


def test_seed_and_reset(emu: Emulator, served: tuple[ServerThread, EmulatorControl]) -> None:
    _, control = served
    seeded = control.seed({"addresses": [{"type": "sms", "address": "+15005550010"}]})
    assert list(seeded["addresses"]) == ["+15005550010"]
    assert control.seeded()["addresses"] == seeded["addresses"]
    with pytest.raises(ControlError) as err:
        control.seed({"addresses": [{"type": "sms"}]})
    assert err.value.status == 400
    control.reset()
    assert emu.seeded.workspace_sid == ""
    assert control.inspect()["conversations"] == emu.inspect()["conversations"]


def test_faults_over_http(emu: Emulator, served: tuple[ServerThread, EmulatorControl]) -> None:
    server, control = served
    auth = (emu.account_sid, emu.auth_token)
    config = f"{server.url}/flex-api/v1/Configuration"
    limit = control.faults.rate_limit(retry_after=2, product="flex-api", times=1)
    assert limit["kind"] == "status"
    assert limit["id"].startswith("FT")
    resp = httpx.get(config, auth=auth)
    assert (resp.status_code, resp.headers["retry-after"]) == (429, "2")
    assert httpx.get(config, auth=auth).status_code == 200
    assert control.faults.list()[0]["fired"] == 1
    control.faults.server_error(500, method="GET", path="/v1/Configuration", times=1)
    assert httpx.get(config, auth=auth).json()["code"] == 20500
    control.faults.precondition_failed(times=1)
    assert httpx.get(config, auth=auth).status_code == 412
    latency = control.faults.latency(0.01, times=1)
    assert emu.faults.active[-1].seconds == 0.01
    control.faults.remove(latency)
    assert all(f["id"] != latency["id"] for f in control.faults.list())
    control.faults.drop(before_send=True, times=1)
    with pytest.raises(httpx.TransportError):
        httpx.get(config, auth=auth)
    generic = control.faults.add("status", status=503, times=1, product="conversations")
    assert generic["status"] == 503
    decided = control.faults.decide("GET", "conversations", "/v1/Conversations")
    assert decided["response"]["status"] == 503
    assert decided["response"]["body"]["code"] == 20503
    control.faults.reseed(5)
    with pytest.raises(ControlError) as err:
        control.faults.latency(1, probability=2)
    assert "from 0 to 1" in err.value.message
    control.faults.clear()
    assert control.faults.list() == []
    assert emu.faults.active == []


class _Receiver(BaseHTTPRequestHandler):
    """A team's webhook endpoint that calls the emulator's API while handling each delivery."""

    base = ""
    auth: tuple[str, str] = ("", "")
    seen: list[tuple[str, int, int]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        form = dict(httpx.QueryParams(self.rfile.read(length).decode()))
        with httpx.Client(auth=self.auth, timeout=10) as client:
            read = client.get(f"{self.base}/flex-api/v1/Configuration").status_code
            conv = form.get("ConversationSid", "")
            wrote = client.post(
                f"{self.base}/conversations/v1/Conversations/{conv}",
                data={"Attributes": json.dumps({"seen": form.get("EventType")})},
            ).status_code
        self.seen.append((form.get("EventType", ""), read, wrote))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return None


def test_webhooks_call_back_into_the_server_without_deadlock(emu: Emulator) -> None:
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=receiver.serve_forever, daemon=True)
    thread.start()
    hook = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
    try:
        with ServerThread(emu) as server:
            _Receiver.base, _Receiver.auth, _Receiver.seen = (
                server.url,
                (emu.account_sid, emu.auth_token),
                [],
            )
            control = EmulatorControl(server.url, emu.account_sid, emu.auth_token)
            control.seed(
                {"conversation_webhooks": {"post_webhook_url": hook, "filters": ["onMessageAdded"]}}
            )
            settings = control.webhooks.configure(paused=True, timeout=10)
            assert settings["paused"] is True
            inbound = control.simulate.customer_message(LINE, CUSTOMER, "Hi")
            (queued,) = control.webhooks.pending()
            assert queued["event_type"] == "onMessageAdded"
            (sent,) = control.webhooks.flush()
            assert sent["outcome"] == "delivered", sent
            control.webhooks.configure(paused=False)
            control.simulate.customer_message(LINE, CUSTOMER, "Again")
            delivered = control.webhooks.deliveries(event_type="onMessageAdded")
            assert [d["outcome"] for d in delivered] == ["delivered", "delivered"]
            assert delivered[0]["params"][0][0]
            assert _Receiver.seen == [("onMessageAdded", 200, 200)] * 2
            attrs = emu.conversations.get(inbound["conversation_sid"]).attributes
            assert json.loads(attrs) == {"seen": "onMessageAdded"}
            assert control.webhooks.settings()["pending"] == 0
    finally:
        receiver.shutdown()
        receiver.server_close()


def test_the_clock_can_follow_the_wall_clock(
    emu: Emulator, served: tuple[ServerThread, EmulatorControl]
) -> None:
    _, control = served
    start = emu.now()
    inbound = control.simulate.customer_message(LINE, CUSTOMER, "Anyone?")
    state = control.clock.configure(mode="wall", speed=3600)
    assert (state["mode"], state["speed"]) == ("wall", 3600)
    deadline = time.monotonic() + 30
    while emu.now() - start < timedelta(hours=2):  # an hour per second: wait for two
        assert time.monotonic() < deadline, "the clock did not move"
        time.sleep(0.05)
    control.clock.configure(mode="manual")
    # Flex set the interaction up and routed it with nobody calling advance
    assert emu.inspect()["taskrouter"]["tasks"][0]["attributes"]
    assert emu.conversations.get(inbound["conversation_sid"]).state in ("active", "inactive")
    frozen = control.clock.now()
    assert control.clock.state()["mode"] == "manual"
    assert control.clock.advance(60)["now"] > frozen.strftime("%Y-%m-%dT%H:%M:%SZ")
