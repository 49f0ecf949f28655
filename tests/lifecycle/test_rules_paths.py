"""More of the issue's "what to build", each through the emulator's deliveries: the completion
rules per task channel (with the completion message), auto-accept meeting a reservation that
timed out before its event was handled, and the janitor on ``task.deleted``."""

from __future__ import annotations

from flexconv.lifecycle import KEEP_OPEN_ATTRIBUTE, ChannelRules, Wiring, auto_accept, janitor
from flexconv.lifecycle import overrides as overrides_policy
from tests.lifecycle.helpers import CUSTOMER, HOOK, SUPPORT_LINE, Centre, centre

OTHER_CUSTOMER = "+15551239999"


def _serve(c: Centre, customer: str, channel_type: str) -> tuple[str, str]:
    """A customer's SMS, and a custom task for it (``channelType`` as given) the backend
    auto-accepts; returns the conversation and the task."""
    conv = c.emu.simulate.customer_message(SUPPORT_LINE, customer, "Hi").conversation_sid
    task = c.client.routing.tasks.create_for_conversation(
        conv,
        channel_type=channel_type,
        customer_address=customer,
        attributes={"autoAnswer": "true"},
    )
    assert task.sid is not None
    assert str(c.client.routing.tasks.fetch(task.sid).assignment_status) == "assigned"
    return conv, task.sid


def test_completion_rules_follow_the_task_channel() -> None:
    """``channels={"whatsapp": ...}`` keeps WhatsApp conversations open (a survey) while the
    default closes SMS ones; each posts its own completion message once, whoever completes."""
    with centre(studio=False) as c:
        Wiring(c.client).ensure(HOOK)
        c.emu.simulate.set_activity("bob", "Available")
        policy = overrides_policy(
            ChannelRules(on_complete="close", complete_message="Bye!"),
            channels={
                "whatsapp": ChannelRules(on_complete="leave_open", complete_message="Survey?")
            },
        )
        c.receiver.use(auto_accept()).use(policy)
        sms_conv, sms_task = _serve(c, CUSTOMER, "sms")
        wa_conv, wa_task = _serve(c, OTHER_CUSTOMER, "whatsapp")

        for task_sid in (sms_task, wa_task):  # completed elsewhere: the events apply the rules
            c.client.routing.tasks.update(task_sid, assignment_status="wrapping", reason="x")
            c.client.routing.tasks.update(task_sid, assignment_status="completed", reason="x")
        c.emu.webhooks.flush()

        sms = c.client.conversations.fetch(sms_conv)
        assert str(sms.state) == "closed"
        assert [m.body for m in c.client.conversations.messages.list(sms_conv)] == ["Hi", "Bye!"]
        wa = c.client.conversations.fetch(wa_conv)
        assert str(wa.state) == "active"
        assert (wa.attributes or {}).get(KEEP_OPEN_ATTRIBUTE) is True
        assert [m.body for m in c.client.conversations.messages.list(wa_conv)] == ["Hi", "Survey?"]
        agents = [p.identity for p in c.client.conversations.participants.list(wa_conv)]
        assert agents == [None]  # only the customer stays for the survey


def test_auto_accept_meets_a_reservation_that_timed_out_first() -> None:
    """The ``reservation.created`` event is delivered after the offer timed out (and again, as a
    duplicate): the backend does not accept it, and the handler succeeds (no redelivery)."""
    with centre(studio=False) as c:
        Wiring(c.client).ensure(HOOK)
        c.receiver.use(auto_accept(via="event"))
        c.emu.webhooks.configure(paused=True, duplicate_probability=1.0, seed=4)
        conv = c.emu.simulate.customer_message(SUPPORT_LINE, CUSTOMER, "Hi").conversation_sid
        task = c.client.routing.tasks.create_for_conversation(
            conv, customer_address=CUSTOMER, attributes={"autoAnswer": "true"}
        )
        assert task.sid is not None
        (offer,) = c.client.routing.reservations.list(task.sid).to_list()
        c.emu.advance(121)  # past the workflow's TaskReservationTimeout (120 s)
        assert str(
            c.client.routing.reservations.fetch(task.sid, offer.sid or "").reservation_status
        ) == ("timeout")
        c.emu.webhooks.configure(paused=False)
        c.emu.webhooks.flush()

        created = c.emu.webhooks.deliveries(event_type="reservation.created")
        assert len(created) >= 2
        assert {d.status for d in created} == {204}
        assert c.emu.webhooks.deliveries(event_type="reservation.accepted") == []
        assert str(c.client.routing.tasks.fetch(task.sid).assignment_status) != "assigned"


def test_janitor_closes_the_conversation_of_a_deleted_task() -> None:
    with centre(studio=False) as c:
        Wiring(c.client).ensure(HOOK)
        c.emu.simulate.set_activity("alice", "Offline")
        c.receiver.use(janitor(message="Closing this chat."))
        conv = c.emu.simulate.customer_message(SUPPORT_LINE, CUSTOMER, "Hi").conversation_sid
        task = c.client.routing.tasks.create_for_conversation(conv, customer_address=CUSTOMER)
        assert task.sid is not None
        assert str(c.client.conversations.fetch(conv).state) == "active"
        c.client.routing.tasks.delete(task.sid)

        deleted = c.emu.webhooks.deliveries(event_type="task.deleted")
        assert [d.status for d in deleted] == [204]
        assert str(c.client.conversations.fetch(conv).state) == "closed"
        bodies = [m.body for m in c.client.conversations.messages.list(conv)]
        assert bodies == ["Hi", "Closing this chat."]
