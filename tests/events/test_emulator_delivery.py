"""The emulator's signed, at-least-once deliveries, pointed at a Receiver (in-process and over
HTTP): under duplicate_probability=0.3 (and out of order) every event's handler runs once."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest

from flexconv.emulator import Emulator, WebhookRequest
from flexconv.emulator.scenario import default_scenario
from flexconv.events import Receiver, TaskRouterEvent
from tests.events.servers import asgi_server

HOOK = "https://backend.example.com/twilio/events"


def _seed(emu: Emulator, url: str, *, out_of_order: bool) -> str:
    scenario: dict[str, Any] = default_scenario()
    scenario["workspace"]["event_callback_url"] = url
    seeded = emu.seed(scenario)
    emu.webhooks.configure(duplicate_probability=0.3, out_of_order=out_of_order, seed=5)
    return seeded.workspace_sid


def _traffic(emu: Emulator, workspace: str) -> None:
    """Tasks created, reserved, accepted, completed or canceled: a few dozen events."""
    tr = emu.taskrouter
    for i in range(6):
        task = tr.create_task(workspace, attributes={"n": i}, task_channel="chat")
        pending = [r for r in task.reservations if r.reservation_status == "pending"]
        if i % 2 == 0 and pending:
            tr.accept_reservation(workspace, task.sid, pending[0].sid)
            tr.update_task(workspace, task.sid, assignment_status="wrapping", reason="done")
            tr.update_task(workspace, task.sid, assignment_status="completed", reason="done")
        else:
            tr.update_task(workspace, task.sid, assignment_status="canceled", reason="gave up")
    emu.webhooks.flush()


def _counting_receiver(token: str) -> tuple[Receiver, Counter[str]]:
    receiver = Receiver(token)
    effects: Counter[str] = Counter()
    guard = threading.Lock()

    @receiver.on("*")
    def effect(event: TaskRouterEvent) -> None:
        with guard:
            effects[event.params["Sid"]] += 1

    return receiver, effects


def _check(emu: Emulator, effects: Counter[str]) -> None:
    deliveries = emu.webhooks.deliveries(kind="taskrouter.event")
    assert any(d.duplicate for d in deliveries), "the emulator sent no duplicate"
    assert all(d.outcome == "delivered" for d in deliveries), [
        d.error or d.status for d in deliveries
    ]
    events = {d.form()["Sid"] for d in deliveries}
    assert len(events) >= 20
    assert set(effects) == events
    assert set(effects.values()) == {1}


@pytest.mark.parametrize("out_of_order", [False, True])
def test_in_process_deliveries_run_once(out_of_order: bool) -> None:
    emu = Emulator(seed=7)
    receiver, effects = _counting_receiver(emu.auth_token)

    def deliver(request: WebhookRequest) -> int:
        return receiver.handle(request.method, request.url, request.headers, request.body).status

    emu.webhooks.register(HOOK, deliver)  # before seeding: seeding delivers events too
    workspace = _seed(emu, HOOK, out_of_order=out_of_order)
    _traffic(emu, workspace)
    _check(emu, effects)


def test_http_deliveries_run_once() -> None:
    emu = Emulator(seed=7)
    receiver, effects = _counting_receiver(emu.auth_token)
    with asgi_server(receiver.asgi()) as base:
        workspace = _seed(emu, base + "/twilio/events", out_of_order=False)
        _traffic(emu, workspace)
        _check(emu, effects)
