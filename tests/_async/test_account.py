"""client.account.ensure against the spec-checked emulator: the example contact centre planned,
applied, re-planned as a no-op, one queue changed, a server error halfway, prune's limits."""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from flexconv import AsyncFlexConv
from flexconv._core.errors import ValidationError
from flexconv.emulator import Emulator
from flexconv.models.account import AccountPlan
from flexconv.models.channels import EnsureError
from tests.checked import CheckedEmulator

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "contact-centre.yaml"

#: Everything the example creates on a default-seeded emulator, in the order it is applied.
CREATED = [
    ("task_channel", "custom1"),
    ("task_queue", "Sales"),
    ("task_queue", "Support"),
    ("workflow", "Sales and support"),
    ("workflow", "Last agent, then Support"),
    ("flow", "Sales Messaging Flow"),
    ("address", "+15551230100"),
    ("address", "whatsapp:+15551230101"),
]
UPDATED = [
    ("attachments", "channel_configs"),
    ("workspace", "Flex Task Assignment"),
    ("conversations_webhooks", "account webhooks"),
]


@pytest.fixture
def spec() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text())
    return data


@pytest.fixture
def checked() -> CheckedEmulator:
    return CheckedEmulator(Emulator.from_scenario())


@pytest.fixture
async def client(checked: CheckedEmulator) -> AsyncIterator[AsyncFlexConv]:
    async with AsyncFlexConv.emulated(checked) as c:
        yield c
    checked.recorder.assert_clean()


def writes(checked: CheckedEmulator, since: int = 0) -> list[str]:
    return [f"{r.method} {r.url}" for r in checked.requests[since:] if r.method != "GET"]


def pairs(plan: AccountPlan, action: str) -> list[tuple[str, str]]:
    return [(i.kind, i.name) for i in plan.items if i.action == action]


async def test_plan_on_a_fresh_account_lists_every_creation(
    client: AsyncFlexConv, checked: CheckedEmulator, spec: dict[str, Any]
) -> None:
    plan = await client.account.ensure(spec, dry_run=True)
    assert not plan.applied
    assert pairs(plan, "create") == CREATED
    assert pairs(plan, "update") == UPDATED
    assert pairs(plan, "unchanged") == [("activity", "Break")]
    assert writes(checked) == []
    text = plan.describe()
    assert "8 to create, 3 to update, 1 unchanged, 0 to delete" in text
    # a name the plan creates is shown as such, not as a made-up SID
    assert "(new task_queue 'Support')" in text
    assert "(new flow 'Sales Messaging Flow')" in text


async def test_apply_creates_everything_and_a_second_apply_is_a_noop(
    client: AsyncFlexConv, checked: CheckedEmulator, spec: dict[str, Any]
) -> None:
    plan = await client.account.ensure(spec)
    assert plan.applied
    assert pairs(plan, "create") == CREATED
    assert all(i.sid for i in plan.created)
    # what was created is named by its SID in the applied plan
    assert "(new " not in plan.describe()

    queues = {q.friendly_name: q for q in await client.routing.task_queues.list().to_list()}
    assert queues["Sales"].target_workers == 'routing.skills HAS "sales"'
    assert queues["Sales"].max_reserved_workers == 1
    workflows = {w.friendly_name: w for w in await client.routing.workflows.list().to_list()}
    routing = workflows["Sales and support"].routing
    assert [t.queue for t in routing.filters[0].targets] == [
        queues["Sales"].sid,
        queues["Support"].sid,
    ]
    assert routing.default_queue == queues["Support"].sid
    sticky = workflows["Last agent, then Support"].routing
    assert sticky.filters[0].targets[0].known_worker_sid == "task.last_agent_sid"
    assert sticky.filters[0].targets[0].queue == queues["Support"].sid

    flow_sid = plan.find("flow", "Sales Messaging Flow").sid  # type: ignore[union-attr]
    assert flow_sid is not None
    flow = await client.studio.flows.fetch(flow_sid)
    widget = next(s for s in flow.definition["states"] if s["type"] == "send-to-flex")
    assert widget["properties"]["workflow"] == workflows["Sales and support"].sid
    chat = await client.task_channels.fetch("chat")
    assert widget["properties"]["channel"] == chat.sid
    sales_line = await client.channels.fetch("+15551230100")
    assert sales_line.auto_creation is not None
    assert sales_line.auto_creation.studio_flow_sid == flow_sid
    ws = await client.routing.workspaces.fetch()
    assert ws.event_callback_url == "https://backend.example.com/taskrouter"
    hooks = await client.conversations.configuration.webhooks.fetch()
    assert hooks.filters == ["onConversationAdded"]
    assert (await client.attachments.fetch("whatsapp")).max_file_size == 5 * 1024 * 1024

    before = len(checked.requests)
    again = await client.account.ensure(spec, dry_run=True)
    assert not again.changed
    assert again.describe() == "Nothing to do: 12 unchanged."
    applied = await client.account.ensure(spec)
    assert not applied.changed
    assert writes(checked, before) == []


