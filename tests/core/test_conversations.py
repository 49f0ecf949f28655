"""Pure helpers behind client.conversations: timers, states, webhook method, open conversations."""

from __future__ import annotations

from datetime import timedelta

import pytest

from flexconv import ValidationError
from flexconv._core.conversations import duration, open_conversations, state_value, webhook_method
from flexconv.models.conversations import ParticipantConversation

MINUTE = timedelta(minutes=1)


@pytest.mark.parametrize(
    ("value", "wire"),
    [
        (timedelta(minutes=5), "PT5M"),
        (timedelta(seconds=90), "PT90S"),
        (timedelta(hours=2), "PT120M"),
        ("PT5M", "PT5M"),
        ("P1D", "P1D"),
        ("PT1H30M", "PT1H30M"),
    ],
)
def test_duration_accepts_timedeltas_and_iso_strings(value: timedelta | str, wire: str) -> None:
    assert duration(value, "inactive_after", MINUTE) == wire


def test_duration_none_is_not_sent() -> None:
    assert duration(None, "inactive_after", MINUTE) is None


@pytest.mark.parametrize("bad", ["5 minutes", "PT", "P", "PT5", "T5M", 300])
def test_duration_refuses_other_forms(bad: object) -> None:
    with pytest.raises(ValidationError, match="ISO 8601 duration"):
        duration(bad, "inactive_after", MINUTE)  # type: ignore[arg-type]


def test_duration_below_the_minimum_names_it() -> None:
    with pytest.raises(ValidationError, match="closed_after must be at least 0:10:00, got PT5M"):
        duration("PT5M", "closed_after", timedelta(minutes=10))
    with pytest.raises(ValidationError, match="at least"):
        duration(timedelta(seconds=59), "inactive_after", MINUTE)


def test_state_value() -> None:
    assert state_value("closed") == "closed"
    assert state_value(None) is None
    with pytest.raises(ValidationError, match="initializing, inactive, active, closed"):
        state_value("open")


def test_webhook_method_is_lower_case_on_the_wire() -> None:
    assert webhook_method("POST") == "post"
    assert webhook_method("get") == "get"
    with pytest.raises(ValidationError, match="GET or POST"):
        webhook_method("PUT")


def _member(sid: str, state: str, proxy: str | None = None) -> ParticipantConversation:
    binding = {"address": "+15551230000", "proxy_address": proxy} if proxy else None
    return ParticipantConversation.from_dict(
        {
            "conversation_sid": sid,
            "conversation_state": state,
            "participant_messaging_binding": binding,
        }
    )


def test_open_conversations_skips_closed_and_puts_active_first() -> None:
    items = [_member("CH1", "closed"), _member("CH2", "inactive"), _member("CH3", "active")]
    assert [c.conversation_sid for c in open_conversations(items)] == ["CH3", "CH2"]


def test_open_conversations_filters_by_proxy_address() -> None:
    items = [_member("CH1", "active", "+15005550006"), _member("CH2", "active", "+15005550007")]
    found = open_conversations(items, proxy_address="+15005550007")
    assert [c.conversation_sid for c in found] == ["CH2"]
