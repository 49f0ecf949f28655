"""``on_wrapup="remove_agent"`` for Interactions tasks: the agent leaves the conversation through
the Interactions API only (their interaction participant goes to ``closed``), never by a
TaskRouter update, cancel or delete of the task; the completion rules apply after."""

from __future__ import annotations

import pytest

from flexconv.lifecycle import (
    KEEP_OPEN_ATTRIBUTE,
    ChannelRules,
    TaskLifecycle,
    Wiring,
    auto_accept,
    janitor,
    overrides,
)
from tests.lifecycle.helpers import CUSTOMER, HOOK, SUPPORT_LINE, Centre, auto_answer_flow, centre

TASK_PATH = "/v1/Workspaces/{WorkspaceSid}/Tasks/{Sid}"
SORRY = "Sorry, nobody could take this; please write again."


def agents(c: Centre, conversation_sid: str) -> list[str]:
    """Identities of the conversation's chat participants (the agents)."""
    return [
        p.identity
        for p in c.client.conversations.participants.list(conversation_sid)
        if p.identity is not None
    ]


def forbid_task_writes(c: Centre) -> None:
    """Every TaskRouter write to a task (update, cancel, delete) now fails: the policies must not
    make one for an Interactions task."""
    for method in ("POST", "DELETE"):
        c.emu.faults.server_error(500, method=method, path=TASK_PATH)


def interactions_task(c: Centre, rules: ChannelRules) -> tuple[object, str, str]:
    """An inbound SMS routed by Studio to Flex, auto-accepted by the backend; returns the
    overrides policy, the task and the conversation."""
    Wiring(c.client).ensure(HOOK)
    auto_answer_flow(c)
    policy = overrides(rules)
    c.receiver.use(auto_accept()).use(policy)
    inbound = c.emu.simulate.customer_message(SUPPORT_LINE, CUSTOMER, "Where is my order?")
    c.emu.advance(0)
    (task,) = c.client.routing.tasks.list().to_list()
    assert task.sid is not None
    assert str(c.client.routing.tasks.fetch(task.sid).assignment_status) == "assigned"
    assert agents(c, inbound.conversation_sid) == ["alice"]
    return policy, task.sid, inbound.conversation_sid


def _agent_participant_status(c: Centre, task_sid: str) -> str:
    """The emulator's record of the task's agent interaction participant (the API shows none)."""
    with c.emu.operation():
        for ch in c.emu.flex._channels.values():
            for p in ch.participants.values():
                if p.type == "agent" and p.task_sid == task_sid:
                    return str(p.status)
    raise AssertionError("no agent participant")


@pytest.mark.parametrize("on_complete", ["close", "leave_open"])
def test_backend_wrap_up_removes_the_agent_through_the_interactions_api(on_complete: str) -> None:
    with centre() as c:
        rules = ChannelRules(
            on_wrapup="remove_agent",
            wrapup_message="An agent has left; thanks for writing.",
            on_complete=on_complete,  # type: ignore[arg-type]
            complete_message="Goodbye!",
        )
        policy, task_sid, conv = interactions_task(c, rules)
        c.receiver.use(janitor(message=SORRY))  # it must not take the customer for abandoned
        forbid_task_writes(c)

        after = policy.engine.wrap_up(task_sid)  # type: ignore[attr-defined]

        assert after is not None
        assert str(after.assignment_status) == "completed"  # closed participant: task completed
        assert _agent_participant_status(c, task_sid) == "closed"
        assert agents(c, conv) == []
        bodies = [m.body for m in c.client.conversations.messages.list(conv)]
        assert bodies[1:] == ["An agent has left; thanks for writing.", "Goodbye!"]
        state = c.client.conversations.fetch(conv)
        if on_complete == "close":
            assert str(state.state) == "closed"
        else:
            assert str(state.state) == "active"
            assert (state.attributes or {}).get(KEEP_OPEN_ATTRIBUTE) is True
        failed = [d for d in c.emu.webhooks.deliveries() if d.outcome != "delivered"]
        assert failed == []  # no handler tried a forbidden TaskRouter write


def test_agent_wrapping_up_in_flex_is_removed_by_the_wrapup_event() -> None:
    """The agent ends the chat in Flex UI (participant ``wrapup``); the ``task.wrapup`` event
    the receiver gets applies ``remove_agent``."""
    with centre() as c:
        _, task_sid, conv = interactions_task(
            c, ChannelRules(on_wrapup="remove_agent", on_complete="leave_open")
        )
        forbid_task_writes(c)
        c.emu.simulate.wrap_up("alice")
        c.emu.webhooks.flush()

        assert [d.outcome for d in c.emu.webhooks.deliveries(event_type="task.wrapup")] == [
            "delivered"
        ]
        assert agents(c, conv) == []
        assert _agent_participant_status(c, task_sid) == "closed"
        assert str(c.client.routing.tasks.fetch(task_sid).assignment_status) == "completed"
        state = c.client.conversations.fetch(conv)
        assert str(state.state) == "active"
        assert (state.attributes or {}).get(KEEP_OPEN_ATTRIBUTE) is True


def test_lifecycle_used_without_a_receiver_applies_the_completion_rules() -> None:
    """`TaskLifecycle` called directly (no overrides on the receiver, so no ``task.completed``
    handler): wrap-up with ``remove_agent`` still closes the conversation by the rules."""
    with centre() as c:
        Wiring(c.client).ensure(HOOK)
        auto_answer_flow(c)
        c.receiver.use(auto_accept())
        conv = c.emu.simulate.customer_message(SUPPORT_LINE, CUSTOMER, "Hi").conversation_sid
        c.emu.advance(0)
        (task,) = c.client.routing.tasks.list().to_list()
        lifecycle = TaskLifecycle(
            c.client, ChannelRules(on_wrapup="remove_agent", complete_message="Goodbye!")
        )
        forbid_task_writes(c)
        after = lifecycle.wrap_up(task.sid or "")
        assert after is not None
        assert str(after.assignment_status) == "completed"
        assert agents(c, conv) == []
        assert str(c.client.conversations.fetch(conv).state) == "closed"
        assert [m.body for m in c.client.conversations.messages.list(conv)] == ["Hi", "Goodbye!"]
