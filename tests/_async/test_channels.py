"""client.channels against the emulator: CRUD, paging, ensure, validation, Flex setups."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from flexconv import AsyncFlexConv
from flexconv._core.errors import NotFoundError, ValidationError
from flexconv.models.channels import (
    DefaultTarget,
    DesiredAddress,
    StudioTarget,
    WebhookTarget,
)
from tests.channels_helpers import CUSTOMER, HOOK_URL, PHONE, FlexSetup, flex_emulator

FLOW = "FW" + "ab" * 16


@pytest.fixture
def setup() -> FlexSetup:
    return flex_emulator()


@pytest.fixture
async def client(setup: FlexSetup) -> AsyncIterator[AsyncFlexConv]:
    async with AsyncFlexConv.emulated(setup.checked) as c:
        yield c
    setup.checked.recorder.assert_clean()


async def test_create_get_update_delete(client: AsyncFlexConv, setup: FlexSetup) -> None:
    made = await client.channels.create(
        "whatsapp:+15551230000",
        friendly_name="WhatsApp support",
        auto_creation=WebhookTarget(HOOK_URL, "get", ("onMessageAdded", "onParticipantAdded")),
    )
    assert made.sid is not None
    assert made.sid.startswith("IG")
    assert made.type == "whatsapp"
    assert made.auto_creation is not None
    assert made.auto_creation.webhook_method == "GET"
    assert sorted(made.auto_creation.webhook_filters or []) == [
        "onMessageAdded",
        "onParticipantAdded",
    ]
    # the wire value of the method is lowercase
    body = setup.checked.requests[-1].body.decode()
    assert "AutoCreation.WebhookMethod=get" in body
    assert body.count("AutoCreation.WebhookFilters=") == 2

    by_sid = await client.channels.fetch(made.sid)
    by_address = await client.channels.fetch("whatsapp:+15551230000")
    assert by_sid.sid == by_address.sid == made.sid

    changed = await client.channels.update(
        "whatsapp:+15551230000", auto_creation=StudioTarget(setup.flow_sid, 2), friendly_name="WA"
    )
    assert changed.friendly_name == "WA"
    assert changed.auto_creation is not None
    assert changed.auto_creation.type == "studio"
    assert changed.auto_creation.studio_flow_sid == setup.flow_sid
    assert changed.auto_creation.studio_retry_count == 2

    off = await client.channels.update(made.sid, auto_creation=False)
    assert off.auto_creation is not None
    assert off.auto_creation.enabled is False

    await client.channels.delete(made.sid)
    with pytest.raises(NotFoundError):
        await client.channels.fetch(made.sid)
    assert await client.channels.find("whatsapp:+15551230000") is None


async def test_list_pages_past_the_maximum(client: AsyncFlexConv, setup: FlexSetup) -> None:
    for n in range(55):
        await client.channels.create(f"+1555000{n:04d}")
    await client.channels.create("messenger:1234567890", auto_creation=DefaultTarget())
    before = len(setup.checked.requests)
    sms = await client.channels.list(type="sms").to_list()
    assert len(sms) == 55
    assert len(setup.checked.requests) - before == 2  # 50 + 5
    everything = await client.channels.list(page_size=20).to_list()
    assert len(everything) == 56
    assert {a.address for a in everything} >= {"messenger:1234567890", "+15550000054"}
    assert len(await client.channels.list(limit=3).to_list()) == 3
    with pytest.raises(ValidationError):
        client.channels.list(page_size=51)


async def test_ensure_twice_is_a_noop(client: AsyncFlexConv, setup: FlexSetup) -> None:
    desired = [
        DesiredAddress(PHONE, auto_creation=StudioTarget(setup.flow_sid), friendly_name="Main"),
        DesiredAddress("whatsapp:+15551230009", auto_creation=WebhookTarget(HOOK_URL)),
        DesiredAddress("messenger:987654321"),
    ]
    first = await client.channels.ensure(desired)
    assert first.applied
    assert [i.action for i in first.items] == ["create", "create", "create"]
    assert all(i.result is not None and i.sid for i in first.items)

    before = len(setup.checked.requests)
    second = await client.channels.ensure(desired)
    assert [i.action for i in second.items] == ["unchanged"] * 3
    assert not second.changed
    assert len(setup.checked.requests) - before == 1  # the list only

    desired[0] = DesiredAddress(PHONE, auto_creation=WebhookTarget(HOOK_URL), friendly_name="Main")
    plan = await client.channels.ensure(desired, dry_run=True)
    assert not plan.applied
    [upd] = plan.updated
    assert upd.changes["auto_creation.type"].before == "studio"
    assert upd.changes["auto_creation.type"].after == "webhook"
    assert "friendly_name" not in upd.changes
    still = await client.channels.fetch(PHONE)
    assert still.auto_creation is not None
    assert still.auto_creation.type == "studio"

    applied = await client.channels.ensure(desired)
    assert [i.action for i in applied.items] == ["update", "unchanged", "unchanged"]
    third = await client.channels.ensure(desired)
    assert not third.changed


async def test_ensure_prunes_only_when_asked(client: AsyncFlexConv) -> None:
    await client.channels.create("+15551239999")
    keep = DesiredAddress("+15551238888")
    plan = await client.channels.ensure(keep)
    assert [i.action for i in plan.items] == ["create"]
    assert len(await client.channels.list().to_list()) == 2
    pruned = await client.channels.ensure([keep], prune=True)
    assert [(i.action, i.address) for i in pruned.items] == [
        ("unchanged", "+15551238888"),
        ("delete", "+15551239999"),
    ]
    assert [a.address for a in await client.channels.list().to_list()] == ["+15551238888"]


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("5551230000", "sms"),
        ("+0123", "sms"),
        ("+15551230000", "whatsapp"),
        ("whatsapp:15551230000", "whatsapp"),
        ("messenger:my-page", "messenger"),
        ("support.example.com", "email"),
        ("gbm:", "gbm"),
        ("rcs:has space", "rcs"),
        ("apple:", "apple"),
        ("has space", "chat"),
    ],
)
async def test_bad_addresses_send_nothing(
    client: AsyncFlexConv, setup: FlexSetup, address: str, kind: str
) -> None:
    with pytest.raises(ValidationError, match="address must be"):
        await client.channels.create(address, type=kind)
    with pytest.raises(ValidationError, match="address must be"):
        await client.channels.ensure(DesiredAddress(address, type=kind))
    assert setup.checked.requests == []


async def test_bad_targets_send_nothing(client: AsyncFlexConv, setup: FlexSetup) -> None:
    with pytest.raises(ValidationError, match="FW SID"):
        await client.channels.route_to_flex(PHONE, flow_sid="not-a-flow")
    with pytest.raises(ValidationError, match="http"):
        await client.channels.route_to_webhook(PHONE, webhook_url="ftp://x")
    with pytest.raises(ValidationError, match="filter"):
        await client.channels.route_to_webhook(
            PHONE, webhook_url=HOOK_URL, filters=["onEverything"]
        )
    with pytest.raises(ValidationError, match="GET or POST"):
        await client.channels.route_to_webhook(PHONE, webhook_url=HOOK_URL, method="PUT")
    with pytest.raises(ValidationError, match="IS SID"):
        await client.channels.create(PHONE, conversation_service_sid="IS123")
    with pytest.raises(ValidationError, match="type must be"):
        await client.channels.create(PHONE, type="fax")
    with pytest.raises(ValidationError, match="Nothing to update"):
        await client.channels.update(PHONE)
    assert setup.checked.requests == []


async def test_ie1_is_chat_only(setup: FlexSetup) -> None:
    async with AsyncFlexConv.emulated(setup.checked, region="ie1") as ie1:
        with pytest.raises(ValidationError, match="ie1"):
            await ie1.channels.create(PHONE)
        with pytest.raises(ValidationError, match="ie1"):
            await ie1.channels.ensure([DesiredAddress("whatsapp:+15551230000")])
        with pytest.raises(ValidationError, match="ie1"):
            await ie1.channels.route_to_webhook(PHONE, webhook_url=HOOK_URL)
        assert setup.checked.requests == []
        made = await ie1.channels.create("support-chat", type="chat")
        assert made.type == "chat"
        renamed = await ie1.channels.update("support-chat", friendly_name="Web chat")
        assert renamed.friendly_name == "Web chat"
        with pytest.raises(ValidationError, match="ie1"):
            await ie1.channels.update("whatsapp:+15551230000", auto_creation=False)


async def test_custom_orchestration_reaches_the_webhook(
    client: AsyncFlexConv, setup: FlexSetup
) -> None:
    configured = await client.channels.route_to_webhook(
        PHONE, webhook_url=HOOK_URL, filters=["onMessageAdded", "onConversationStateUpdated"]
    )
    assert configured.auto_creation is not None
    assert configured.auto_creation.type == "webhook"
    assert configured.auto_creation.webhook_url == HOOK_URL
    again = await client.channels.route_to_webhook(
        PHONE, webhook_url=HOOK_URL, filters=["onConversationStateUpdated", "onMessageAdded"]
    )
    assert again.sid == configured.sid

    inbound = setup.emu.simulate.customer_message(PHONE, CUSTOMER, "I need help")
    setup.emu.advance(0)
    events = [r.form() for r in setup.hook_calls]
    added = [e for e in events if e.get("EventType") == "onMessageAdded"]
    assert added, events
    assert added[0]["ConversationSid"] == inbound.conversation_sid
    assert added[0]["Body"] == "I need help"
    assert setup.emu.studio.executions == {}
    assert setup.emu.flex.interactions == {}


async def test_route_to_flex_creates_interaction_and_task(
    client: AsyncFlexConv, setup: FlexSetup
) -> None:
    configured = await client.channels.route_to_flex(PHONE, flow_sid=setup.flow_sid)
    assert configured.auto_creation is not None
    assert configured.auto_creation.type == "studio"
    assert configured.auto_creation.studio_flow_sid == setup.flow_sid

    inbound = setup.emu.simulate.customer_message(PHONE, CUSTOMER, "Hi, my order?")
    setup.emu.advance(0)
    [execution] = setup.emu.studio.executions.values()
    assert execution.conversation_sid == inbound.conversation_sid
    assert len(setup.emu.flex.interactions) == 1
    ws = setup.emu.taskrouter.workspaces[setup.workspace_sid]
    [task] = ws.tasks.values()
    assert task.task_channel_unique_name == "chat"
    assert setup.hook_calls == []
