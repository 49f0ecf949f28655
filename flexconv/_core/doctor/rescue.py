"""Rescue's pure part: the idempotency marker kept in conversation attributes and the decision
for one orphaned conversation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flexconv._core.doctor.report import RescueAction
from flexconv._core.doctor.values import attributes_of

__all__ = ["MARKER", "decide_rescue", "marked_attributes"]

#: The conversation attribute rescue records its interaction under.
MARKER = "flexconvRescue"


def decide_rescue(
    conversation: Mapping[str, Any], tasks: Iterable[Mapping[str, Any]]
) -> RescueAction:
    """What to do for one conversation, re-read just before acting: already rescued (the
    marker is there), already has a task, or create an interaction."""
    sid = str(conversation.get("sid"))
    marker = attributes_of(conversation.get("attributes")).get(MARKER)
    if isinstance(marker, Mapping) and marker.get("interaction_sid"):
        return RescueAction(
            conversation_sid=sid,
            action="already_rescued",
            interaction_sid=str(marker["interaction_sid"]),
            reason="rescued before (conversation attributes carry the marker)",
        )
    if conversation.get("state") == "closed":
        return RescueAction(conversation_sid=sid, action="closed", reason="closed since the scan")
    found = [str(t.get("sid")) for t in tasks]
    if found:
        return RescueAction(
            conversation_sid=sid,
            action="has_task",
            reason=f"a task references it already ({found[0]})",
        )
    return RescueAction(conversation_sid=sid, action="create_interaction")


def marked_attributes(
    conversation: Mapping[str, Any], *, interaction_sid: str, when: str
) -> dict[str, Any]:
    """The conversation's attributes with the rescue marker added (others kept)."""
    attrs = attributes_of(conversation.get("attributes"))
    attrs[MARKER] = {"interaction_sid": interaction_sid, "at": when}
    return attrs
