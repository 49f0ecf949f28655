"""The issue's acceptance, on the emulator with no simulated agent action: an inbound SMS whose
task says ``autoAnswer: "true"`` is accepted by the backend, the agent joins the conversation with
the ``agent`` role, and wrap-up and completion through the policies leave the conversation
closed or open as configured, for an Interactions task and for a custom TaskRouter task."""

from __future__ import annotations

import pytest

from flexconv.lifecycle import KEEP_OPEN_ATTRIBUTE, ChannelRules, Wiring, auto_accept, overrides
from tests.lifecycle.helpers import CUSTOMER, HOOK, SUPPORT_LINE, Centre, auto_answer_flow, centre


def _agent_role(c: Centre, conversation_sid: str) -> dict[str, str]:
    """identity -> role name of the conversation's chat participants."""
    roles = {r.sid: r.friendly_name for r in c.client.conversations.roles.list()}
    return {
        p.identity: str(roles.get(p.role_sid))
        for p in c.client.conversations.participants.list(conversation_sid)
        if p.identity is not None
    }


def _only_task(c: Centre) -> str:
    tasks = c.client.routing.tasks.list().to_list()
    assert len(tasks) == 1, tasks
    assert tasks[0].sid is not None
    return tasks[0].sid


@pytest.mark.parametrize("on_complete", ["close", "leave_open"])
def test_interactions_task_auto_accepted_and_ended_by_the_backend(on_complete: str) -> None:
    with centre() as c:
        Wiring(c.client).ensure(HOOK)
        auto_answer_flow(c)
        policy = overrides(ChannelRules(on_complete=on_complete))  # type: ignore[arg-type]
        c.receiver.use(auto_accept()).use(policy)

        inbound = c.emu.simulate.customer_message(SUPPORT_LINE, CUSTOMER, "Where is my order?")
        c.emu.advance(0)  # Flex sets the interaction up and routes the task
        task_sid = _only_task(c)
        task = c.client.routing.tasks.fetch(task_sid)
        assert str(task.assignment_status) == "assigned"  # accepted by the backend
        conv = inbound.conversation_sid
        assert _agent_role(c, conv) == {"alice": "agent"}

        assert str(policy.engine.wrap_up(task_sid).assignment_status) == "wrapping"
        assert str(policy.engine.complete(task_sid).assignment_status) == "completed"
        state = c.client.conversations.fetch(conv)
        if on_complete == "close":
            assert str(state.state) == "closed"
        else:
            assert str(state.state) == "active"
            assert (state.attributes or {}).get(KEEP_OPEN_ATTRIBUTE) is True
            assert _agent_role(c, conv) == {}


@pytest.mark.parametrize("on_complete", ["close", "leave_open"])
def test_custom_task_auto_accepted_and_ended_by_the_backend(on_complete: str) -> None:
    with centre(studio=False) as c:
        Wiring(c.client).ensure(HOOK)
        policy = overrides(
            ChannelRules(
                on_wrapup="keep_agent",
                wrapup_message="Thanks, closing this chat now.",
                on_complete=on_complete,  # type: ignore[arg-type]
            )
        )
        c.receiver.use(auto_accept()).use(policy)

        inbound = c.emu.simulate.customer_message(SUPPORT_LINE, CUSTOMER, "Hello?")
        conv = inbound.conversation_sid
        task = c.client.routing.tasks.create_for_conversation(
            conv, channel_type="sms", customer_address=CUSTOMER, attributes={"autoAnswer": "true"}
        )
        assert task.sid is not None
        fetched = c.client.routing.tasks.fetch(task.sid)
        assert str(fetched.assignment_status) == "assigned"
        assert _agent_role(c, conv) == {"alice": "agent"}

        policy.engine.wrap_up(task.sid)
        bodies = [m.body for m in c.client.conversations.messages.list(conv)]
        assert bodies == ["Hello?", "Thanks, closing this chat now."]
        assert _agent_role(c, conv) == {"alice": "agent"}  # kept during wrap-up

        policy.engine.complete(task.sid)
        assert str(c.client.routing.tasks.fetch(task.sid).assignment_status) == "completed"
        state = c.client.conversations.fetch(conv)
        assert str(state.state) == ("closed" if on_complete == "close" else "active")
        assert _agent_role(c, conv) == {} or on_complete == "close"
