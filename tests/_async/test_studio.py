"""client.studio.flows against the spec-checked emulator: list, create, fetch, update, delete,
and the Messaging Flow definition built locally (and run by the emulator)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from flexconv import AsyncFlexConv
from flexconv._core.errors import APIStatusError, ValidationError
from flexconv.models.studio import FlowStatus
from tests.interactions_helpers import Centre, contact_centre


@pytest.fixture
def centre() -> Centre:
    return contact_centre()


@pytest.fixture
async def client(centre: Centre) -> AsyncIterator[AsyncFlexConv]:
    async with AsyncFlexConv.emulated(centre.checked) as c:
        yield c
    centre.checked.recorder.assert_clean()


async def test_flows_lifecycle(client: AsyncFlexConv, centre: Centre) -> None:
    flows = await client.studio.flows.list().to_list()
    assert [f.friendly_name for f in flows] == ["Messaging Flow"]
    chat = centre.emu.seeded.task_channels["chat"]
    definition = client.studio.flows.build_messaging_flow(
        centre.workflow_sid, chat, attributes={"team": "billing"}
    )
    sent = len(centre.checked.requests)
    assert len(centre.checked.requests) == sent  # building sends nothing
    flow = await client.studio.flows.create("Billing Flow", definition, commit_message="first")
    assert flow.sid is not None
    assert flow.status == FlowStatus.PUBLISHED
    assert flow.revision == 1
    fetched = await client.studio.flows.fetch(flow.sid)
    assert fetched.definition == definition
    widget = fetched.definition["states"][1]
    assert widget["type"] == "send-to-flex"
    assert widget["properties"]["workflow"] == centre.workflow_sid
    assert '"team": "billing"' in widget["properties"]["attributes"]

    draft = await client.studio.flows.update(flow.sid, status="draft", friendly_name="Billing")
    assert draft.status == FlowStatus.DRAFT
    assert draft.friendly_name == "Billing"
    assert draft.revision == 2
    names = {f.friendly_name async for f in client.studio.flows.list()}
    assert names == {"Messaging Flow", "Billing"}
    await client.studio.flows.delete(flow.sid)
    with pytest.raises(APIStatusError) as info:
        await client.studio.flows.fetch(flow.sid)
    assert info.value.status == 404


async def test_flow_arguments_are_checked_before_sending(
    client: AsyncFlexConv, centre: Centre
) -> None:
    flow_sid = centre.emu.seeded.flows["Messaging Flow"]
    with pytest.raises(ValidationError, match="states"):
        await client.studio.flows.create("x", {"initial_state": "Trigger"})
    with pytest.raises(ValidationError, match="initial_state must name"):
        await client.studio.flows.create(
            "x", {"states": [{"name": "Trigger", "type": "trigger"}], "initial_state": "Start"}
        )
    with pytest.raises(ValidationError, match="draft' or 'published"):
        await client.studio.flows.update(flow_sid, status="live")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="WW SID"):
        client.studio.flows.build_messaging_flow("Assign to Anyone", "TC" + "0" * 32)
    with pytest.raises(ValidationError, match="FW SID"):
        await client.studio.flows.fetch("Messaging Flow")
    assert centre.checked.requests == []
