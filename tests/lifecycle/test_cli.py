"""``flexconv events serve`` / ``events wire`` and ``flexconv demo --auto-accept``."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from flexconv import FlexConv
from flexconv.cli import main
from flexconv.emulator import Emulator
from flexconv.emulator.control import EmulatorControl
from flexconv.emulator.server import ServerThread
from flexconv.models.routing import RoutingFilter, RoutingTarget, WorkflowConfiguration


def test_demo_auto_accept(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--auto-accept"]) == 0
    out = capsys.readouterr().out
    assert "[FAIL]" not in out
    assert "agents in the conversation (role): {'alice': 'agent'}" in out
    assert "all steps observed as expected" in out


def test_wire_dry_run_then_apply_then_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    emu = Emulator.from_scenario()
    with ServerThread(emu) as server:
        env = {
            "TWILIO_ACCOUNT_SID": emu.account_sid,
            "TWILIO_AUTH_TOKEN": emu.auth_token,
        }
        old = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            args = ["events", "wire", "https://hooks.example.com/t", "--base-url", server.url]
            assert main([*args, "--dry-run", "--json"]) == 0
            planned = json.loads(capsys.readouterr().out)
            assert planned["applied"] is False
            assert {c["field"] for c in planned["changes"]} == {
                "event_callback_url",
                "events_filter",
                "post_webhook_url",
                "filters",
            }
            assert (
                emu.taskrouter.get_workspace(emu.seeded.workspace_sid).event_callback_url is None
            )  # nothing written
            assert main(args) == 0
            assert "applied 4 change(s)" in capsys.readouterr().out
            assert main(args) == 0
            assert capsys.readouterr().out.strip() == "no changes"
        finally:
            for k, v in old.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v


def test_bad_store_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "x" * 32)
    status = main(["events", "serve", "--port", "8000", "--store", "mongo://x"])
    assert status == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "--store takes memory, sqlite:///path" in err


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def served_receiver(emu: Emulator, *flags: str) -> Iterator[ServerThread]:
    """`flexconv events serve FLAGS` in a subprocess against the emulator served on loopback;
    yields the server once the receiver listens, with the workspace's event callback at it."""
    port = _free_port()
    with ServerThread(emu) as server:
        env = {
            **os.environ,
            "TWILIO_ACCOUNT_SID": emu.account_sid,
            "TWILIO_AUTH_TOKEN": emu.auth_token,
        }
        cmd = [sys.executable, "-m", "flexconv", "events", "serve", "--port", str(port)]
        cmd += ["--base-url", server.url, *flags]
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            assert proc.stdout is not None
            assert "receiving on" in proc.stdout.readline().decode()
            deadline = time.monotonic() + 60
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    assert proc.poll() is None
                    assert time.monotonic() < deadline
                    time.sleep(0.1)
            hook = f"http://127.0.0.1:{port}/twilio"
            emu.taskrouter.get_workspace(emu.seeded.workspace_sid).event_callback_url = hook
            yield server
        finally:
            proc.terminate()
            proc.wait(timeout=30)
            if proc.stdout:
                proc.stdout.close()
            if proc.stderr:
                proc.stderr.close()


def test_serve_auto_accepts_over_http(tmp_path: object) -> None:
    """A served emulator posts its signed events to `flexconv events serve --auto-accept`,
    which accepts the reservation through the served emulator's API."""
    emu = Emulator.from_scenario()
    emu.simulate.set_activity("bob", "Offline")
    with served_receiver(emu, "--auto-accept", "--store", f"sqlite:///{tmp_path}/e.db"):
        ws = emu.seeded.workspace_sid
        task = emu.taskrouter.create_task(
            ws, attributes={"autoAnswer": "true"}, task_channel="chat"
        )
        emu.webhooks.flush()
        assert task.assignment_status == "assigned", [
            (d.event_type, d.status, d.error) for d in emu.webhooks.log
        ]
        other = emu.taskrouter.create_task(ws, attributes={"n": 1}, task_channel="chat")
        emu.webhooks.flush()
        assert other.assignment_status == "pending"  # alice is busy; nothing to accept


def _customer_conversation(client: FlexConv, customer: str) -> str:
    conv = client.conversations.create(friendly_name=customer)
    assert conv.sid is not None
    client.conversations.participants.create(
        conv.sid, address=customer, proxy_address="+15005550006"
    )
    return conv.sid


