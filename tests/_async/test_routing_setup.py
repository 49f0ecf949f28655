"""client.routing's setup resources against the spec-checked emulator: workspaces (the event
callback), activities, task queues, worker channels, worker updates, workflow delete, the wider
task create and cancel, and reservation updates (complete, instructions)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs

import pytest

from flexconv import AsyncFlexConv
from flexconv._core.errors import APIStatusError, ValidationError
from flexconv.models.taskrouter import TaskOrder
from tests.interactions_helpers import Centre, contact_centre


@pytest.fixture
def centre() -> Centre:
    return contact_centre()


@pytest.fixture
async def client(centre: Centre) -> AsyncIterator[AsyncFlexConv]:
    async with AsyncFlexConv.emulated(centre.checked) as c:
        yield c
    centre.checked.recorder.assert_clean()


def _form(centre: Centre) -> dict[str, list[str]]:
    return parse_qs(centre.checked.requests[-1].body.decode())


async def test_workspace_fetch_list_and_event_callback(
    client: AsyncFlexConv, centre: Centre
) -> None:
    ws = await client.routing.workspaces.fetch()
    assert ws.sid == centre.workspace_sid
    assert ws.event_callback_url is None
    listed = await client.routing.workspaces.list().to_list()
    assert [w.sid for w in listed] == [centre.workspace_sid]
    named = client.routing.workspaces.list(friendly_name="nope")
    assert await named.to_list() == []

    updated = await client.routing.workspaces.update(
        event_callback_url="https://backend.example.com/taskrouter",
        events_filter=["task.created", "reservation.accepted"],
    )
    assert updated.event_callback_url == "https://backend.example.com/taskrouter"
    assert updated.events_filter == "task.created,reservation.accepted"
    assert _form(centre)["EventsFilter"] == ["task.created,reservation.accepted"]
    again = await client.routing.workspaces.fetch(workspace_sid=centre.workspace_sid)
    assert again.event_callback_url == "https://backend.example.com/taskrouter"
    assert (
        await client.routing.workspaces.update(prioritize_queue_order="LIFO")
    ).prioritize_queue_order == TaskOrder.LIFO

    sent = len(centre.checked.requests)
    with pytest.raises(ValidationError, match="http"):
        await client.routing.workspaces.update(event_callback_url="ftp://x")
    with pytest.raises(ValidationError, match="FIFO or LIFO"):
        await client.routing.workspaces.update(prioritize_queue_order="random")
    with pytest.raises(ValidationError, match="at least one"):
        await client.routing.workspaces.update()
    assert len(centre.checked.requests) == sent


async def test_activities_lifecycle(client: AsyncFlexConv, centre: Centre) -> None:
    names = {a.friendly_name async for a in client.routing.activities.list()}
    assert {"Available", "Offline"} <= names
    available = await client.routing.activities.list(available=True).to_list()
    assert [a.friendly_name for a in available] == ["Available"]

    lunch = await client.routing.activities.create("Lunch", available=False)
    assert lunch.sid is not None
    assert lunch.available is False
    assert (await client.routing.activities.fetch(lunch.sid)).friendly_name == "Lunch"
    renamed = await client.routing.activities.update(lunch.sid, friendly_name="Lunch break")
    assert renamed.friendly_name == "Lunch break"
    by_name = await client.routing.activities.list(friendly_name="Lunch break").to_list()
    assert [a.sid for a in by_name] == [lunch.sid]
    await client.routing.activities.delete(lunch.sid)
    with pytest.raises(APIStatusError) as info:
        await client.routing.activities.fetch(lunch.sid)
    assert info.value.status == 404
    with pytest.raises(ValidationError, match="friendly_name"):
        await client.routing.activities.create("")


async def test_task_queues_lifecycle(client: AsyncFlexConv, centre: Centre) -> None:
    queues = await client.routing.task_queues.list().to_list()
    assert [q.friendly_name for q in queues] == ["Everyone"]
    available = (await client.routing.activities.list(friendly_name="Available").to_list())[0]
    billing = await client.routing.task_queues.create(
        "Billing",
        target_workers='routing.skills HAS "billing"',
        max_reserved_workers=2,
        task_order="LIFO",
        assignment_activity_sid=available.sid,
    )
    assert billing.sid is not None
    assert billing.target_workers == 'routing.skills HAS "billing"'
    assert billing.max_reserved_workers == 2
    assert billing.task_order == TaskOrder.LIFO
    fetched = await client.routing.task_queues.fetch(billing.sid)
    assert fetched.assignment_activity_name == "Available"
    alices = await client.routing.task_queues.list(worker_sid=centre.alice).to_list()
    assert {q.friendly_name for q in alices} == {"Everyone", "Billing"}
    bobs = await client.routing.task_queues.list(worker_sid=centre.bob).to_list()
    assert {q.friendly_name for q in bobs} == {"Everyone"}

    changed = await client.routing.task_queues.update(billing.sid, target_workers="1==1")
    assert changed.target_workers == "1==1"
    await client.routing.task_queues.delete(billing.sid)
    names = [q.friendly_name async for q in client.routing.task_queues.list()]
    assert names == ["Everyone"]

    sent = len(centre.checked.requests)
    with pytest.raises(ValidationError, match="between 1 and 50"):
        await client.routing.task_queues.create("X", max_reserved_workers=51)
    with pytest.raises(ValidationError, match="FIFO or LIFO"):
        await client.routing.task_queues.create("X", task_order="fifo")
    with pytest.raises(ValidationError, match="at least one"):
        await client.routing.task_queues.update(centre.queue_sid)
    with pytest.raises(ValidationError, match="WA SID"):
        await client.routing.task_queues.create("X", reservation_activity_sid="Available")
    assert len(centre.checked.requests) == sent


async def test_worker_channels_capacity_and_availability(
    client: AsyncFlexConv, centre: Centre
) -> None:
    channels = await client.routing.workers.channels.list(centre.alice).to_list()
    chat = next(c for c in channels if c.task_channel_unique_name == "chat")
    assert chat.configured_capacity == 1
    assert chat.sid is not None
    by_name = await client.routing.workers.channels.fetch(centre.alice, "chat")
    assert by_name.sid == chat.sid
    three = await client.routing.workers.channels.update(centre.alice, "chat", capacity=3)
    assert three.configured_capacity == 3
    off = await client.routing.workers.channels.update(centre.alice, chat.sid, available=False)
    assert off.available is False
    assert (await client.routing.workers.channels.fetch(centre.alice, chat.sid)).available is False

    # with capacity 3 alice takes three chat tasks at once
    await client.routing.workers.channels.update(centre.alice, "chat", available=True)
    await client.routing.workers.update(
        centre.bob, activity_sid=centre.emu.seeded.activities["Offline"]
    )
    for _ in range(3):
        await client.routing.tasks.create(
            attributes={}, workflow_sid=centre.workflow_sid, task_channel="chat"
        )
    centre.emu.advance(0)
    pending = await client.routing.reservations.list(
        worker_sid=centre.alice, reservation_status="pending"
    ).to_list()
    assert len(pending) == 3

    sent = len(centre.checked.requests)
    with pytest.raises(ValidationError, match="0 or more"):
        await client.routing.workers.channels.update(centre.alice, "chat", capacity=-1)
    with pytest.raises(ValidationError, match="capacity= or available="):
        await client.routing.workers.channels.update(centre.alice, "chat")
    with pytest.raises(ValidationError, match="WK SID"):
        client.routing.workers.channels.list("alice")
    assert len(centre.checked.requests) == sent


async def test_worker_update_activity_attributes_and_pending_reservations(
    client: AsyncFlexConv, centre: Centre
) -> None:
    offline = centre.emu.seeded.activities["Offline"]
    await client.routing.workers.update(centre.alice, activity_sid=offline)
    task = await client.routing.tasks.create(
        attributes={}, workflow_sid=centre.workflow_sid, task_channel="chat"
    )
    centre.emu.advance(0)
    with pytest.raises(APIStatusError, match="pending reservations"):
        await client.routing.workers.update(centre.bob, activity_sid=offline)
    bob = await client.routing.workers.update(
        centre.bob,
        activity_sid=offline,
        reject_pending_reservations=True,
        attributes={"contact_uri": "client:bob", "routing": {"skills": []}},
    )
    assert bob.activity_name == "Offline"
    assert _form(centre)["RejectPendingReservations"] == ["true"]
    fetched = await client.routing.workers.fetch(centre.bob)
    assert fetched.attributes == {"contact_uri": "client:bob", "routing": {"skills": []}}
    statuses = [
        r.reservation_status async for r in client.routing.reservations.list(task.sid or "")
    ]
    assert statuses == ["rejected"]
    renamed = await client.routing.workers.update(centre.bob, friendly_name="robert")
    assert renamed.friendly_name == "robert"
    with pytest.raises(ValidationError, match="only applies with activity_sid"):
        await client.routing.workers.update(centre.bob, reject_pending_reservations=True)
    with pytest.raises(ValidationError, match="at least one"):
        await client.routing.workers.update(centre.bob)


async def test_workflow_delete(client: AsyncFlexConv, centre: Centre) -> None:
    from flexconv.models.routing import last_agent_then_queue

    flow = await client.routing.workflows.create(
        "Temporary", last_agent_then_queue(centre.queue_sid)
    )
    assert flow.sid is not None
    await client.routing.workflows.delete(flow.sid)
    names = [f.friendly_name async for f in client.routing.workflows.list()]
    assert names == ["Assign to Anyone"]
    assert centre.checked.requests[-2].method == "DELETE"


async def test_task_create_routing_target_queue_and_virtual_start(
    client: AsyncFlexConv, centre: Centre
) -> None:
    start = centre.emu.now() - timedelta(minutes=30)
    task = await client.routing.tasks.create(
        attributes={"moved": True},
        task_queue_sid=centre.queue_sid,
        virtual_start_time=start,
        task_channel="chat",
    )
    assert task.task_queue_sid == centre.queue_sid
    assert task.virtual_start_time == start.replace(microsecond=0)
    assert _form(centre)["VirtualStartTime"] == [start.strftime("%Y-%m-%dT%H:%M:%SZ")]
    direct = await client.routing.tasks.create(
        attributes={}, routing_target=centre.alice, ignore_capacity=True, task_channel="chat"
    )
    assert direct.routing_target == centre.alice
    assert direct.ignore_capacity is True
    form = _form(centre)
    assert form["RoutingTarget"] == [centre.alice]
    assert form["IgnoreCapacity"] == ["true"]

    sent = len(centre.checked.requests)
    with pytest.raises(ValidationError, match="routing_target is a worker"):
        await client.routing.tasks.create(
            attributes={}, routing_target=centre.queue_sid, ignore_capacity=True
        )
    with pytest.raises(ValidationError, match="WK"):
        await client.routing.tasks.create(attributes={}, routing_target="alice")
    with pytest.raises(ValidationError, match="timezone"):
        await client.routing.tasks.create(attributes={}, virtual_start_time=datetime(2024, 1, 1))
    with pytest.raises(ValidationError, match="1900"):
        await client.routing.tasks.create(
            attributes={}, virtual_start_time=datetime(1899, 1, 1, tzinfo=timezone.utc)
        )
    assert len(centre.checked.requests) == sent


async def test_cancel_sets_attributes_in_the_same_request(
    client: AsyncFlexConv, centre: Centre
) -> None:
    task = await client.routing.tasks.create(attributes={"a": 1}, workflow_sid=centre.workflow_sid)
    canceled = await client.routing.tasks.cancel(
        task.sid or "", reason="moved", attributes={"a": 1, "moved_to": "email"}
    )
    assert canceled.assignment_status == "canceled"
    form = _form(centre)
    assert form["AssignmentStatus"] == ["canceled"]
    assert form["Attributes"] == ['{"a":1,"moved_to":"email"}']
    assert canceled.attributes == {"a": 1, "moved_to": "email"}


async def test_reservation_update_wrap_complete_and_instructions(
    client: AsyncFlexConv, centre: Centre
) -> None:
    await client.routing.workers.update(
        centre.bob, activity_sid=centre.emu.seeded.activities["Offline"]
    )
    task = await client.routing.tasks.create(
        attributes={}, workflow_sid=centre.workflow_sid, task_channel="chat"
    )
    centre.emu.advance(0)
    (offer,) = await client.routing.reservations.list(task.sid or "").to_list()
    assert offer.sid is not None
    accepted = await client.routing.reservations.update(
        task.sid or "", offer.sid, instruction="accept"
    )
    assert accepted.reservation_status == "accepted"
    wrapping = await client.routing.reservations.update(
        task.sid or "", offer.sid, reservation_status="wrapping"
    )
    assert wrapping.reservation_status == "wrapping"
    assert (await client.routing.tasks.fetch(task.sid or "")).assignment_status == "wrapping"
    done = await client.routing.reservations.update(
        task.sid or "",
        offer.sid,
        reservation_status="completed",
        worker_activity_sid=centre.emu.seeded.activities["Offline"],
    )
    assert done.reservation_status == "completed"
    assert (await client.routing.tasks.fetch(task.sid or "")).assignment_status == "completed"
    assert (await client.routing.workers.fetch(centre.alice)).activity_name == "Offline"

    # the voice instructions' parameters go through extra, under the API's names (the
    # reservation is completed by now, so the emulator refuses the instruction itself)
    with pytest.raises(APIStatusError, match="is completed, not pending"):
        await client.routing.reservations.update(
            task.sid or "",
            offer.sid,
            instruction="conference",
            extra={"ConferenceRecord": "true", "EndConferenceOnExit": True},
        )
    form = _form(centre)
    assert form["ConferenceRecord"] == ["true"]
    assert form["EndConferenceOnExit"] == ["true"]

    sent = len(centre.checked.requests)
    with pytest.raises(ValidationError, match="does not take 'ConferenceRecrod'"):
        await client.routing.reservations.update(
            task.sid or "", offer.sid, extra={"ConferenceRecrod": "true"}
        )
    with pytest.raises(ValidationError, match="reservation_status must be"):
        await client.routing.reservations.update(
            task.sid or "",
            offer.sid,
            reservation_status="canceled",  # type: ignore[arg-type]
        )
    with pytest.raises(ValidationError, match="at least one"):
        await client.routing.reservations.update(task.sid or "", offer.sid)
    assert len(centre.checked.requests) == sent
