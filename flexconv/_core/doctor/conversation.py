"""Step 3: did auto-creation make a conversation, with the sender as a participant?"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flexconv._core.doctor.report import Check
from flexconv._core.doctor.values import check, parse_time

__all__ = ["check_conversation", "pick_conversation"]


def pick_conversation(
    found: Iterable[Mapping[str, Any]], *, flex_number: str | None
) -> Mapping[str, Any] | None:
    """From a ParticipantConversations list: the sender's conversation through ``flex_number``,
    open ones first, then the newest."""
    rows = []
    for row in found:
        binding = row.get("participant_messaging_binding") or {}
        proxy = binding.get("proxy_address")
        if flex_number is not None and proxy is not None and proxy != flex_number:
            continue
        when = parse_time(row.get("conversation_date_created"))
        is_open = row.get("conversation_state") != "closed"
        rows.append((is_open, when.timestamp() if when else 0.0, row))
    if not rows:
        return None
    rows.sort(key=lambda r: (r[0], r[1]))
    return rows[-1][2]


def check_conversation(
    row: Mapping[str, Any] | None, *, customer: str, flex_number: str | None
) -> Check:
    """Check the conversation `pick_conversation` found (``None`` when none)."""
    if row is None:
        return check(
            "conversation",
            "failed",
            {"address": customer, "proxy_address": flex_number},
            problem=f"{customer} is in no conversation"
            + (f" through {flex_number}" if flex_number else "")
            + ": auto-creation did not run, or the conversation was deleted.",
            fix="Check step 2; look for errors in Monitor > Logs > Errors (Conversations).",
        )
    state = row.get("conversation_state")
    return check(
        "conversation",
        "ok",
        {
            "conversation_sid": row.get("conversation_sid"),
            "state": state,
            "participant_sid": row.get("participant_sid"),
            "date_created": parse_time(row.get("conversation_date_created")),
        },
    )
