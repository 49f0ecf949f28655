"""The official ``twilio`` client against the loopback server, on the behaviours fixed to match
Twilio: sending an SMS, TaskRouter statistics, the interaction answer's task, a workflow timeout.
Every exchange is checked against Twilio's OpenAPI specs (``tests/spec_check``)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from flexconv.emulator import Emulator
from flexconv.emulator.server import ServerThread
from tests.emulator.test_official_client import Exchanges, loopback_client

pytest.importorskip("twilio.rest")


@pytest.fixture
def centre() -> Iterator[tuple[Emulator, ServerThread]]:
    emu = Emulator.from_scenario(seed=31)
    with ServerThread(emu) as server:
        yield emu, server


def test_official_client_sends_an_sms(centre: tuple[Emulator, ServerThread]) -> None:
    """`client.messages.create(to=, from_=, body=)`: Twilio answers 201 `queued`; the message is
    then `delivered` and listed."""
    emu, server = centre
    log = Exchanges()
    official = loopback_client(server, emu, log)
    msg = official.messages.create(to="+15551230000", from_="+15005550006", body="Shipped")
    assert msg.sid.startswith("SM")
    assert msg.status == "queued"
    emu.advance(2)
    assert official.messages(msg.sid).fetch().status == "delivered"
    assert [m.sid for m in official.messages.list(to="+15551230000")] == [msg.sid]
    assert log.problems == []


def test_official_client_reads_statistics(centre: tuple[Emulator, ServerThread]) -> None:
    """The statistics every TaskRouter resource's `links` advertise, through the official
    client's statistics resources."""
    emu, server = centre
    log = Exchanges()
    official = loopback_client(server, emu, log)
    ws = official.taskrouter.v1.workspaces(emu.seeded.workspace_sid)
    ws.tasks.create(attributes=json.dumps({"type": "support"}))
    realtime = ws.real_time_statistics().fetch()
    assert realtime.total_tasks == 1
    assert realtime.tasks_by_status["reserved"] == 1
    assert ws.cumulative_statistics().fetch(minutes=60).tasks_created == 1
    queue = ws.task_queues(emu.seeded.task_queues["Everyone"])
    assert queue.statistics().fetch().realtime["total_eligible_workers"] == 2
    assert ws.workers.statistics().fetch().realtime["total_workers"] == 2
    workflow = ws.workflows(emu.seeded.workflows["Assign to Anyone"])
    assert workflow.real_time_statistics().fetch().total_tasks == 1
    assert log.problems == []


def test_official_client_sees_the_workflow_timeout(centre: tuple[Emulator, ServerThread]) -> None:
    """A task past its filter's last step is canceled with "Workflow Timeout", as on Twilio."""
    emu, server = centre
    log = Exchanges()
    official = loopback_client(server, emu, log)
    ws = official.taskrouter.v1.workspaces(emu.seeded.workspace_sid)
    legal = ws.task_queues.create(friendly_name="Legal", target_workers="skills HAS 'legal'")
    config = {
        "task_routing": {
            "filters": [{"expression": "1==1", "targets": [{"queue": legal.sid, "timeout": 30}]}],
            "default_filter": {"queue": emu.seeded.task_queues["Everyone"]},
        }
    }
    workflow = ws.workflows.create(friendly_name="Legal only", configuration=json.dumps(config))
    task = ws.tasks.create(attributes="{}", workflow_sid=workflow.sid)
    emu.advance(30)
    fetched = ws.tasks(task.sid).fetch()
    assert (fetched.assignment_status, fetched.reason) == ("canceled", "Workflow Timeout")
    assert log.problems == []