def test_serve_overrides_and_janitor_over_http() -> None:
    """`events serve --auto-accept --overrides close --wrapup remove_agent --wrapup-message ...
    --janitor --janitor-message ...` against a served emulator delivering on its own: a custom
    task is accepted, its agent joins, leaves at wrap-up after the message, the conversation
    closes on completion; another task times out in its workflow and the janitor closes its
    conversation.  The test talks to the served emulator over HTTP too; `flush` only waits for
    the deliveries under way (the receiver's accept is answered before `reservation.accepted`
    goes out, so that event is not refused while the same task's `reservation.created` runs)."""
    emu = Emulator.from_scenario()
    emu.simulate.set_activity("bob", "Offline")
    flags = ["--auto-accept", "--overrides", "close", "--wrapup", "remove_agent"]
    flags += ["--wrapup-message", "Wrapping up, thanks!", "--janitor", "--janitor-message"]
    flags += ["Nobody is free, sorry."]
    with (
        served_receiver(emu, *flags) as server,
        FlexConv(emu.account_sid, emu.auth_token, base_url=server.url) as client,
    ):
        served = _customer_conversation(client, "+15551230001")
        task = client.routing.tasks.create_for_conversation(
            served, customer_address="+15551230001", attributes={"autoAnswer": "true"}
        )
        assert task.sid is not None
        emu.webhooks.flush()
        assert str(client.routing.tasks.fetch(task.sid).assignment_status) == "assigned"
        agents = [p.identity for p in client.conversations.participants.list(served) if p.identity]
        assert agents == ["alice"]  # added by the overrides on reservation.accepted

        client.routing.tasks.update(task.sid, assignment_status="wrapping", reason="done")
        emu.webhooks.flush()
        bodies = [m.body for m in client.conversations.messages.list(served)]
        assert bodies == ["Wrapping up, thanks!"]
        assert [p.identity for p in client.conversations.participants.list(served)] == [None]
        assert str(client.conversations.fetch(served).state) == "active"

        client.routing.tasks.update(task.sid, assignment_status="completed", reason="done")
        emu.webhooks.flush()
        assert str(client.conversations.fetch(served).state) == "closed"

        offline = emu.seeded.activities["Offline"]
        client.routing.workers.update(emu.seeded.workers["alice"], activity_sid=offline)
        queue = emu.seeded.task_queues["Everyone"]
        client.routing.workflows.update(
            emu.seeded.workflows["Assign to Anyone"],
            configuration=WorkflowConfiguration(
                filters=(
                    RoutingFilter(
                        expression="1==1", targets=(RoutingTarget(queue=queue, timeout=30),)
                    ),
                )
            ),
        )
        orphan = _customer_conversation(client, "+15551230002")
        client.routing.tasks.create_for_conversation(orphan, customer_address="+15551230002")
        EmulatorControl(server.url, emu.account_sid, emu.auth_token).clock.advance(31)
        emu.webhooks.flush()
        assert str(client.conversations.fetch(orphan).state) == "closed"
        bodies = [m.body for m in client.conversations.messages.list(orphan)]
        assert bodies == ["Nobody is free, sorry."]
        failed = [(d.event_type, d.status) for d in emu.webhooks.log if d.outcome != "delivered"]
        assert failed == []


def test_serve_wrapup_flags_need_overrides(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "x" * 32)
    assert main(["events", "serve", "--port", "8000", "--wrapup", "remove_agent"]) == 2
    assert "--wrapup applies to the task overrides: add --overrides" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("flags", "named"),
    [
        (["--wrapup-message", "  "], "--wrapup-message: wrapup_message must be a non-empty"),
        (["--complete-message", ""], "--complete-message: complete_message must be a non-empty"),
    ],
)
def test_serve_refuses_what_the_channel_rules_refuse_naming_the_flag(
    flags: list[str],
    named: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "x" * 32)
    args = ["events", "serve", "--port", "8000", "--overrides", "close", *flags]
    assert main(args) == 2
    assert named in capsys.readouterr().err


def test_serve_refuses_the_in_process_emulator(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["events", "serve", "--port", "8000", "--emulator"]) == 2
    assert "--base-url" in capsys.readouterr().err


def test_serve_without_token_or_with_bad_port(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    assert main(["events", "serve", "--port", "8000"]) == 2
    assert "TWILIO_AUTH_TOKEN is not set" in capsys.readouterr().err
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "x" * 32)
    assert main(["events", "serve", "--port", "http"]) == 2
    assert "--port takes a number from 1 to 65535, got 'http'" in capsys.readouterr().err
