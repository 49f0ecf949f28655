"""client.task_channels against the emulator, and the custom chat channel helpers."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from flexconv import AsyncFlexConv
from flexconv._core.errors import ConfigurationError, NotFoundError, ValidationError
from tests.channels_helpers import FlexSetup, flex_emulator

CONV = "CH" + "12" * 16


@pytest.fixture
def setup() -> FlexSetup:
    return flex_emulator()


@pytest.fixture
async def client(setup: FlexSetup) -> AsyncIterator[AsyncFlexConv]:
    async with AsyncFlexConv.emulated(setup.checked) as c:
        yield c
    setup.checked.recorder.assert_clean()


async def test_crud_with_explicit_workspace(client: AsyncFlexConv, setup: FlexSetup) -> None:
    ws = setup.workspace_sid
    made = await client.task_channels.create(
        "custom1", friendly_name="Custom 1", channel_optimized_routing=True, workspace_sid=ws
    )
    assert made.sid is not None
    assert made.sid.startswith("TC")
    assert made.unique_name == "custom1"
    assert made.channel_optimized_routing is True
    names = [c.unique_name for c in await client.task_channels.list(workspace_sid=ws).to_list()]
    assert "custom1" in names
    assert "chat" in names
    assert (await client.task_channels.fetch("custom1", workspace_sid=ws)).sid == made.sid
    assert (await client.task_channels.fetch(made.sid, workspace_sid=ws)).unique_name == "custom1"
    changed = await client.task_channels.update(
        made.sid, friendly_name="Renamed", channel_optimized_routing=False, workspace_sid=ws
    )
    assert changed.friendly_name == "Renamed"
    assert changed.channel_optimized_routing is False
    await client.task_channels.delete(made.sid, workspace_sid=ws)
    with pytest.raises(NotFoundError):
        await client.task_channels.fetch(made.sid, workspace_sid=ws)


async def test_workspace_defaults_to_the_flex_configuration(
    client: AsyncFlexConv, setup: FlexSetup
) -> None:
    made = await client.task_channels.create("custom2")
    assert made.workspace_sid == setup.workspace_sid
    before = len(setup.checked.requests)
    await client.task_channels.fetch("custom2")
    assert len(setup.checked.requests) - before == 1  # the workspace is cached
    # one cache per client, shared by every group (and by with_options copies)
    names = [c.unique_name async for c in client.task_channels.list()]
    assert "custom2" in names
    flows = await client.with_options(timeout=5).routing.workflows.list().to_list()
    assert flows
    assert len(setup.checked.requests) - before == 3
    assert not any("/Configuration" in e.url for e in setup.checked.requests[before:])


async def test_no_workspace_anywhere(setup: FlexSetup) -> None:
    setup.emu.flex.update_configuration({"taskrouter_workspace_sid": None})
    async with AsyncFlexConv.emulated(setup.checked) as c:
        with pytest.raises(ConfigurationError, match="workspace"):
            await c.task_channels.list().to_list()


async def test_bad_input_sends_nothing(client: AsyncFlexConv, setup: FlexSetup) -> None:
    ws = setup.workspace_sid
    with pytest.raises(ValidationError, match="unique_name"):
        await client.task_channels.create("has space", workspace_sid=ws)
    with pytest.raises(ValidationError, match="friendly_name"):
        await client.task_channels.create("ok", friendly_name="x" * 65, workspace_sid=ws)
    with pytest.raises(ValidationError, match="WS SID"):
        await client.task_channels.list(workspace_sid="WS123").to_list()
    with pytest.raises(ValidationError, match="Nothing to update"):
        await client.task_channels.update("chat", workspace_sid=ws)
    with pytest.raises(ValidationError, match="TC SID"):
        await client.task_channels.fetch("WT" + "0" * 32, workspace_sid=ws)
    with pytest.raises(ValidationError, match="WS SID"):
        AsyncFlexConv.emulated(setup.checked, workspace_sid="nope")
    assert setup.checked.requests == []


async def test_custom_channel_tasks_carry_chat_attributes(
    client: AsyncFlexConv, setup: FlexSetup
) -> None:
    await client.task_channels.create("custom1")
    task = await client.routing.tasks.create_for_conversation(
        CONV,
        workflow_sid=setup.workflow_sid,
        task_channel="custom1",
        channel_type="custom1",
        customer_address="Ada",
        attributes={"topic": "billing"},
    )
    assert task.attributes == {
        "channelType": "custom1",
        "conversationSid": CONV,
        "conversations": {"media": [{"type": "ChatTranscript", "conversation_sid": CONV}]},
        "customerAddress": "Ada",
        "direction": "inbound",
        "from": "Ada",
        "name": "Ada",
        "topic": "billing",
    }
    assert task.task_channel_unique_name == "custom1"
    snippet = client.task_channels.build_flex_ui_snippet("custom1", channel_type="custom1")
    assert "createChatTaskChannel" in snippet
    assert 'task.taskChannelUniqueName === "custom1"' in snippet
    assert 'task.attributes.channelType === "custom1"' in snippet
