"""Pure routing logic: the workflow configuration builder/parser, the known-agent recipe, task
attributes and the interaction-task check."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flexconv._core.errors import ValidationError
from flexconv._core.routing import (
    RoutingFilter,
    RoutingTarget,
    WorkerLookupError,
    WorkflowConfiguration,
    check_assignment_statuses,
    conversation_task_attributes,
    interaction_of_task,
    last_agent_then_queue,
    pick_one_worker,
)

WQ = "WQ" + "a" * 32
WQ2 = "WQ" + "b" * 32
WK = "WK" + "c" * 32
CH = "CH" + "d" * 32


def test_recipe_renders_known_agent_then_queue() -> None:
    config = last_agent_then_queue(WQ, timeout=45)
    assert config.to_dict() == {
        "task_routing": {
            "filters": [
                {
                    "filter_friendly_name": "Last agent, then queue",
                    "expression": "last_agent_sid != null",
                    "targets": [
                        {"queue": WQ, "timeout": 45, "known_worker_sid": "task.last_agent_sid"},
                        {"queue": WQ},
                    ],
                }
            ],
            "default_filter": {"queue": WQ},
        }
    }


def test_recipe_by_friendly_name_and_other_default() -> None:
    config = last_agent_then_queue(
        WQ, timeout=10, attribute="task.agent_name", by="friendly_name", default_queue=WQ2
    )
    target = config.filters[0].targets[0]
    assert target.known_worker_friendly_name == "task.agent_name"
    assert target.known_worker_sid is None
    assert config.default_queue == WQ2


@pytest.mark.parametrize(
    "kwargs",
    [
        {"timeout": 0},
        {"timeout": -1},
        {"attribute": "bad-name"},
        {"attribute": ""},
        {"by": "email"},
    ],
)
def test_recipe_rejects_bad_input(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        last_agent_then_queue(WQ, **kwargs)  # type: ignore[arg-type]


def test_recipe_rejects_non_queue() -> None:
    with pytest.raises(ValidationError, match="WQ SID"):
        last_agent_then_queue(WK)


def test_round_trip_keeps_unknown_keys() -> None:
    raw = {
        "task_routing": {
            "filters": [
                {
                    "filter_friendly_name": "VIP",
                    "expression": "vip == true",
                    "targets": [
                        {
                            "queue": WQ,
                            "expression": "worker.level > 2",
                            "priority": 10,
                            "timeout": 30,
                            "order_by": "worker.level DESC",
                            "skip_if": "workers.available == 0",
                            "new_key": {"x": 1},
                        }
                    ],
                    "filter_extra": True,
                }
            ],
            "default_filter": {"queue": WQ2, "other": 1},
            "routing_extra": "kept",
        },
        "top_extra": [1, 2],
    }
    config = WorkflowConfiguration.from_json(json.dumps(raw))
    assert config.to_dict() == raw
    assert WorkflowConfiguration.from_json(config.to_json()) == config
    assert config.filters[0].targets[0].extra == {"new_key": {"x": 1}}


targets = st.builds(
    RoutingTarget,
    queue=st.sampled_from([WQ, WQ2]),
    expression=st.none() | st.just("worker.skill == task.skill"),
    timeout=st.none() | st.integers(0, 3600),
    priority=st.none() | st.integers(0, 100),
    known_worker_sid=st.none() | st.just("task.last_agent_sid") | st.just(WK),
)
filters = st.builds(
    RoutingFilter,
    expression=st.sampled_from(["1==1", "language == 'es'", "vip == true"]),
    targets=st.lists(targets, min_size=1, max_size=3).map(tuple),
    friendly_name=st.none() | st.text(min_size=1, max_size=10),
)


@given(st.lists(filters, max_size=3).map(tuple), st.none() | st.sampled_from([WQ, WQ2]))
def test_round_trip_property(fs: tuple[RoutingFilter, ...], default: str | None) -> None:
    config = WorkflowConfiguration(filters=fs, default_queue=default)
    assert WorkflowConfiguration.from_json(config.to_json()) == config


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        "[]",
        "{}",
        '{"task_routing": {"filters": {}}}',
        '{"task_routing": {"filters": [{"expression": "1==1"}]}}',
        '{"task_routing": {"filters": [{"expression": "1==1", "targets": [{"timeout": 5}]}]}}',
    ],
)
def test_parse_errors(raw: str) -> None:
    with pytest.raises(ValidationError):
        WorkflowConfiguration.from_json(raw)


def test_target_checks() -> None:
    with pytest.raises(ValidationError, match="not both"):
        RoutingTarget(queue=WQ, known_worker_sid=WK, known_worker_friendly_name="task.x")
    with pytest.raises(ValidationError, match="task attribute"):
        RoutingTarget(queue=WQ, known_worker_sid="last_agent_sid")
    with pytest.raises(ValidationError, match="at least one target"):
        RoutingFilter(expression="1==1", targets=())


def test_conversation_task_attributes() -> None:
    attrs = conversation_task_attributes(
        CH,
        customer_address="+15551230000",
        channel_type="sms",
        known_worker_sid=WK,
        extra={"vip": True},
    )
    assert attrs["conversationSid"] == CH
    assert attrs["conversations"]["media"][0]["conversation_sid"] == CH
    assert attrs["customerAddress"] == attrs["from"] == "+15551230000"
    assert attrs["last_agent_sid"] == WK
    assert attrs["vip"] is True
    assert attrs["channelType"] == "sms"
    assert attrs["direction"] == "inbound"
    with pytest.raises(ValidationError):
        conversation_task_attributes("IS" + "0" * 32)


def test_conversation_task_attributes_for_a_custom_channel() -> None:
    attrs = conversation_task_attributes(CH, channel_type="custom1", direction="outbound")
    assert attrs == {
        "conversationSid": CH,
        "conversations": {"media": [{"type": "ChatTranscript", "conversation_sid": CH}]},
        "direction": "outbound",
        "channelType": "custom1",
    }
    named = conversation_task_attributes(CH, customer_address="+15551230000", name="Ada")
    assert named["name"] == "Ada"
    assert named["from"] == "+15551230000"
    with pytest.raises(ValidationError, match="CH SID"):
        conversation_task_attributes("CH1", channel_type="x")
    with pytest.raises(ValidationError, match="channel_type"):
        conversation_task_attributes(CH, channel_type="two words")
    with pytest.raises(ValidationError, match="may not replace channelType"):
        conversation_task_attributes(CH, channel_type="x", extra={"channelType": "y"})
    with pytest.raises(ValidationError, match="direction"):
        conversation_task_attributes(CH, direction="sideways")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="JSON"):
        conversation_task_attributes(CH, extra={"when": object()})


def test_interaction_of_task() -> None:
    attrs = {"flexInteractionSid": "KD1", "flexInteractionChannelSid": "UO1"}
    assert interaction_of_task(attrs) == ("KD1", "UO1")
    assert interaction_of_task(json.dumps(attrs)) == ("KD1", "UO1")
    assert interaction_of_task({"conversationSid": CH}) is None
    assert interaction_of_task(None) is None
    assert interaction_of_task("not json") is None


def test_assignment_statuses() -> None:
    assert check_assignment_statuses("pending") == ["pending"]
    assert check_assignment_statuses(("pending", "reserved")) == ["pending", "reserved"]
    assert check_assignment_statuses(None) is None
    with pytest.raises(ValidationError):
        check_assignment_statuses(["open"])


def test_pick_one_worker() -> None:
    class W:
        def __init__(self, sid: str) -> None:
            self.sid = sid

    assert pick_one_worker([W("WK1")], "x").sid == "WK1"
    with pytest.raises(WorkerLookupError, match="No worker"):
        pick_one_worker([], "x")
    with pytest.raises(WorkerLookupError, match="2 workers") as info:
        pick_one_worker([W("WK1"), W("WK2")], "x")
    assert info.value.candidates == ["WK1", "WK2"]
