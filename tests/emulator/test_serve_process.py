"""``flexconv emulator serve`` on its own, in another process, driven over HTTP alone.

No Python call reaches the emulator: the official ``twilio`` client and flexconv's client speak
Twilio's API, :class:`EmulatorControl` speaks the control API, and the server's wall clock makes
Flex's asynchronous work happen on its own.  Waits poll the server with a generous deadline (no
timing is asserted).
"""

from __future__ import annotations

import copy
import json
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from flexconv import FlexConv
from flexconv.emulator.control import EmulatorControl
from flexconv.emulator.scenario import default_scenario

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT_SID = "AC" + "5" * 32
AUTH_TOKEN = "served-token"
CUSTOMER = "+15551230000"
SUPPORT_LINE = "+15005550006"
T = TypeVar("T")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Served:
    """A ``flexconv emulator serve`` child process."""

    def __init__(self, *args: str) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "flexconv", "emulator", "serve", "--port", str(self.port),
                   "--account-sid", ACCOUNT_SID, "--auth-token", AUTH_TOKEN, *args]  # fmt: skip
        self.proc = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    pytest.fail("flexconv emulator serve did not start")
                time.sleep(0.05)

    def stop(self) -> str:
        self.proc.terminate()
        try:
            _, err = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        return err.decode(errors="replace")


def eventually(probe: Callable[[], T | None], what: str, deadline: float = 30.0) -> T:
    """Poll ``probe`` until it returns something truthy (a generous deadline, never asserted)."""
    end = time.monotonic() + deadline
    while True:
        found = probe()
        if found:
            return found
        if time.monotonic() > end:
            pytest.fail(f"never happened: {what}")
        time.sleep(0.05)


def official_client(url: str) -> Any:
    """The official ``twilio`` client, reaching the server with Twilio's own hosts as Host."""
    from twilio.http.http_client import TwilioHttpClient
    from twilio.rest import Client

    class ToServer(TwilioHttpClient):  # type: ignore[misc]
        def request(self, method: str, twilio_url: str, *args: Any, **kwargs: Any) -> Any:
            parts = urllib.parse.urlsplit(twilio_url)
            kwargs["headers"] = {**(kwargs.get("headers") or {}), "Host": parts.netloc}
            local = f"{url}{parts.path}" + (f"?{parts.query}" if parts.query else "")
            return super().request(method, local, *args, **kwargs)

    return Client(ACCOUNT_SID, AUTH_TOKEN, http_client=ToServer())


@pytest.fixture
def wall_clock() -> Iterator[Served]:
    # --no-auto-tick: only the server's clock moves things along (x600: a 120 s reservation
    # timeout takes 0.2 s of wall time)
    served = Served("--scenario", "default", "--speed", "600", "--no-auto-tick")
    try:
        yield served
    finally:
        served.stop()


def test_flex_sets_up_and_routes_on_the_wall_clock(wall_clock: Served) -> None:
    pytest.importorskip("twilio")
    control = EmulatorControl(wall_clock.url, ACCOUNT_SID, AUTH_TOKEN)
    seeded = control.seeded()
    assert control.clock.state()["mode"] == "wall"
    twilio = official_client(wall_clock.url)
    conv = twilio.conversations.v1.conversations.create(friendly_name="customer")
    twilio.conversations.v1.conversations(conv.sid).participants.create(
        messaging_binding_address=CUSTOMER, messaging_binding_proxy_address=SUPPORT_LINE
    )
    interaction = twilio.flex_api.v1.interaction.create(
        channel={
            "type": "sms",
            "initiated_by": "customer",
            "properties": {"media_channel_sid": conv.sid},
        },
        routing={
            "properties": {
                "workspace_sid": seeded["workspace_sid"],
                "workflow_sid": seeded["workflows"]["Assign to Anyone"],
                "task_channel_unique_name": "chat",
            }
        },
    )
    channels = twilio.flex_api.v1.interaction(interaction.sid).channels
    eventually(lambda: [c for c in channels.list() if c.status == "active"], "channel active")
    workspace = twilio.taskrouter.v1.workspaces(seeded["workspace_sid"])

    def reservations() -> list[Any]:
        return [
            r for t in workspace.tasks.list() for r in workspace.tasks(t.sid).reservations.list()
        ]

    first = eventually(reservations, "a reservation")[0]
    # nobody accepts: the reservation times out on its own and routing goes on
    eventually(
        lambda: [
            r for r in reservations() if r.sid == first.sid and r.reservation_status == "timeout"
        ],
        "the reservation timed out",
    )


