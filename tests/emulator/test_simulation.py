"""End to end: an inbound SMS through Studio, Send to Flex, the interaction, the task, an agent
accepting, chatting, wrapping up and completing; the webhook-target alternative; the 2010 log."""

from __future__ import annotations

import email.utils
import json

import pytest

from flexconv.emulator import ApiError, Emulator, WebhookRequest
from tests.emulator.conftest import API, CONV, FLEX, STUDIO, TR, Http

SUPPORT = "+15005550006"
CUSTOMER = "+15551230000"


def test_inbound_sms_to_flex_and_back(emu: Emulator, http: Http) -> None:
    inbound = emu.simulate.customer_message(SUPPORT, CUSTOMER, "Where is my order?")
    conv = inbound.conversation_sid
    # auto-creation: conversation, customer participant, message, Studio webhook (until Flex)
    parts = http.get(f"{CONV}/Conversations/{conv}/Participants").json["participants"]
    assert [p["messaging_binding"]["address"] for p in parts] == [CUSTOMER]
    msgs = http.get(f"{CONV}/Conversations/{conv}/Messages").json["messages"]
    assert [(m["author"], m["body"]) for m in msgs] == [(CUSTOMER, "Where is my order?")]
    # Studio ran the default Messaging Flow: Send to Flex created an interaction
    flow = emu.seeded.flows["Messaging Flow"]
    execs = http.get(f"{STUDIO}/Flows/{flow}/Executions").json["executions"]
    assert len(execs) == 1
    steps = http.get(f"{STUDIO}/Flows/{flow}/Executions/{execs[0]['sid']}/Steps").json["steps"]
    assert [(s["name"], s["transitioned_to"]) for s in steps] == [
        ("Trigger", "SendMessageToAgent"),
        ("SendMessageToAgent", "Ended"),
    ]
    (interaction,) = emu.flex.interactions.values()
    (channel,) = interaction.channels.values()
    assert channel.status == "setup"
    emu.advance(0)
    assert channel.status == "active"
    # the Studio webhook is gone once Flex has the conversation
    hooks = http.get(f"{CONV}/Conversations/{conv}/Webhooks").json["webhooks"]
    assert [h["target"] for h in hooks] == []
    # the task waits for an agent; alice accepts
    worker = "alice" if emu.simulate.reservations("alice") else "bob"
    reservation = emu.simulate.accept(worker)
    task = http.get(f"{TR}/Workspaces/{emu.seeded.workspace_sid}/Tasks/{reservation.task_sid}").json
    attrs = json.loads(task["attributes"])
    assert attrs["conversationSid"] == conv
    assert attrs["flexInteractionChannelSid"] == channel.sid
    assert attrs["channelType"] == "sms"
    assert attrs["name"] == CUSTOMER
    agent = http.get(f"{CONV}/Conversations/{conv}/Participants/{worker}").json
    assert agent["role_sid"] == emu.conversations.agent_role_sid
    # chat: agent messages go out as SMS; customer replies land in the same conversation
    emu.simulate.agent_message(worker, "Let me check.")
    emu.simulate.customer_message(SUPPORT, CUSTOMER, "Thanks")
    msgs = http.get(f"{CONV}/Conversations/{conv}/Messages").json["messages"]
    assert [m["author"] for m in msgs] == [CUSTOMER, worker, CUSTOMER]
    assert len(emu.flex.interactions) == 1  # no second interaction for the reply
    # wrap up, then complete: Flex's default clean-up
    emu.simulate.wrap_up(worker)
    task = http.get(f"{TR}/Workspaces/{emu.seeded.workspace_sid}/Tasks/{reservation.task_sid}").json
    assert task["assignment_status"] == "wrapping"
    assert http.get(f"{CONV}/Conversations/{conv}").json["state"] == "active"
    emu.simulate.complete(worker)
    task = http.get(f"{TR}/Workspaces/{emu.seeded.workspace_sid}/Tasks/{reservation.task_sid}").json
    assert task["assignment_status"] == "completed"
    assert http.get(f"{CONV}/Conversations/{conv}").json["state"] == "closed"
    assert http.get(f"{CONV}/Conversations/{conv}/Participants/{worker}").status == 404
    ch = http.get(f"{FLEX}/Interactions/{interaction.sid}/Channels/{channel.sid}").json
    assert ch["status"] == "closed"
    # the next message from the customer starts a new conversation
    again = emu.simulate.customer_message(SUPPORT, CUSTOMER, "One more thing")
    assert again.conversation_sid != conv
    # the 2010 log has every SMS, newest first, RFC 2822 dates, no meta
    log = http.get(f"{API}/Accounts/{emu.account_sid}/Messages.json").json
    assert "meta" not in log
    directions = [(m["direction"], m["body"]) for m in log["messages"]]
    assert directions == [
        ("inbound", "One more thing"),
        ("inbound", "Thanks"),
        ("outbound-api", "Let me check."),
        ("inbound", "Where is my order?"),
    ]
    assert email.utils.parsedate_to_datetime(log["messages"][0]["date_created"]).year == 2026
    assert log["messages"][0]["sid"].startswith("SM")


