"""Pure interactions logic: typed Channel/Routing values, channel closing, transfers, pacing."""

from __future__ import annotations

import pytest

from flexconv._core.errors import ValidationError
from flexconv._core.interactions import (
    ChannelFailedError,
    ChannelSpec,
    CustomerAddress,
    ExistingConversationError,
    RoutingSpec,
    channel_outcome,
    closing_values,
    transfer_body,
)
from flexconv._ratelimit import _Schedule

CH = "CH" + "1" * 32
WS = "WS" + "2" * 32
WW = "WW" + "3" * 32
WK = "WK" + "4" * 32
WQ = "WQ" + "5" * 32


def test_customer_initiated_channel() -> None:
    spec = ChannelSpec(type="sms", media_channel_sid=CH)
    assert spec.to_wire() == {
        "type": "sms",
        "initiated_by": "customer",
        "properties": {"media_channel_sid": CH},
    }
    assert ChannelSpec.from_wire(spec.to_wire()) == spec


def test_agent_initiated_channel_round_trip_keeps_unknown_keys() -> None:
    wire = {
        "type": "whatsapp",
        "initiated_by": "agent",
        "participants": [
            {"address": "whatsapp:+1555", "proxy_address": "whatsapp:+1666", "name": "Ann"}
        ],
        "properties": {"custom": 1},
        "future": "kept",
    }
    spec = ChannelSpec.from_wire(wire)
    assert spec.participants[0] == CustomerAddress(
        address="whatsapp:+1555", proxy_address="whatsapp:+1666", extra={"name": "Ann"}
    )
    assert spec.extra == {"future": "kept"}
    assert spec.to_wire() == wire


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"type": "fax", "media_channel_sid": CH}, "Channel type"),
        ({"type": "sms"}, "media_channel_sid"),
        ({"type": "sms", "media_channel_sid": "IS" + "0" * 32}, "CH SID"),
        ({"type": "sms", "media_channel_sid": CH, "initiated_by": "bot"}, "initiated_by"),
        (
            {
                "type": "sms",
                "media_channel_sid": CH,
                "participants": (CustomerAddress(address="+1"),),
            },
            "not both",
        ),
    ],
)
def test_channel_validation(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        ChannelSpec(**kwargs)  # type: ignore[arg-type]


def test_routing_round_trip() -> None:
    spec = RoutingSpec(
        workspace_sid=WS,
        workflow_sid=WW,
        task_channel_unique_name="chat",
        worker_sid=WK,
        attributes={"a": 1},
        priority=5,
        properties={"unknown": True},
        extra={"top": 1},
    )
    wire = spec.to_wire()
    assert wire == {
        "properties": {
            "workspace_sid": WS,
            "workflow_sid": WW,
            "task_channel_unique_name": "chat",
            "worker_sid": WK,
            "attributes": {"a": 1},
            "priority": 5,
            "unknown": True,
        },
        "top": 1,
    }
    assert RoutingSpec.from_wire(wire) == spec


def test_routing_validation() -> None:
    with pytest.raises(ValidationError, match="worker_sid"):
        RoutingSpec(worker_sid=WQ)
    with pytest.raises(ValidationError, match="priority"):
        RoutingSpec(priority=-1)


def test_inactive_always_carries_routing_closed() -> None:
    assert closing_values("inactive") == {"status": "inactive", "routing": {"status": "closed"}}
    assert closing_values("closed") == {"status": "closed"}
    with pytest.raises(ValidationError):
        closing_values("wrapup")  # type: ignore[arg-type]


def test_channel_outcome() -> None:
    assert channel_outcome("setup") == "pending"
    assert channel_outcome(None) == "pending"
    assert channel_outcome("active") == "active"
    assert channel_outcome("failed") == "failed"
    assert channel_outcome("closed") == "ended"


def test_transfer_body() -> None:
    assert transfer_body(type="cold", from_="UT1", to=WK) == {
        "type": "cold",
        "to": WK,
        "from": "UT1",
    }
    assert transfer_body(type="external", from_=None, to="+1555")["to"] == "+1555"
    with pytest.raises(ValidationError, match="worker"):
        transfer_body(type="warm", from_=None, to="+1555")
    with pytest.raises(ValidationError):
        transfer_body(type="hot", from_=None, to=WK)


def test_errors_name_what_matters() -> None:
    err = ChannelFailedError("KD1", "UO1", 20404, "Conversation not found")
    assert "20404" in str(err)
    assert err.code == 20404
    ex = ExistingConversationError("+1555", "CH9", "active")
    assert "CH9" in str(ex)
    assert "reuse" in str(ex)


def test_rate_schedule_spaces_requests_per_key() -> None:
    now = [0.0]
    sched = _Schedule(20, lambda: now[0])
    delays = [sched.reserve("a") for _ in range(3)]
    assert delays == pytest.approx([0.0, 0.05, 0.1])
    assert sched.reserve("b") == 0.0
    now[0] = 1.0
    assert sched.reserve("a") == 0.0
    with pytest.raises(ValidationError):
        _Schedule(0, lambda: 0.0)
