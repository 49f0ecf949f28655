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
    flow = await client.routing.create_workflow(ws, "Last agent", config)
    assert flow.sid is not None
    assert flow.routing == config
    fetched = await client.routing.fetch_workflow(ws, flow.sid)
    assert WorkflowConfiguration.from_json(fetched.configuration or "") == config

    task = await client.routing.create_task(
        ws, attributes={"last_agent_sid": centre.bob}, workflow_sid=flow.sid, task_channel="chat"
    )
    assert task.sid is not None
    centre.emu.advance(0)
    offered = await client.routing.list_reservations(ws, task.sid).to_list()
    assert [r.worker_sid for r in offered] == [centre.bob]

    # bob rejects and goes offline: the known-agent target keeps waiting for bob only
    await client.routing.reject_reservation(ws, task.sid, offered[0].sid or "")
    centre.emu.simulate.set_activity("bob", "Offline")
    centre.emu.advance(30)
    pending = await client.routing.list_reservations(
        ws, task.sid, reservation_status="pending"
    ).to_list()
    assert pending == []

    # after the target's timeout the task falls back to the whole queue
    centre.emu.advance(31)
    later = await client.routing.list_reservations(
        ws, task.sid, reservation_status="pending"
    ).to_list()
    assert [r.worker_sid for r in later] == [centre.alice]


async def test_task_without_known_agent_goes_to_queue(
    client: AsyncFlexConv, centre: Centre
) -> None:
    ws = centre.workspace_sid
    flow = await client.routing.create_workflow(
        ws, "Last agent", last_agent_then_queue(centre.queue_sid, timeout=30)
    )
    task = await client.routing.create_task(
        ws, attributes={"x": 1}, workflow_sid=flow.sid, task_channel="chat"
    )
    centre.emu.advance(0)
    offered = await client.routing.list_reservations(ws, task.sid or "").to_list()
    assert len(offered) == 1


async def test_update_workflow_replaces_configuration(
    client: AsyncFlexConv, centre: Centre
) -> None:
    ws = centre.workspace_sid
    updated = await client.routing.update_workflow(
        ws, centre.workflow_sid, configuration=last_agent_then_queue(centre.queue_sid, timeout=5)
    )
    assert updated.routing.filters[0].targets[0].timeout == 5
    names = [w.friendly_name async for w in client.routing.list_workflows(ws)]
    assert "Assign to Anyone" in names
    with pytest.raises(ValidationError, match="WorkflowConfiguration"):
        await client.routing.create_workflow(ws, "raw", {"task_routing": {}})  # type: ignore[arg-type]


async def test_workers_list_fetch_resolve(client: AsyncFlexConv, centre: Centre) -> None:
    ws = centre.workspace_sid
    everyone = await client.routing.list_workers(ws).to_list()
    assert {w.friendly_name for w in everyone} == {"alice", "bob"}
    billing = await client.routing.list_workers(
        ws, target_workers_expression='routing.skills HAS "billing"'
    ).to_list()
    assert [w.sid for w in billing] == [centre.alice]
    available = client.routing.list_workers(ws, available=True, activity_name="Available")
    assert len(await available.to_list()) == 2
    assert "TargetWorkersExpression=" in centre.checked.requests[-2][1]

    alice = await client.routing.fetch_worker(ws, centre.alice)
    assert alice.attributes is not None
    assert alice.attributes["email"] == "alice@example.com"
    assert (await client.routing.resolve_worker(ws, "bob")).sid == centre.bob
    assert (await client.routing.resolve_worker(ws, centre.bob)).sid == centre.bob
    by_mail = await client.routing.resolve_worker(ws, attribute="email", value="bob@example.com")
    assert by_mail.sid == centre.bob
    with pytest.raises(WorkerLookupError, match="No worker"):
        await client.routing.resolve_worker(ws, "carol")
    centre.emu.taskrouter.create_worker(ws, "bob2", attributes={"email": "bob@example.com"})
    with pytest.raises(WorkerLookupError, match="2 workers") as info:
        await client.routing.resolve_worker(ws, attribute="email", value="bob@example.com")
    assert centre.bob in info.value.candidates
    with pytest.raises(ValidationError):
        await client.routing.resolve_worker(ws, "bob", attribute="email", value="x")


