"""client.routing against the emulator: the known-agent workflow, workers, tasks, reservations."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from flexconv import AsyncFlexConv
from flexconv._core.errors import ConflictError, ValidationError
from flexconv.models.routing import (
    InteractionTaskError,
    WorkerLookupError,
    WorkflowConfiguration,
    last_agent_then_queue,
)
from tests.interactions_helpers import Centre, contact_centre


@pytest.fixture
def centre() -> Centre:
    return contact_centre()


@pytest.fixture
async def client(centre: Centre) -> AsyncIterator[AsyncFlexConv]:
    async with AsyncFlexConv.emulated(centre.checked) as c:
        yield c
    centre.checked.recorder.assert_clean()


async def test_known_agent_then_queue_fallback(client: AsyncFlexConv, centre: Centre) -> None:
    ws = centre.workspace_sid
    config = last_agent_then_queue(centre.queue_sid, timeout=60)
    flow = await client.routing.workflows.create("Last agent", config, workspace_sid=ws)
    assert flow.sid is not None
    assert flow.routing == config
    fetched = await client.routing.workflows.fetch(flow.sid, workspace_sid=ws)
    assert WorkflowConfiguration.from_json(fetched.configuration or "") == config

    task = await client.routing.tasks.create(
        attributes={"last_agent_sid": centre.bob},
        workflow_sid=flow.sid,
        task_channel="chat",
        workspace_sid=ws,
    )
    assert task.sid is not None
    centre.emu.advance(0)
    offered = await client.routing.reservations.list(task.sid, workspace_sid=ws).to_list()
    assert [r.worker_sid for r in offered] == [centre.bob]

    # bob rejects and goes offline: the known-agent target keeps waiting for bob only
    await client.routing.reservations.reject(task.sid, offered[0].sid or "", workspace_sid=ws)
    centre.emu.simulate.set_activity("bob", "Offline")
    centre.emu.advance(30)
    pending = await client.routing.reservations.list(
        task.sid,
        reservation_status="pending",
        workspace_sid=ws,
    ).to_list()
    assert pending == []

    # after the target's timeout the task falls back to the whole queue
    centre.emu.advance(31)
    later = await client.routing.reservations.list(
        task.sid,
        reservation_status="pending",
        workspace_sid=ws,
    ).to_list()
    assert [r.worker_sid for r in later] == [centre.alice]


async def test_task_without_known_agent_goes_to_queue(
    client: AsyncFlexConv, centre: Centre
) -> None:
    ws = centre.workspace_sid
    flow = await client.routing.workflows.create(
        "Last agent",
        last_agent_then_queue(centre.queue_sid, timeout=30),
        workspace_sid=ws,
    )
    task = await client.routing.tasks.create(
        attributes={"x": 1},
        workflow_sid=flow.sid,
        task_channel="chat",
        workspace_sid=ws,
    )
    centre.emu.advance(0)
    offered = await client.routing.reservations.list(task.sid or "", workspace_sid=ws).to_list()
    assert len(offered) == 1


async def test_update_workflow_replaces_configuration(
    client: AsyncFlexConv, centre: Centre
) -> None:
    ws = centre.workspace_sid
    updated = await client.routing.workflows.update(
        centre.workflow_sid,
        configuration=last_agent_then_queue(centre.queue_sid, timeout=5),
        workspace_sid=ws,
    )
    assert updated.routing.filters[0].targets[0].timeout == 5
    names = [w.friendly_name async for w in client.routing.workflows.list(workspace_sid=ws)]
    assert "Assign to Anyone" in names
    with pytest.raises(ValidationError, match="WorkflowConfiguration"):
        await client.routing.workflows.create("raw", {"task_routing": {}}, workspace_sid=ws)  # type: ignore[arg-type]


async def test_workers_list_fetch_resolve(client: AsyncFlexConv, centre: Centre) -> None:
    ws = centre.workspace_sid
    everyone = await client.routing.workers.list(workspace_sid=ws).to_list()
    assert {w.friendly_name for w in everyone} == {"alice", "bob"}
    billing = await client.routing.workers.list(
        target_workers_expression='routing.skills HAS "billing"',
        workspace_sid=ws,
    ).to_list()
    assert [w.sid for w in billing] == [centre.alice]
    available = client.routing.workers.list(
        available=True, activity_name="Available", workspace_sid=ws
    )
    assert len(await available.to_list()) == 2
    assert "TargetWorkersExpression=" in centre.checked.requests[-2][1]

    alice = await client.routing.workers.fetch(centre.alice, workspace_sid=ws)
    assert alice.attributes is not None
    assert alice.attributes["email"] == "alice@example.com"
    assert (await client.routing.workers.resolve("bob", workspace_sid=ws)).sid == centre.bob
    assert (await client.routing.workers.resolve(centre.bob, workspace_sid=ws)).sid == centre.bob
    by_mail = await client.routing.workers.resolve(
        attribute="email", value="bob@example.com", workspace_sid=ws
    )
    assert by_mail.sid == centre.bob
    with pytest.raises(WorkerLookupError, match="No worker"):
        await client.routing.workers.resolve("carol", workspace_sid=ws)
    centre.emu.taskrouter.create_worker(ws, "bob2", attributes={"email": "bob@example.com"})
    with pytest.raises(WorkerLookupError, match="2 workers") as info:
        await client.routing.workers.resolve(
            attribute="email", value="bob@example.com", workspace_sid=ws
        )
    assert centre.bob in info.value.candidates
    with pytest.raises(ValidationError):
        await client.routing.workers.resolve("bob", attribute="email", value="x", workspace_sid=ws)


async def test_conversation_task_if_match_and_retry(client: AsyncFlexConv, centre: Centre) -> None:
    ws = centre.workspace_sid
    conv = "CH" + "7" * 32
    task = await client.routing.tasks.create_for_conversation(
        conv,
        workflow_sid=centre.workflow_sid,
        customer_address="+15551230000",
        channel_type="sms",
        known_worker_sid=centre.alice,
        workspace_sid=ws,
    )
    assert task.sid is not None
    fetched = await client.routing.tasks.fetch(task.sid, workspace_sid=ws)
    assert fetched.attributes is not None
    assert fetched.attributes["conversationSid"] == conv
    assert fetched.attributes["last_agent_sid"] == centre.alice
    etag = fetched.etag
    assert etag is not None

    await client.routing.tasks.update(task.sid, priority=3, if_match=etag, workspace_sid=ws)
    with pytest.raises(ConflictError):
        await client.routing.tasks.update(task.sid, priority=4, if_match=etag, workspace_sid=ws)

    seen: list[int] = []

    def bump(attrs: dict[str, object]) -> dict[str, object]:
        seen.append(1)
        if len(seen) == 1:  # someone else writes in between: the first attempt conflicts
            centre.emu.taskrouter.update_task(ws, task.sid or "", attributes={**attrs, "x": 0})
        return {**attrs, "note": "hello"}

    changed = await client.routing.tasks.update_attributes(task.sid, bump, workspace_sid=ws)
    assert len(seen) == 2
    assert (await client.routing.tasks.fetch(task.sid, workspace_sid=ws)).attributes[
        "note"
    ] == "hello"  # type: ignore[index]
    assert changed.sid == task.sid


async def test_list_tasks_filters(client: AsyncFlexConv, centre: Centre) -> None:
    ws = centre.workspace_sid
    for lang in ("es", "en", "es"):
        await client.routing.tasks.create(
            attributes={"language": lang},
            workflow_sid=centre.workflow_sid,
            workspace_sid=ws,
        )
    centre.emu.advance(0)
    spanish = client.routing.tasks.list(
        evaluate_task_attributes="language == 'es'", workspace_sid=ws
    )
    assert len(await spanish.to_list()) == 2
    open_ = await client.routing.tasks.list(
        assignment_status=["pending", "reserved"], workspace_sid=ws
    ).to_list()
    assert len(open_) == 3
    url = centre.checked.requests[-1][1]
    assert url.count("AssignmentStatus=") == 2
    with pytest.raises(ValidationError):
        client.routing.tasks.list(assignment_status="open", workspace_sid=ws)


async def test_cancel_refuses_interaction_tasks(client: AsyncFlexConv, centre: Centre) -> None:
    ws = centre.workspace_sid
    plain = await client.routing.tasks.create(
        attributes={"a": 1},
        workflow_sid=centre.workflow_sid,
        workspace_sid=ws,
    )
    canceled = await client.routing.tasks.cancel(plain.sid or "", reason="test", workspace_sid=ws)
    assert canceled.assignment_status == "canceled"

    owned = await client.routing.tasks.create(
        attributes={
            "flexInteractionSid": "KD" + "1" * 32,
            "flexInteractionChannelSid": "UO" + "2" * 32,
        },
        workflow_sid=centre.workflow_sid,
        workspace_sid=ws,
    )
    with pytest.raises(InteractionTaskError, match="close the interaction channel"):
        await client.routing.tasks.cancel(owned.sid or "", reason="no", workspace_sid=ws)
    with pytest.raises(InteractionTaskError):
        await client.routing.tasks.delete(owned.sid or "", workspace_sid=ws)
    assert (
        await client.routing.tasks.fetch(owned.sid or "", workspace_sid=ws)
    ).assignment_status != "canceled"
    with pytest.raises(ValidationError, match=r"cancel\(\)"):
        await client.routing.tasks.update(
            owned.sid or "", assignment_status="canceled", workspace_sid=ws
        )  # type: ignore[arg-type]

    await client.routing.tasks.delete(canceled.sid or "", workspace_sid=ws)


async def test_accept_reservation(client: AsyncFlexConv, centre: Centre) -> None:
    ws = centre.workspace_sid
    task = await client.routing.tasks.create(
        attributes={"a": 1},
        workflow_sid=centre.workflow_sid,
        task_channel="chat",
        workspace_sid=ws,
    )
    centre.emu.advance(0)
    res = (await client.routing.reservations.list(task.sid or "", workspace_sid=ws).to_list())[0]
    worker_view = await client.routing.reservations.list(
        reservation_status="pending",
        worker_sid=res.worker_sid or "",
        workspace_sid=ws,
    ).to_list()
    assert [r.sid for r in worker_view] == [res.sid]
    accepted = await client.routing.reservations.accept(
        task.sid or "", res.sid or "", workspace_sid=ws
    )
    assert accepted.reservation_status == "accepted"
    again = await client.routing.reservations.fetch(task.sid or "", res.sid or "", workspace_sid=ws)
    assert again.reservation_status == "accepted"
    assert (
        await client.routing.tasks.fetch(task.sid or "", workspace_sid=ws)
    ).assignment_status == "assigned"
