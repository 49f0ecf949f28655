"""The pure parts of client.account.ensure: parsing with paths, planning against plain values,
name resolution, ordering and prune's limits."""

from __future__ import annotations

import json
from types import SimpleNamespace as NS
from typing import Any

import pytest

from flexconv._core.desired import AccountState, Names, parse_spec, plan_account, request_values
from flexconv._core.errors import ValidationError

WQ_EVERYONE = "WQ" + "1" * 32
WW_ANYONE = "WW" + "2" * 32
TC_CHAT = "TC" + "3" * 32


def state(**kwargs: Any) -> AccountState:
    base: dict[str, Any] = {
        "task_channels": [NS(sid=TC_CHAT, unique_name="chat", friendly_name="Chat")],
        "task_queues": [
            NS(
                sid=WQ_EVERYONE,
                friendly_name="Everyone",
                target_workers="1==1",
                max_reserved_workers=1,
                task_order="FIFO",
            ),
        ],
        "workflows": [
            NS(
                sid=WW_ANYONE,
                friendly_name="Assign to Anyone",
                task_reservation_timeout=120,
                configuration=json.dumps(
                    {"task_routing": {"filters": [], "default_filter": {"queue": WQ_EVERYONE}}}
                ),
            ),
        ],
        "activities": [NS(sid="WA" + "4" * 32, friendly_name="Available", available=True)],
    }
    base.update(kwargs)
    return AccountState(**base)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"queues": []}, "the document: unknown key 'queues'; expected task_channels"),
        ({"task_queues": [{"target_workers": "1==1"}]}, "task_queues[0].friendly_name: required"),
        (
            {"task_queues": [{"friendly_name": "A"}, {"friendly_name": "A"}]},
            "task_queues[1].friendly_name: 'A' is already task_queues[0]",
        ),
        (
            {"task_queues": [{"friendly_name": "A", "max_reserved_workers": 0}]},
            "task_queues[0].max_reserved_workers: ",
        ),
        (
            {"workflows": [{"friendly_name": "W", "recipe": "round_robin"}]},
            "workflows[0].recipe: expected one of last_agent_then_queue, got 'round_robin'",
        ),
        (
            {"workflows": [{"friendly_name": "W", "filters": [{"expression": "1==1", "targets": [{}]}]}]},
            "workflows[0].filters[0].targets[0].queue: required",
        ),
        (
            {"task_channels": [{"unique_name": "has space"}]},
            "task_channels[0].unique_name: unique_name must be 1-64 letters",
        ),
        ({"activities": [{"friendly_name": "Break", "available": "no"}]}, "activities[0].available: expected true or false"),
        ({"addresses": [{"address": "not a number", "type": "sms"}]}, "addresses[0]"),
        ({"attachments": {"web": {"number_of_attachments": 999}}}, "attachments: "),
        ({"workspace": {"event_callback_url": "ftp://x"}}, "workspace.event_callback_url: "),
        ({"conversations_webhooks": {"method": "PUT"}}, "conversations_webhooks.method: expected GET or POST"),
        ({"flows": [{"friendly_name": "F", "send_to_flex": {"workflow": "W"}}]}, "flows[0].send_to_flex.task_channel: required"),
    ],
)  # fmt: skip
def test_a_bad_document_is_refused_with_its_path(document: Any, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_spec(document)
    assert str(info.value).startswith(message)


def test_references_resolve_to_existing_sids_and_to_planned_creations() -> None:
    spec = parse_spec(
        {
            "task_queues": [{"friendly_name": "Sales"}],
            "workflows": [
                {
                    "friendly_name": "Route",
                    "filters": [{"expression": "1==1", "targets": [{"queue": "Sales"}]}],
                    "default_queue": "Everyone",
                }
            ],
        }
    )
    plan = plan_account(spec, state())
    [queue, workflow] = plan.items
    assert (queue.action, workflow.action) == ("create", "create")
    config = workflow.changes["configuration"].after
    assert config["task_routing"]["default_filter"]["queue"] == WQ_EVERYONE
    assert config["task_routing"]["filters"][0]["targets"][0]["queue"] == "(new task_queue 'Sales')"

    names = Names()
    names.add("task_queue", "Everyone", WQ_EVERYONE)
    names.record("task_queue", "Sales", "WQ" + "9" * 32)
    values = request_values(workflow, names)
    assert values["configuration"].filters[0].targets[0].queue == "WQ" + "9" * 32


def test_unchanged_fields_are_not_planned_and_unlisted_fields_not_compared() -> None:
    spec = parse_spec(
        {
            "task_queues": [{"friendly_name": "Everyone", "target_workers": "1==1"}],
            "workflows": [
                {"friendly_name": "Assign to Anyone", "default_queue": "Everyone", "filters": []}
            ],
        }
    )
    plan = plan_account(spec, state())
    assert [i.action for i in plan.items] == ["unchanged", "unchanged"]
    assert not plan.changed


def test_an_activity_cannot_change_availability() -> None:
    spec = parse_spec({"activities": [{"friendly_name": "Available", "available": False}]})
    with pytest.raises(ValidationError, match=r"activities\[0\]\.available: .*cannot change"):
        plan_account(spec, state())


def test_prune_keeps_flex_defaults_protected_sids_and_unlisted_sections() -> None:
    extra_queue = NS(sid="WQ" + "5" * 32, friendly_name="Old", target_workers="1==1")
    protected_queue = NS(sid="WQ" + "6" * 32, friendly_name="Flex's own", target_workers="1==1")
    current = state(
        task_queues=[*state().task_queues, extra_queue, protected_queue],
        task_channels=[
            *state().task_channels,
            NS(sid="TC" + "7" * 32, unique_name="custom9", friendly_name="x"),
        ],
        protected=frozenset({protected_queue.sid}),
    )
    spec = parse_spec({"task_queues": [], "task_channels": []})
    plan = plan_account(spec, current, prune=True)
    assert [(i.kind, i.name) for i in plan.deleted] == [
        ("task_queue", "Old"),
        ("task_channel", "custom9"),
    ]
    # workflows are not in the document: never pruned
    assert plan.find("workflow", "Assign to Anyone") is None


def test_changes_come_in_dependency_order_whatever_the_document_order() -> None:
    spec = parse_spec(
        {
            "flows": [
                {"friendly_name": "F", "send_to_flex": {"workflow": "W", "task_channel": "c1"}}
            ],
            "workflows": [{"friendly_name": "W", "recipe": "last_agent_then_queue", "queue": "Q"}],
            "task_queues": [{"friendly_name": "Q"}],
            "task_channels": [{"unique_name": "c1"}],
        }
    )
    plan = plan_account(spec, state())
    assert [i.kind for i in plan.items] == ["task_channel", "task_queue", "workflow", "flow"]