async def test_conversation_task_if_match_and_retry(client: AsyncFlexConv, centre: Centre) -> None:
    ws = centre.workspace_sid
    conv = "CH" + "7" * 32
    task = await client.routing.create_conversation_task(
        ws,
        conv,
        workflow_sid=centre.workflow_sid,
        customer_address="+15551230000",
        channel_type="sms",
        known_worker_sid=centre.alice,
    )
    assert task.sid is not None
    fetched = await client.routing.fetch_task(ws, task.sid)
    assert fetched.attributes is not None
    assert fetched.attributes["conversationSid"] == conv
    assert fetched.attributes["last_agent_sid"] == centre.alice
    etag = fetched.etag
    assert etag is not None

    await client.routing.update_task(ws, task.sid, priority=3, if_match=etag)
    with pytest.raises(ConflictError):
        await client.routing.update_task(ws, task.sid, priority=4, if_match=etag)

    seen: list[int] = []

    def bump(attrs: dict[str, object]) -> dict[str, object]:
        seen.append(1)
        if len(seen) == 1:  # someone else writes in between: the first attempt conflicts
            centre.emu.taskrouter.update_task(ws, task.sid or "", attributes={**attrs, "x": 0})
        return {**attrs, "note": "hello"}

    changed = await client.routing.update_task_attributes(ws, task.sid, bump)
    assert len(seen) == 2
    assert (await client.routing.fetch_task(ws, task.sid)).attributes["note"] == "hello"  # type: ignore[index]
    assert changed.sid == task.sid


async def test_list_tasks_filters(client: AsyncFlexConv, centre: Centre) -> None:
    ws = centre.workspace_sid
    for lang in ("es", "en", "es"):
        await client.routing.create_task(
            ws, attributes={"language": lang}, workflow_sid=centre.workflow_sid
        )
    centre.emu.advance(0)
    spanish = client.routing.list_tasks(ws, evaluate_task_attributes="language == 'es'")
    assert len(await spanish.to_list()) == 2
    open_ = await client.routing.list_tasks(ws, assignment_status=["pending", "reserved"]).to_list()
    assert len(open_) == 3
    url = centre.checked.requests[-1][1]
    assert url.count("AssignmentStatus=") == 2
    with pytest.raises(ValidationError):
        client.routing.list_tasks(ws, assignment_status="open")


async def test_cancel_refuses_interaction_tasks(client: AsyncFlexConv, centre: Centre) -> None:
    ws = centre.workspace_sid
    plain = await client.routing.create_task(
        ws, attributes={"a": 1}, workflow_sid=centre.workflow_sid
    )
    canceled = await client.routing.cancel_task(ws, plain.sid or "", reason="test")
    assert canceled.assignment_status == "canceled"

    owned = await client.routing.create_task(
        ws,
        attributes={
            "flexInteractionSid": "KD" + "1" * 32,
            "flexInteractionChannelSid": "UO" + "2" * 32,
        },
        workflow_sid=centre.workflow_sid,
    )
    with pytest.raises(InteractionTaskError, match="close the interaction channel"):
        await client.routing.cancel_task(ws, owned.sid or "", reason="no")
    with pytest.raises(InteractionTaskError):
        await client.routing.delete_task(ws, owned.sid or "")
    assert (await client.routing.fetch_task(ws, owned.sid or "")).assignment_status != "canceled"
    with pytest.raises(ValidationError, match="cancel_task"):
        await client.routing.update_task(ws, owned.sid or "", assignment_status="canceled")  # type: ignore[arg-type]

    await client.routing.delete_task(ws, canceled.sid or "")


async def test_accept_reservation(client: AsyncFlexConv, centre: Centre) -> None:
    ws = centre.workspace_sid
    task = await client.routing.create_task(
        ws, attributes={"a": 1}, workflow_sid=centre.workflow_sid, task_channel="chat"
    )
    centre.emu.advance(0)
    res = (await client.routing.list_reservations(ws, task.sid or "").to_list())[0]
    worker_view = await client.routing.list_worker_reservations(
        ws, res.worker_sid or "", reservation_status="pending"
    ).to_list()
    assert [r.sid for r in worker_view] == [res.sid]
    accepted = await client.routing.accept_reservation(ws, task.sid or "", res.sid or "")
    assert accepted.reservation_status == "accepted"
    again = await client.routing.fetch_reservation(ws, task.sid or "", res.sid or "")
    assert again.reservation_status == "accepted"
    assert (await client.routing.fetch_task(ws, task.sid or "")).assignment_status == "assigned"