def test_the_demo_walk_over_http_alone(tmp_path: Path) -> None:
    scenario = copy.deepcopy(default_scenario())
    scenario["addresses"] = []  # flexconv configures the address itself, as in the demo
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(scenario))
    served = Served("--scenario", str(path))
    try:
        _walk(served.url)
    finally:
        served.stop()


def _walk(url: str) -> None:
    control = EmulatorControl(url, ACCOUNT_SID, AUTH_TOKEN)
    seeded = control.seeded()
    ws = seeded["workspace_sid"]
    with FlexConv(ACCOUNT_SID, AUTH_TOKEN, base_url=url, env={}) as client:
        # 1. the support line routed to Flex through the Messaging Flow
        address = client.channels.route_to_flex(
            SUPPORT_LINE, flow_sid=seeded["flows"]["Messaging Flow"]
        )
        assert address.auto_creation is not None
        assert str(address.auto_creation.type) == "studio"
        # 2. only alice is on shift
        control.simulate.set_activity("bob", "Offline")
        alice = client.routing.workers.resolve("alice", workspace_sid=ws)
        assert alice.available is True
        # 3. a customer texts the support line
        control.simulate.customer_message(SUPPORT_LINE, CUSTOMER, "Hi, where is my order #1234?")
        found = client.conversations.find_reusable(CUSTOMER)
        assert found is not None
        assert found.conversation_sid is not None
        conv_sid = found.conversation_sid
        # 4. Flex sets up the interaction and routes the task (on the server's own clock)
        tasks = eventually(
            lambda: client.routing.tasks.list(
                assignment_status=["reserved"], workspace_sid=ws
            ).to_list(),
            "the task reserved",
        )
        assert len(tasks) == 1
        task_sid = tasks[0].sid
        assert task_sid is not None
        task = client.routing.tasks.fetch(task_sid, workspace_sid=ws)
        attrs: dict[str, Any] = task.attributes or {}
        assert attrs.get("conversationSid") == conv_sid
        channels = client.interactions.channels.list(attrs["flexInteractionSid"]).to_list()
        assert [str(c.status) for c in channels] == ["active"]
        # 5. alice accepts in Flex (control API)
        pending = client.routing.reservations.list(
            task_sid, reservation_status="pending", workspace_sid=ws
        )
        assert [r.worker_sid for r in pending.to_list()] == [alice.sid]
        control.simulate.accept("alice", task_sid)
        assert (
            str(client.routing.tasks.fetch(task_sid, workspace_sid=ws).assignment_status)
            == "assigned"
        )
        participants = client.conversations.participants.list(conv_sid).to_list()
        assert [p.identity for p in participants if p.identity] == ["alice"]
        # 6. messages both ways
        client.conversations.messages.create(
            conv_sid, author="alice", body="Hi! It ships tomorrow."
        )
        control.simulate.customer_message(SUPPORT_LINE, CUSTOMER, "Great, thanks!")
        bodies = [m.body for m in client.conversations.messages.list(conv_sid)]
        assert bodies == [
            "Hi, where is my order #1234?",
            "Hi! It ships tomorrow.",
            "Great, thanks!",
        ]
        # 7. alice wraps up and completes
        control.simulate.wrap_up("alice", task_sid)
        assert (
            str(client.routing.tasks.fetch(task_sid, workspace_sid=ws).assignment_status)
            == "wrapping"
        )
        control.simulate.complete("alice", task_sid)
        assert (
            str(client.routing.tasks.fetch(task_sid, workspace_sid=ws).assignment_status)
            == "completed"
        )
        # 8. the conversation is closed
        assert str(client.conversations.fetch(conv_sid).state) == "closed"
        assert client.conversations.find_reusable(CUSTOMER) is None
