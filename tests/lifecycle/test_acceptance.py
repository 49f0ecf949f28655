"""The issue's acceptance, on the emulator with no simulated agent action: an inbound SMS whose
task says ``autoAnswer: "true"`` is accepted by the backend, the agent joins the conversation with
the ``agent`` role, and wrap-up and completion through the policies leave the conversation
closed or open as configured, for an Interactions task and for a custom TaskRouter task."""

from __future__ import annotations

import pytest

from flexconv.lifecycle import KEEP_OPEN_ATTRIBUTE, ChannelRules, Wiring, auto_accept, overrides
from tests.lifecycle.helpers import (
    CUSTOMER,
    HOOK,
    SUPPORT_LINE,
    Centre,
    auto_answer_flow,
    centre,
    short_wait,
)


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


@pytest.mark.parametrize("studio", [True, False], ids=["interactions", "custom"])
@pytest.mark.parametrize("seed", [1, 3])
def test_workflow_timeout_leaves_no_open_conversation(studio: bool, seed: int) -> None:
    from flexconv.lifecycle import janitor

    with centre(studio=studio, seed=seed) as c:
        Wiring(c.client).ensure(HOOK)
        short_wait(c)
        c.receiver.use(janitor(message="Sorry, nobody is free; please write again later."))
        c.emu.webhooks.configure(duplicate_probability=0.5, out_of_order=True, retries=3, seed=seed)
        # the janitor's writes fail once each before succeeding (the handler fails, Twilio
        # delivers the event again)
        c.emu.faults.server_error(500, method="POST", path="/v1/Conversations/{Sid}", times=1)
        c.emu.faults.server_error(
            500, method="POST", path="/v1/Interactions/{InteractionSid}/Channels/{Sid}", times=1
        )
        inbound = c.emu.simulate.customer_message(SUPPORT_LINE, CUSTOMER, "Anyone there?")
        conv = inbound.conversation_sid
        if not studio:
            c.client.routing.tasks.create_for_conversation(conv, customer_address=CUSTOMER)
        c.emu.advance(0)
        c.emu.webhooks.flush()
        task_sid = _only_task(c)
        c.emu.advance(31)  # past the workflow's last target
        c.emu.webhooks.flush()

        task = c.client.routing.tasks.fetch(task_sid)
        assert str(task.assignment_status) == "canceled"
        deliveries = c.emu.webhooks.deliveries()
        assert any(d.duplicate for d in deliveries)
        assert any(d.attempt > 0 for d in deliveries)  # a failed handler, delivered again
        assert any(d.event_type == "workflow.timeout" for d in deliveries)
        assert str(c.client.conversations.fetch(conv).state) == "closed"
        notices = [
            m.body
            for m in c.client.conversations.messages.list(conv)
            if m.body and m.body.startswith("Sorry")
        ]
        assert notices == ["Sorry, nobody is free; please write again later."]


def test_assignment_callback_answer_accepts() -> None:
    """Through the workflow's assignment callback only: the receiver answers ``accept`` and
    TaskRouter (the emulator) acts on the answer; a task without autoAnswer is left pending."""
    with centre(studio=False) as c:
        Wiring(c.client).ensure(HOOK, events=None, conversations=False, workflows=[c.workflow_sid])
        c.client.routing.workspaces.update(event_callback_url="")  # no events: callbacks only
        c.receiver.use(auto_accept(via="assignment"))
        conv = c.client.conversations.create(friendly_name="assignment")
        assert conv.sid is not None
        plain = c.client.routing.tasks.create_for_conversation(conv.sid)
        assert plain.sid is not None
        assert str(c.client.routing.tasks.fetch(plain.sid).assignment_status) == "reserved"
        c.client.routing.tasks.cancel(plain.sid, reason="test")
        auto = c.client.routing.tasks.create_for_conversation(
            conv.sid, attributes={"autoAnswer": "true"}
        )
        assert auto.sid is not None
        assert str(c.client.routing.tasks.fetch(auto.sid).assignment_status) == "assigned"
        answers = [d.response_body for d in c.emu.webhooks.deliveries(kind="taskrouter.assignment")]
        assert answers == [b"{}", b'{"instruction":"accept"}']


@pytest.mark.parametrize("survey", [False, True], ids=["alone", "survey"])
def test_last_agent_leaving_alone_closes_unless_kept_open(survey: bool) -> None:
    """The agents' tasks completed elsewhere (no overrides installed); the last agent leaves from
    the chat UI (an SDK removal fires ``onParticipantRemoved``): the janitor closes the
    conversation the customer was left alone in, unless it is marked to stay open."""
    from flexconv.lifecycle import janitor

    with centre(studio=False) as c:
        Wiring(c.client).ensure(HOOK)
        c.receiver.use(auto_accept()).use(janitor())
        inbound = c.emu.simulate.customer_message(SUPPORT_LINE, CUSTOMER, "Hi")
        conv_sid = inbound.conversation_sid
        task = c.client.routing.tasks.create_for_conversation(
            conv_sid, customer_address=CUSTOMER, attributes={"autoAnswer": "true"}
        )
        assert task.sid is not None
        c.client.conversations.participants.create_for_worker(conv_sid, c.worker_sid("alice"))
        if survey:
            c.client.conversations.update(conv_sid, attributes={KEEP_OPEN_ATTRIBUTE: True})
        c.client.routing.tasks.update(task.sid, assignment_status="wrapping", reason="done")
        c.client.routing.tasks.update(task.sid, assignment_status="completed", reason="done")
        assert str(c.client.conversations.fetch(conv_sid).state) == "active"
        with c.emu.operation():
            conv = c.emu.conversations.get(conv_sid)
            agent = c.emu.conversations.get_participant(conv, "alice")
            c.emu.conversations.remove_participant(conv, agent, hooks=True, source="SDK")
        c.emu.webhooks.flush()
        removed = c.emu.webhooks.deliveries(event_type="onParticipantRemoved")
        assert [d.outcome for d in removed] == ["delivered"]
        state = str(c.client.conversations.fetch(conv_sid).state)
        assert state == ("active" if survey else "closed")


def test_janitor_reroutes_once_then_closes() -> None:
    from flexconv.lifecycle import janitor

    with centre(studio=False) as c:
        Wiring(c.client).ensure(HOOK)
        short_wait(c)
        c.receiver.use(janitor(action="reroute", workflow_sid=c.workflow_sid))
        inbound = c.emu.simulate.customer_message(SUPPORT_LINE, CUSTOMER, "Anyone?")
        conv = inbound.conversation_sid
        first = c.client.routing.tasks.create_for_conversation(conv, customer_address=CUSTOMER)
        c.emu.advance(31)  # the first task times out: a second one is created for the conversation
        tasks = c.client.routing.tasks.list(
            evaluate_task_attributes=f'conversationSid == "{conv}"'
        ).to_list()
        second = [t for t in tasks if t.sid != first.sid]
        assert len(second) == 1
        assert second[0].sid is not None
        rerouted = c.client.routing.tasks.fetch(second[0].sid)
        assert (rerouted.attributes or {}).get("rerouted") is True
        assert str(c.client.conversations.fetch(conv).state) == "active"
        c.emu.advance(31)  # the re-routed task times out too: now the conversation closes
        assert str(c.client.conversations.fetch(conv).state) == "closed"
