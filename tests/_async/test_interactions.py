"""client.interactions against the emulator: creation and waiting, inbound SMS, inviting a named
agent, safe agent-initiated outbound, closing channels, participants, transfers, pacing."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import AsyncIterator

import pytest

from flexconv import AsyncFlexConv
from flexconv._core.errors import ValidationError
from flexconv.models.interactions import (
    ChannelFailedError,
    ChannelSpec,
    ChannelWaitTimeoutError,
    ExistingConversationError,
    RoutingSpec,
)
from flexconv.models.routing import InteractionTaskError, last_agent_then_queue
from tests.interactions_helpers import CUSTOMER, SUPPORT_LINE, Centre, contact_centre


@pytest.fixture
def centre() -> Centre:
    return contact_centre()


@pytest.fixture
async def client(centre: Centre) -> AsyncIterator[AsyncFlexConv]:
    async with AsyncFlexConv.emulated(centre.checked) as c:
        yield c
    centre.checked.recorder.assert_clean()


def routing(centre: Centre, **extra: object) -> RoutingSpec:
    return RoutingSpec(
        workspace_sid=centre.workspace_sid,
        workflow_sid=centre.workflow_sid,
        task_channel_unique_name="chat",
        **extra,  # type: ignore[arg-type]
    )


def form(body: bytes) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(body.decode()))


def open_conversations_of(centre: Centre, address: str) -> list[str]:
    convs = centre.emu.conversations.conversations.values()
    return [
        c.sid
        for c in convs
        if not c.closed and any(p.address == address for p in c.participants.values())
    ]


async def interaction_of_inbound(client: AsyncFlexConv, centre: Centre) -> tuple[str, str, str]:
    """(interaction, channel, task) of the conversation the inbound SMS started."""
    tasks = await client.routing.tasks.list(workspace_sid=centre.workspace_sid).to_list()
    assert len(tasks) == 1
    task = await client.routing.tasks.fetch(tasks[0].sid or "", workspace_sid=centre.workspace_sid)
    attrs = task.attributes or {}
    return attrs["flexInteractionSid"], attrs["flexInteractionChannelSid"], task.sid or ""


async def test_create_for_conversation_waits_until_active(
    client: AsyncFlexConv, centre: Centre
) -> None:
    conv = centre.emu.conversations.create()
    centre.emu.conversations.add_participant(conv, address=CUSTOMER, proxy_address=SUPPORT_LINE)
    inter = await client.interactions.create_for_conversation(
        conv.sid, routing(centre, attributes={"topic": "billing"}), wait=True, poll_interval=0
    )
    assert inter.sid is not None
    assert inter.sid.startswith("KD")
    assert inter.channel_sid is not None
    sent = form(centre.checked.requests[0][3])
    assert json.loads(sent["Channel"]) == {
        "type": "sms",
        "initiated_by": "customer",
        "properties": {"media_channel_sid": conv.sid},
    }
    assert json.loads(sent["Routing"])["properties"]["attributes"] == {"topic": "billing"}
    channel = await client.interactions.channels.fetch(inter.sid, inter.channel_sid)
    assert channel.status == "active"
    assert [c.sid async for c in client.interactions.channels.list(inter.sid)] == [channel.sid]
    parts = await client.interactions.participants.list(inter.sid, channel.sid or "").to_list()
    assert [p.type for p in parts] == ["customer"]
    assert (await client.interactions.fetch(inter.sid)).sid == inter.sid


async def test_wait_with_a_poll_hook_on_the_virtual_clock() -> None:
    centre = contact_centre(auto_tick=False)
    conv = centre.emu.conversations.create()
    async with AsyncFlexConv.emulated(centre.checked) as client:
        inter = await client.interactions.create_for_conversation(conv.sid, routing(centre))
        still = await client.interactions.channels.fetch(inter.sid or "", inter.channel_sid or "")
        assert still.status == "setup"  # 200 before the channel exists
        with pytest.raises(ChannelWaitTimeoutError, match="setup"):
            await client.interactions.wait_for_channel(inter, timeout=0, poll_interval=0)
        ticks: list[int] = []

        def tick() -> None:
            ticks.append(1)
            if len(ticks) == 2:
                centre.emu.advance(0)

        ch = await client.interactions.wait_for_channel(
            inter.sid or "", timeout=5, poll_interval=0.001, on_poll=tick
        )
        assert ch.status == "active"
        assert len(ticks) == 2
    centre.checked.recorder.assert_clean()


async def test_waiting_on_a_failing_channel_raises_twilio_code(
    client: AsyncFlexConv, centre: Centre
) -> None:
    missing = "CH" + "0" * 32
    with pytest.raises(ChannelFailedError) as info:
        await client.interactions.create_for_conversation(
            missing, routing(centre), wait=True, poll_interval=0
        )
    assert info.value.code == 20404
    assert missing in str(info.value)


async def test_inbound_sms_then_invite_a_named_agent(client: AsyncFlexConv, centre: Centre) -> None:
    ws = centre.workspace_sid
    inbound = centre.emu.simulate.customer_message(SUPPORT_LINE, CUSTOMER, "Hi, my order?")
    centre.emu.advance(0)
    inter, chan, first_task = await interaction_of_inbound(client, centre)
    assert inter.startswith("KD")
    first = await client.routing.reservations.list(first_task, workspace_sid=ws).to_list()
    await client.routing.reservations.accept(first_task, first[0].sid or "", workspace_sid=ws)
    first_agent = first[0].worker_sid
    other_name = "bob" if first_agent == centre.alice else "alice"
    other_sid = centre.bob if other_name == "bob" else centre.alice

    # a worker-targeted invite without a fallback is refused before anything is sent
    before = len(centre.checked.requests)
    with pytest.raises(ValidationError, match="orphaned"):
        await client.interactions.invite_worker(inter, chan, other_name, workspace_sid=ws)
    assert len(centre.checked.requests) == before

    flow = await client.routing.workflows.create(
        "Known agent",
        last_agent_then_queue(centre.queue_sid, timeout=30),
        workspace_sid=ws,
    )
    invite = await client.interactions.invite_worker(
        inter, chan, other_name, workspace_sid=ws, workflow_sid=flow.sid
    )
    assert invite.sid is not None
    assert invite.sid.startswith("KG")
    sent = json.loads(form(centre.checked.requests[-1][3])["Routing"])["properties"]
    assert sent["worker_sid"] == other_sid
    assert sent["attributes"]["last_agent_sid"] == other_sid
    assert [i.sid async for i in client.interactions.invites.list(inter, chan)] == [invite.sid]

    centre.emu.advance(0)
    offers = await client.routing.reservations.list(
        reservation_status="pending",
        worker_sid=other_sid,
        workspace_sid=ws,
    ).to_list()
    assert len(offers) == 1
    await client.routing.reservations.accept(
        offers[0].task_sid or "", offers[0].sid or "", workspace_sid=ws
    )

    conv = centre.emu.conversations.conversations[inbound.conversation_sid]
    agents = [
        p
        for p in conv.participants.values()
        if p.role_sid == centre.emu.conversations.agent_role_sid
    ]
    assert {p.identity for p in agents} == {"alice", "bob"}
    kinds = sorted([str(p.type) async for p in client.interactions.participants.list(inter, chan)])
    assert kinds == ["agent", "agent", "customer"]

    # the interaction's tasks are closed through the channel, never canceled via TaskRouter
    with pytest.raises(InteractionTaskError):
        await client.routing.tasks.cancel(offers[0].task_sid or "", reason="no", workspace_sid=ws)


async def test_outbound_reuses_the_open_conversation(client: AsyncFlexConv, centre: Centre) -> None:
    inbound = centre.emu.simulate.customer_message(SUPPORT_LINE, CUSTOMER, "Hello?")
    centre.emu.advance(0)
    assert open_conversations_of(centre, CUSTOMER) == [inbound.conversation_sid]
    found = await client.conversations.find_open(CUSTOMER)
    assert [c.conversation_sid for c in found] == [inbound.conversation_sid]

    with pytest.raises(ExistingConversationError) as info:
        await client.interactions.start_outbound(
            CUSTOMER,
            proxy_address=SUPPORT_LINE,
            worker="alice",
            workspace_sid=centre.workspace_sid,
            workflow_sid=centre.workflow_sid,
            on_existing="refuse",
        )
    assert info.value.conversation_sid == inbound.conversation_sid

    inter = await client.interactions.start_outbound(
        CUSTOMER,
        proxy_address=SUPPORT_LINE,
        worker="alice",
        workspace_sid=centre.workspace_sid,
        workflow_sid=centre.workflow_sid,
        wait=True,
        poll_interval=0,
    )
    channel = ChannelSpec.from_wire(inter.channel or {})
    assert channel.initiated_by == "agent"
    assert channel.media_channel_sid == inbound.conversation_sid
    routing_sent = RoutingSpec.from_wire(inter.routing or {})
    assert routing_sent.worker_sid == centre.alice
    assert open_conversations_of(centre, CUSTOMER) == [inbound.conversation_sid]
    lookup = [r for r in centre.checked.requests if "ParticipantConversations" in r[1]]
    assert lookup
    assert "Address=%2B15551230000" in lookup[0][1]


async def test_outbound_to_a_new_customer_creates_one_conversation(
    client: AsyncFlexConv, centre: Centre
) -> None:
    inter = await client.interactions.start_outbound(
        CUSTOMER,
        proxy_address=SUPPORT_LINE,
        worker=centre.bob,
        workspace_sid=centre.workspace_sid,
        workflow_sid=centre.workflow_sid,
        wait=True,
        poll_interval=0,
    )
    spec = ChannelSpec.from_wire(inter.channel or {})
    assert spec.participants[0].address == CUSTOMER
    assert len(open_conversations_of(centre, CUSTOMER)) == 1


async def test_set_inactive_always_sends_routing_closed(
    client: AsyncFlexConv, centre: Centre
) -> None:
    ws = centre.workspace_sid
    centre.emu.simulate.customer_message(SUPPORT_LINE, CUSTOMER, "Hi")
    centre.emu.advance(0)
    inter, chan, task_sid = await interaction_of_inbound(client, centre)
    res = (await client.routing.reservations.list(task_sid, workspace_sid=ws).to_list())[0]
    await client.routing.reservations.accept(task_sid, res.sid or "", workspace_sid=ws)

    parked = await client.interactions.channels.deactivate(inter, chan)
    assert parked.status == "inactive"
    sent = form(centre.checked.requests[-1][3])
    assert sent == {"Status": "inactive", "Routing": '{"status":"closed"}'}
    task = await client.routing.tasks.fetch(task_sid, workspace_sid=ws)
    assert task.assignment_status == "completed"  # not left wrapping

    # there is no typed way to send inactive without the routing status
    assert not hasattr(client.interactions, "update_channel")

    closed = await client.interactions.channels.close(inter, chan)
    assert closed.status == "closed"
    assert form(centre.checked.requests[-1][3]) == {"Status": "closed"}


async def test_participant_wrapup_and_transfers(client: AsyncFlexConv, centre: Centre) -> None:
    ws = centre.workspace_sid
    centre.emu.simulate.customer_message(SUPPORT_LINE, CUSTOMER, "Hi")
    centre.emu.advance(0)
    inter, chan, task_sid = await interaction_of_inbound(client, centre)
    res = (await client.routing.reservations.list(task_sid, workspace_sid=ws).to_list())[0]
    await client.routing.reservations.accept(task_sid, res.sid or "", workspace_sid=ws)
    participants = await client.interactions.participants.list(inter, chan).to_list()
    agent = next(p for p in participants if str(p.type) == "agent")
    target = centre.bob if res.worker_sid == centre.alice else centre.alice

    transfer = await client.interactions.transfers.create(
        inter, chan, type="cold", from_=agent.sid, to=target
    )
    assert transfer.sid is not None
    body = json.loads(centre.checked.requests[-1][3])
    assert body == {"type": "cold", "to": target, "from": agent.sid}
    assert centre.checked.requests[-1].headers["content-type"] == "application/json"
    fetched = await client.interactions.transfers.fetch(inter, chan, transfer.sid)
    assert fetched.to == target
    done = await client.interactions.transfers.update(inter, chan, transfer.sid, status="completed")
    assert done.status == "completed"
    with pytest.raises(ValidationError):
        await client.interactions.transfers.update(inter, chan, transfer.sid)

    wrapped = await client.interactions.participants.update(inter, chan, agent.sid or "", "wrapup")
    assert wrapped.sid == agent.sid
    assert (
        await client.routing.tasks.fetch(task_sid, workspace_sid=ws)
    ).assignment_status == "wrapping"
    with pytest.raises(ValidationError):
        await client.interactions.participants.update(inter, chan, agent.sid or "", "inactive")  # type: ignore[arg-type]


async def test_add_participant_and_invite_queue(client: AsyncFlexConv, centre: Centre) -> None:
    centre.emu.simulate.customer_message(SUPPORT_LINE, CUSTOMER, "Hi")
    centre.emu.advance(0)
    inter, chan, _ = await interaction_of_inbound(client, centre)
    sup = await client.interactions.participants.create(
        inter, chan, type="supervisor", media_properties={"identity": "sam"}
    )
    assert sup.type == "supervisor"
    invite = await client.interactions.invite_queue(
        inter, chan, centre.queue_sid, workspace_sid=centre.workspace_sid
    )
    assert invite.routing is not None
    with pytest.raises(ValidationError):
        await client.interactions.participants.create(
            inter, chan, type="boss", media_properties={"identity": "x"}
        )


async def test_paced_group_spaces_requests(client: AsyncFlexConv, centre: Centre) -> None:
    conv = centre.emu.conversations.create()
    paced = client.interactions.paced(rate=1000)
    inter = await paced.create_for_conversation(conv.sid, routing(centre))
    for _ in range(3):
        await paced.fetch(inter.sid or "")
    assert paced._limiter is not None
    assert paced._limiter.rate == 1000
    with pytest.raises(ValidationError):
        client.interactions.paced(rate=0)


async def test_typed_values_are_required(client: AsyncFlexConv) -> None:
    with pytest.raises(ValidationError, match="ChannelSpec"):
        await client.interactions.create({"type": "sms"})  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="on_existing"):
        await client.interactions.start_outbound(
            CUSTOMER,
            worker="alice",
            workspace_sid="WS" + "0" * 32,
            workflow_sid="WW" + "0" * 32,
            on_existing="ignore",  # type: ignore[arg-type]
        )
