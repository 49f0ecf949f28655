"""The janitor's other paths, through the emulator's real deliveries: an Interactions orphan
re-routed (once) through the Interactions API, a declined worker invite, and two agents leaving
at once."""

from __future__ import annotations

import pytest

from flexconv.lifecycle import REROUTED_ATTRIBUTE, Wiring, auto_accept, janitor
from flexconv.models.routing import Task
from tests.lifecycle.helpers import (
    CUSTOMER,
    HOOK,
    SUPPORT_LINE,
    Centre,
    centre,
    short_wait,
)

SORRY = "Sorry, nobody could take this; please write again."


def _tasks_of(c: Centre, conversation_sid: str) -> list[Task]:
    """The conversation's tasks, each fetched (with its attributes)."""
    listed = c.client.routing.tasks.list(
        evaluate_task_attributes=f'conversationSid == "{conversation_sid}"'
    ).to_list()
    return [c.client.routing.tasks.fetch(t.sid or "") for t in listed]


def _notices(c: Centre, conversation_sid: str) -> list[str | None]:
    return [
        m.body for m in c.client.conversations.messages.list(conversation_sid) if m.body == SORRY
    ]


def test_interactions_orphan_is_rerouted_once_through_an_invite_then_closed() -> None:
    with centre() as c:
        Wiring(c.client).ensure(HOOK)
        short_wait(c)
        queue = c.emu.seeded.task_queues["Everyone"]
        c.receiver.use(janitor(action="reroute", queue_sid=queue, message=SORRY))
        inbound = c.emu.simulate.customer_message(SUPPORT_LINE, CUSTOMER, "Anyone?")
        conv = inbound.conversation_sid
        c.emu.advance(0)
        (first,) = _tasks_of(c, conv)
        c.emu.advance(31)  # the workflow gives up: task canceled, the janitor re-routes

        tasks = {t.sid: t for t in _tasks_of(c, conv)}
        assert str(tasks.pop(first.sid).assignment_status) == "canceled"
        (second,) = tasks.values()
        attributes = second.attributes or {}
        assert attributes.get("rerouted") is True
        assert str(attributes.get("flexChannelInviteSid", "")).startswith("KG")  # an invite
        assert (
            attributes.get("flexInteractionSid") == (first.attributes or {})["flexInteractionSid"]
        )
        assert second.task_queue_sid == queue
        assert str(second.assignment_status) == "pending"
        assert str(c.client.conversations.fetch(conv).state) == "active"
        assert _notices(c, conv) == []

        c.emu.advance(86_401)  # the re-routed task's TTL runs out: now the conversation closes
        assert str(c.client.routing.tasks.fetch(second.sid or "").assignment_status) == "canceled"
        assert str(c.client.conversations.fetch(conv).state) == "closed"
        assert _notices(c, conv) == [SORRY]
        interaction = (first.attributes or {})["flexInteractionSid"]
        channel = (first.attributes or {})["flexInteractionChannelSid"]
        assert len(c.client.interactions.invites.list(interaction, channel).to_list()) == 1
        assert (c.client.conversations.fetch(conv).attributes or {})[REROUTED_ATTRIBUTE] is True


def test_declined_worker_invite_leaves_no_orphan() -> None:
    """A parked conversation (agent participant ``closed``) is picked up again by an invite to
    one worker, who declines it: Flex cancels the invite's task, the janitor closes the
    conversation the customer would otherwise be left alone in."""
    with centre() as c:
        Wiring(c.client).ensure(HOOK)
        inbound = c.emu.simulate.customer_message(SUPPORT_LINE, CUSTOMER, "Hello")
        conv = inbound.conversation_sid
        c.emu.advance(0)
        c.emu.simulate.accept("alice")
        (task,) = _tasks_of(c, conv)
        interaction = (task.attributes or {})["flexInteractionSid"]
        channel = (task.attributes or {})["flexInteractionChannelSid"]
        (agent,) = [
            p
            for p in c.client.interactions.participants.list(interaction, channel)
            if str(p.type) == "agent"
        ]
        c.client.interactions.participants.update(interaction, channel, agent.sid, "closed")
        assert str(c.client.conversations.fetch(conv).state) == "active"  # parked

        c.receiver.use(janitor(message=SORRY))
        invite = c.client.interactions.invite_worker(
            interaction, channel, "alice", attributes={"topic": "again"}, allow_orphan=True
        )
        c.emu.simulate.reject("alice")
        c.emu.webhooks.flush()

        invited = c.client.routing.tasks.fetch((invite.routing or {})["properties"]["sid"])
        assert str(invited.assignment_status) == "canceled"
        handled = [
            d.outcome
            for d in c.emu.webhooks.deliveries()
            if d.event_type in ("reservation.rejected", "task.canceled")
        ]
        assert handled == ["delivered", "delivered"]
        assert str(c.client.conversations.fetch(conv).state) == "closed"
        assert str(c.client.interactions.channels.fetch(interaction, channel).status) == "closed"
        assert _notices(c, conv) == [SORRY]


@pytest.mark.parametrize("seed", [2, 5])
def test_two_agents_leaving_at_once_close_the_conversation_once(seed: int) -> None:
    """Two agents on one custom conversation, both tasks completed elsewhere; both leave in the
    same instant (their ``onParticipantRemoved`` webhooks delivered together, duplicated and
    out of order): the customer is not left alone, and is told once."""
    with centre(studio=False, seed=seed) as c:
        Wiring(c.client).ensure(HOOK)
        c.emu.simulate.set_activity("bob", "Available")
        c.receiver.use(auto_accept()).use(janitor(message=SORRY))
        conv = c.emu.simulate.customer_message(SUPPORT_LINE, CUSTOMER, "Hi").conversation_sid
        tasks = [
            c.client.routing.tasks.create_for_conversation(
                conv, customer_address=CUSTOMER, attributes={"autoAnswer": "true"}
            )
            for _ in range(2)
        ]
        for name in ("alice", "bob"):
            c.client.conversations.participants.create_for_worker(conv, c.worker_sid(name))
        for task in tasks:  # completed elsewhere (no overrides installed)
            assert str(c.client.routing.tasks.fetch(task.sid or "").assignment_status) == "assigned"
            c.client.routing.tasks.update(task.sid or "", assignment_status="wrapping", reason="x")
            c.client.routing.tasks.update(task.sid or "", assignment_status="completed", reason="x")
        assert str(c.client.conversations.fetch(conv).state) == "active"  # agents still in it

        c.emu.webhooks.configure(duplicate_probability=0.5, out_of_order=True, seed=seed)
        with c.emu.operation():  # both leave from their chat UIs in the same instant
            state = c.emu.conversations.get(conv)
            for name in ("alice", "bob"):
                agent = c.emu.conversations.get_participant(state, name)
                c.emu.conversations.remove_participant(state, agent, hooks=True, source="SDK")
        c.emu.webhooks.flush()

        removed = c.emu.webhooks.deliveries(event_type="onParticipantRemoved")
        assert len({d.idempotency_token for d in removed}) == 2
        assert {d.outcome for d in removed} == {"delivered"}
        assert str(c.client.conversations.fetch(conv).state) == "closed"
        assert _notices(c, conv) == [SORRY]
