"""Conversations' account level against the spec-checked emulator: the configuration and the
account webhooks, roles (account and service), and the custom-orchestration helpers: an agent's
chat identity, adding a worker with the agent role, the narrower calls made wider (participant
identity and binding, message subject, webhook replay)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs

import pytest

from flexconv import AsyncFlexConv, ConfigurationError, NotFoundError
from flexconv._core.agents import agent_identity
from flexconv._core.errors import APIStatusError, ValidationError
from flexconv.emulator.flex.entities import worker_identity
from flexconv.models.conversations_account import RoleType, WebhookTarget
from flexconv.models.routing import Worker
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


async def test_configuration_fetch_and_update(client: AsyncFlexConv, centre: Centre) -> None:
    config = await client.conversations.configuration.fetch()
    assert config.default_chat_service_sid == centre.emu.conversations.chat_service_sid
    updated = await client.conversations.configuration.update(
        default_chat_service_sid=config.default_chat_service_sid,
        default_inactive_timer=timedelta(minutes=5),
        default_closed_timer="PT1H",
    )
    assert updated.default_inactive_timer == "PT5M"
    assert updated.default_closed_timer == "PT1H"
    assert (await client.conversations.configuration.fetch()).default_closed_timer == "PT1H"
    other_mg = "MG" + "1" * 32
    moved = await client.conversations.configuration.update(default_messaging_service_sid=other_mg)
    assert moved.default_messaging_service_sid == other_mg
    assert (
        await client.conversations.configuration.fetch()
    ).default_messaging_service_sid == other_mg
    with pytest.raises(NotFoundError):  # the account has no such Conversations service
        await client.conversations.configuration.update(default_chat_service_sid="IS" + "2" * 32)
    assert (await client.conversations.configuration.fetch()).default_chat_service_sid == (
        config.default_chat_service_sid
    )
    sent = len(centre.checked.requests)
    with pytest.raises(ValidationError, match="IS SID"):
        await client.conversations.configuration.update(default_chat_service_sid="MG" + "0" * 32)
    with pytest.raises(ValidationError, match="closed"):
        await client.conversations.configuration.update(default_closed_timer=timedelta(minutes=2))
    with pytest.raises(ValidationError, match="at least one"):
        await client.conversations.configuration.update()
    assert len(centre.checked.requests) == sent


async def test_account_webhooks_reach_the_backend(client: AsyncFlexConv, centre: Centre) -> None:
    hooks = await client.conversations.configuration.webhooks.fetch()
    assert hooks.post_webhook_url is None
    url = "https://backend.example.com/conversations"
    updated = await client.conversations.configuration.webhooks.update(
        post_webhook_url=url,
        filters=["onConversationAdded", "onMessageAdded"],
        method="POST",
        target="webhook",
    )
    assert updated.post_webhook_url == url
    assert updated.filters == ["onConversationAdded", "onMessageAdded"]
    assert updated.target == WebhookTarget.WEBHOOK
    assert _form(centre)["Filters"] == ["onConversationAdded", "onMessageAdded"]

    received: list[dict[str, Any]] = []
    centre.emu.webhooks.register(url, lambda req: received.append(req.form()))
    await client.conversations.create(friendly_name="new", webhooks=True)
    centre.emu.advance(0)
    assert [r["EventType"] for r in received] == ["onConversationAdded"]

    cleared = await client.conversations.configuration.webhooks.update(post_webhook_url="")
    assert cleared.post_webhook_url is None
    sent = len(centre.checked.requests)
    with pytest.raises(ValidationError, match="onConversationAdded"):
        await client.conversations.configuration.webhooks.update(filters=["onConversationAded"])
    with pytest.raises(ValidationError, match="list of events"):
        await client.conversations.configuration.webhooks.update(filters="onMessageAdded")
    with pytest.raises(ValidationError, match="http"):
        await client.conversations.configuration.webhooks.update(post_webhook_url="example.com")
    with pytest.raises(ValidationError, match="webhook' or 'flex"):
        await client.conversations.configuration.webhooks.update(target="studio")  # type: ignore[arg-type]
    assert len(centre.checked.requests) == sent


async def test_roles_account_and_service(client: AsyncFlexConv, centre: Centre) -> None:
    agent = await client.conversations.roles.find("agent")
    assert agent is not None
    assert agent.type == RoleType.CONVERSATION
    assert "sendMessage" in (agent.permissions or [])
    assert await client.conversations.roles.find("nobody") is None

    role = await client.conversations.roles.create(
        "supervisor", type="conversation", permissions=["sendMessage", "leaveConversation"]
    )
    assert role.sid is not None
    assert (await client.conversations.roles.fetch(role.sid)).permissions == [
        "sendMessage",
        "leaveConversation",
    ]
    changed = await client.conversations.roles.update(role.sid, permissions=["sendMessage"])
    assert changed.permissions == ["sendMessage"]

    # the account's roles are the default service's
    service = centre.emu.conversations.chat_service_sid
    in_service = await client.conversations.roles.list(service_sid=service).to_list()
    assert role.sid in {r.sid for r in in_service}
    fetched = await client.conversations.roles.fetch(role.sid, service_sid=service)
    assert f"/v1/Services/{service}/Roles/{role.sid}" in (fetched.url or "")
    made = await client.conversations.roles.create(
        "auditor", type="service", permissions=["editAnyUserInfo"], service_sid=service
    )
    assert made.chat_service_sid == service
    updated = await client.conversations.roles.update(
        made.sid or "", permissions=["editOwnUserInfo"], service_sid=service
    )
    assert updated.permissions == ["editOwnUserInfo"]
    assert (await client.conversations.roles.find("auditor")) is not None
    await client.conversations.roles.delete(made.sid or "", service_sid=service)
    await client.conversations.roles.delete(role.sid)
    names = {r.friendly_name async for r in client.conversations.roles.list()}
    assert not names & {"supervisor", "auditor"}
    with pytest.raises(APIStatusError) as info:
        await client.conversations.roles.list(service_sid="IS" + "0" * 32).to_list()
    assert info.value.status == 404

    sent = len(centre.checked.requests)
    with pytest.raises(ValidationError, match="conversation' or 'service"):
        await client.conversations.roles.create("x", type="room", permissions=["sendMessage"])  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="non-empty list"):
        await client.conversations.roles.create("x", type="conversation", permissions=[])
    with pytest.raises(ValidationError, match="string"):
        await client.conversations.roles.update(agent.sid or "", permissions="sendMessage")
    assert len(centre.checked.requests) == sent


def test_agent_identity_is_the_emulators_rule() -> None:
    class W:
        def __init__(self, attributes: dict[str, Any], friendly_name: str) -> None:
            self.attributes = attributes
            self.friendly_name = friendly_name

    cases = [
        ({"contact_uri": "client:alice"}, "alice"),
        ({"contact_uri": "client:alice_40example_2Ecom"}, "alice"),
        ({}, "bob"),
        ({"contact_uri": ""}, "carol"),
    ]
    for attributes, name in cases:
        assert agent_identity(attributes, name) == worker_identity(W(attributes, name))
    assert agent_identity('{"contact_uri": "client:dora"}', None) == "dora"
    with pytest.raises(ValidationError, match="contact_uri"):
        agent_identity({}, None)


async def test_add_a_worker_with_the_agent_role(client: AsyncFlexConv, centre: Centre) -> None:
    assert await client.routing.workers.fetch_identity(centre.alice) == "alice"
    bare = Worker(sid=centre.alice, friendly_name="alice")  # as a list may give it
    with pytest.raises(ValidationError, match="fetch it first"):
        client.routing.workers.build_identity(bare)
    conv = await client.conversations.create(friendly_name="help")
    agent = await client.conversations.participants.create_for_worker(conv.sid or "", centre.alice)
    assert agent.identity == "alice"
    role = await client.conversations.roles.find("agent")
    assert role is not None
    assert agent.role_sid == role.sid
    bob = await client.routing.workers.fetch(centre.bob)
    second = await client.conversations.participants.create_for_worker(conv.sid or "", bob)
    assert second.identity == "bob"

    await client.conversations.roles.delete(role.sid or "")
    with pytest.raises(ConfigurationError, match="no Conversations role 'agent'"):
        await client.conversations.participants.create_for_worker(conv.sid or "", centre.alice)


async def test_participant_identity_and_binding_update(
    client: AsyncFlexConv, centre: Centre
) -> None:
    conv = await client.conversations.create(friendly_name="sms")
    sid = conv.sid or ""
    customer = await client.conversations.participants.create(
        sid, address="+15551230000", proxy_address="+15005550006"
    )
    moved = await client.conversations.participants.update(
        sid, customer.sid or "", proxy_address="+15005550007"
    )
    assert (moved.messaging_binding or {})["proxy_address"] == "+15005550007"
    assert _form(centre)["MessagingBinding.ProxyAddress"] == ["+15005550007"]
    chat = await client.conversations.participants.create(sid, identity="guest-1")
    renamed = await client.conversations.participants.update(sid, chat.sid or "", identity="ada")
    assert renamed.identity == "ada"
    with pytest.raises(ValidationError, match="256"):
        await client.conversations.participants.update(sid, chat.sid or "", identity="x" * 257)


async def test_message_subject_and_webhook_replay(client: AsyncFlexConv, centre: Centre) -> None:
    conv = await client.conversations.create(friendly_name="mail")
    sid = conv.sid or ""
    await client.conversations.messages.create(sid, body="Hello", subject="Your order")
    assert _form(centre)["Subject"] == ["Your order"]
    flow = centre.emu.seeded.flows["Messaging Flow"]
    hook = await client.conversations.webhooks.create(
        sid, target="studio", flow_sid=flow, replay_after=0
    )
    assert _form(centre)["Configuration.ReplayAfter"] == ["0"]
    assert (hook.configuration or {})["replay_after"] == 0
    with pytest.raises(ValidationError, match="256"):
        await client.conversations.messages.create(sid, body="x", subject="s" * 257)
    with pytest.raises(ValidationError, match="message index"):
        await client.conversations.webhooks.create(
            sid, target="studio", flow_sid=flow, replay_after=-1
        )