async def test_changing_one_queue_expression_plans_exactly_that_change(
    client: AsyncFlexConv, checked: CheckedEmulator, spec: dict[str, Any]
) -> None:
    await client.account.ensure(spec)
    changed = copy.deepcopy(spec)
    changed["task_queues"][1]["target_workers"] = 'routing.skills HAS "support" OR level > 2'
    plan = await client.account.ensure(changed, dry_run=True)
    [item] = [i for i in plan.items if i.action != "unchanged"]
    assert (item.kind, item.name, item.action) == ("task_queue", "Support", "update")
    assert list(item.changes) == ["target_workers"]
    assert item.changes["target_workers"].before == 'routing.skills HAS "support"'
    before = len(checked.requests)
    await client.account.ensure(changed)
    [write] = writes(checked, before)
    assert write.startswith("POST ")
    assert "/TaskQueues/WQ" in write


async def test_a_server_error_halfway_reports_applied_and_remaining(
    client: AsyncFlexConv, checked: CheckedEmulator, spec: dict[str, Any]
) -> None:
    checked.emu.faults.server_error(
        500, method="POST", path="/v1/Workspaces/{WorkspaceSid}/Workflows", times=1
    )
    with pytest.raises(EnsureError) as info:
        await client.account.ensure(spec)
    err = info.value
    assert (err.failed.kind, err.failed.name) == ("workflow", "Sales and support")
    assert [(i.kind, i.name) for i in err.applied] == CREATED[:3]
    assert [(i.kind, i.name) for i in err.remaining] == CREATED[4:] + UPDATED
    assert "after applying 3 change(s), 7 not attempted" in str(err)
    assert "ensure stopped at create workflow 'Sales and support'" in str(err)
    names = {q.friendly_name for q in await client.routing.task_queues.list().to_list()}
    assert {"Sales", "Support"} <= names
    assert await client.channels.find("+15551230100") is None

    # running it again applies the rest, and only the rest
    plan = await client.account.ensure(spec)
    assert pairs(plan, "create") == CREATED[3:]
    assert not (await client.account.ensure(spec, dry_run=True)).changed


async def test_a_dangling_name_is_refused_before_anything_is_written(
    client: AsyncFlexConv, checked: CheckedEmulator, spec: dict[str, Any]
) -> None:
    spec["workflows"][0]["filters"][0]["targets"][0]["queue"] = "Marketing"
    with pytest.raises(ValidationError) as info:
        await client.account.ensure(spec)
    assert str(info.value) == (
        "workflows[0].filters[0].targets[0].queue: no task queue named 'Marketing'"
    )
    assert writes(checked) == []


async def test_names_may_refer_to_what_the_account_already_has(
    client: AsyncFlexConv, checked: CheckedEmulator
) -> None:
    spec = {
        "workflows": [
            {"friendly_name": "Sticky", "recipe": "last_agent_then_queue", "queue": "Everyone"}
        ],
        "flows": [
            {
                "friendly_name": "Sticky flow",
                "send_to_flex": {"workflow": "Sticky", "task_channel": "chat"},
            }
        ],
    }
    plan = await client.account.ensure(spec)
    assert pairs(plan, "create") == [("workflow", "Sticky"), ("flow", "Sticky flow")]
    everyone = await client.routing.task_queues.list(friendly_name="Everyone").to_list()
    wf = await client.routing.workflows.fetch(plan.created[0].sid or "")
    assert wf.routing.default_queue == everyone[0].sid


async def test_prune_deletes_what_a_listed_section_lacks_but_never_flex_defaults(
    client: AsyncFlexConv, checked: CheckedEmulator
) -> None:
    await client.routing.task_queues.create("Old queue")
    await client.routing.activities.create("Lunch", available=False)
    spec = {"task_queues": [{"friendly_name": "Sales"}], "activities": []}
    plan = await client.account.ensure(spec, dry_run=True, prune=True)
    assert pairs(plan, "delete") == [("task_queue", "Old queue"), ("activity", "Lunch")]
    # without prune nothing is deleted; sections the file lacks (workflows...) are left alone
    assert pairs(await client.account.ensure(spec, dry_run=True), "delete") == []
    await client.account.ensure(spec, prune=True)
    queues = {q.friendly_name for q in await client.routing.task_queues.list().to_list()}
    assert queues == {"Everyone", "Sales"}
    activities = {a.friendly_name for a in await client.routing.activities.list().to_list()}
    assert "Lunch" not in activities
    assert "Available" in activities


async def test_a_json_round_trip_of_the_plan(client: AsyncFlexConv, spec: dict[str, Any]) -> None:
    plan = await client.account.ensure(spec, dry_run=True)
    data = json.loads(json.dumps(plan.to_dict(), default=str))
    assert data["applied"] is False
    first = data["items"][0]
    assert first["kind"] == "task_channel"
    assert first["path"] == "task_channels[0]"
    assert first["changes"] == {"friendly_name": {"old": None, "new": "Custom chat"}}