def test_webhook_address_posts_to_the_team_and_nothing_else(bare: Emulator) -> None:
    http = Http(bare)
    http.post(
        f"{CONV}/Configuration/Addresses",
        {
            "Type": "sms",
            "Address": SUPPORT,
            "AutoCreation.Enabled": "true",
            "AutoCreation.Type": "webhook",
            "AutoCreation.WebhookUrl": "https://team.example.com/inbound",
            "AutoCreation.WebhookMethod": "post",
            "AutoCreation.WebhookFilters": ["onMessageAdded", "onParticipantAdded"],
        },
    )
    got: list[WebhookRequest] = []
    bare.webhooks.register("https://team.example.com/inbound", lambda r: got.append(r) or 200)
    inbound = bare.simulate.customer_message(
        SUPPORT,
        CUSTOMER,
        "hello",
        media=[{"content_type": "image/jpeg", "filename": "p.jpg", "size": 10}],
    )
    bare.advance(60)
    assert [r.form()["EventType"] for r in got] == ["onParticipantAdded", "onMessageAdded"]
    msg = got[1].form()
    assert msg["Author"] == CUSTOMER
    assert msg["Body"] == "hello"
    assert msg["Source"] == "SMS"
    assert json.loads(msg["Media"])[0]["content_type"] == "image/jpeg"
    assert msg["ConversationSid"] == inbound.conversation_sid
    assert bare.flex.interactions == {}
    assert bare.studio.executions == {}
    log = http.get(f"{API}/Accounts/{bare.account_sid}/Messages.json").json["messages"]
    assert log[0]["sid"].startswith("MM")
    assert log[0]["num_media"] == "1"


def test_message_to_an_address_without_auto_creation_is_refused(bare: Emulator) -> None:
    with pytest.raises(ApiError) as err:
        bare.simulate.customer_message("+15005550099", CUSTOMER, "anyone?")
    assert err.value.status == 404


def test_reject_routes_to_the_other_agent(emu: Emulator) -> None:
    emu.simulate.customer_message(SUPPORT, CUSTOMER, "hi")
    emu.advance(0)
    first = "alice" if emu.simulate.reservations("alice") else "bob"
    other = "bob" if first == "alice" else "alice"
    emu.simulate.reject(first)
    assert len(emu.simulate.reservations(other)) == 1


def test_custom_orchestration_leaves_everything_to_the_team(emu: Emulator) -> None:
    emu.flex.orchestration = "custom"
    inbound = emu.simulate.customer_message(SUPPORT, CUSTOMER, "hi")
    emu.advance(0)
    worker = "alice" if emu.simulate.reservations("alice") else "bob"
    emu.simulate.accept(worker)
    conv = inbound.conversation
    assert [p.identity for p in conv.participants.values()] == [None]
    emu.simulate.complete(worker)
    assert conv.state == "active"


def test_2010_paging(emu: Emulator, http: Http) -> None:
    for i in range(3):
        emu.simulate.customer_message(SUPPORT, f"+1555000000{i}", f"m{i}")
    page = http.get(f"{API}/Accounts/{emu.account_sid}/Messages.json", params={"PageSize": 2}).json
    assert len(page["messages"]) == 2
    assert page["next_page_uri"].startswith(
        f"/2010-04-01/Accounts/{emu.account_sid}/Messages.json?"
    )
    nxt = http.get("https://api.twilio.com" + page["next_page_uri"]).json
    assert len(nxt["messages"]) == 1
    assert nxt["next_page_uri"] is None
    one = http.get(
        f"{API}/Accounts/{emu.account_sid}/Messages/{nxt['messages'][0]['sid']}.json"
    ).json
    assert one["body"] == "m0"
    filtered = http.get(
        f"{API}/Accounts/{emu.account_sid}/Messages.json", params={"From": "+15550000001"}
    ).json
    assert [m["body"] for m in filtered["messages"]] == ["m1"]
    other = http.get(f"{API}/Accounts/AC{'0' * 32}/Messages.json", check=False)
    assert other.status == 404
