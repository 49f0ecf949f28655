"""The async engines (the one source the sync ones are generated from), through AsyncFlexConv and
a receiver's async path: auto-accept, add the agent, complete, janitor, wiring."""

from __future__ import annotations

from flexconv import AsyncFlexConv
from flexconv.emulator import Emulator
from flexconv.events import Receiver
from flexconv.lifecycle import (
    AsyncAutoAccept,
    AsyncJanitor,
    AsyncTaskLifecycle,
    AsyncWiring,
    ChannelRules,
    auto_accept,
    auto_answer,
    overrides,
)


async def test_async_policies_end_a_custom_task() -> None:
    emu = Emulator.from_scenario()
    async with AsyncFlexConv.emulated(emu) as client:
        receiver = Receiver(emu.auth_token, client=client)
        policy = overrides(ChannelRules(on_complete="close"))
        receiver.use(auto_accept()).use(policy)
        assert isinstance(policy.engine, AsyncTaskLifecycle)

        conv = await client.conversations.create(friendly_name="async")
        assert conv.sid is not None
        await client.conversations.participants.create(conv.sid, identity="customer-1")
        task = await client.routing.tasks.create_for_conversation(
            conv.sid, attributes={"autoAnswer": "true"}
        )
        assert task.sid is not None
        offers = await client.routing.reservations.list(task.sid).to_list()
        accepter = AsyncAutoAccept(client, auto_answer)
        assert await accepter.accept(task.sid, offers[0].sid or "") == "accepted"
        assert await accepter.accept(task.sid, offers[0].sid or "") == "already accepted"
        engine = policy.engine
        fetched = await client.routing.tasks.fetch(task.sid)
        added = await engine.add_agent(fetched, offers[0].worker_sid or "")
        assert added is not None
        assert await engine.add_agent(fetched, offers[0].worker_sid or "") is None  # idempotent
        done = await engine.complete(task.sid)
        assert done is not None
        assert str(done.assignment_status) == "completed"
        assert str((await client.conversations.fetch(conv.sid)).state) == "closed"
        assert await AsyncJanitor(client).tidy(conv.sid, {}, None) == "closed already"


async def test_async_wiring_is_idempotent() -> None:
    emu = Emulator.from_scenario()
    async with AsyncFlexConv.emulated(emu) as client:
        wiring = AsyncWiring(client)
        workflow = emu.seeded.workflows["Assign to Anyone"]
        url = "https://hooks.example.com/twilio"
        wired = url + "#rc=5&rp=ct,rt,5xx"  # Twilio's connection overrides: 5xx redelivered
        planned = await wiring.ensure(url, workflows=[workflow], dry_run=True)
        assert not planned.applied
        assert ("assignment_callback_url", wired) in [(c.field, c.new) for c in planned.changes]
        applied = await wiring.ensure(url, workflows=[workflow])
        assert applied.applied
        assert len(applied.changes) == len(planned.changes)
        fetched = await client.routing.workflows.fetch(workflow)
        assert fetched.assignment_callback_url == wired
        again = await wiring.ensure(url, workflows=[workflow])
        assert again.unchanged
        assert again.diff() == "no changes"
