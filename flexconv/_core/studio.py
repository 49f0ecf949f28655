"""Pure building blocks for Studio flows: checking a flow definition's outline and building the
definition of Flex's Messaging Flow (a trigger handing conversation messages to Send to Flex)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from flexconv._core.errors import ValidationError
from flexconv._core.sids import check_sid

__all__ = ["FLOW_STATUSES", "check_definition", "flow_status", "messaging_flow_definition"]

#: A flow's ``Status``: ``draft`` keeps the published revision live, ``published`` replaces it.
FLOW_STATUSES = ("draft", "published")


def flow_status(value: object) -> str:
    """``draft`` or ``published``."""
    if value not in FLOW_STATUSES:
        raise ValidationError(f"status must be 'draft' or 'published', got {value!r}")
    return str(value)


def check_definition(definition: object) -> dict[str, Any]:
    """A flow definition's outline, as Studio's Flow Definition docs describe it: a JSON object
    with ``states`` (a list of named widgets) and ``initial_state`` naming one of them."""
    if not isinstance(definition, Mapping):
        raise ValidationError(
            f"definition must be a JSON object (a mapping), got {type(definition).__name__}"
        )
    states = definition.get("states")
    initial = definition.get("initial_state")
    if not isinstance(states, list) or not states:
        raise ValidationError(
            "A flow definition needs a non-empty 'states' list (Studio's Flow Definition docs)"
        )
    names = [s.get("name") for s in states if isinstance(s, Mapping)]
    if len(names) != len(states) or not all(isinstance(n, str) and n for n in names):
        raise ValidationError("Every state of a flow definition needs a 'name'")
    if initial not in names:
        raise ValidationError(
            f"initial_state must name one of the states ({', '.join(map(str, names))}), "
            f"got {initial!r} (Studio's Flow Definition docs)"
        )
    return dict(definition)


def messaging_flow_definition(
    workflow_sid: str,
    task_channel_sid: str,
    *,
    attributes: Mapping[str, Any] | None = None,
    description: str = "Messaging Flow",
) -> dict[str, Any]:
    """The definition of Flex's Messaging Flow: the trigger's ``incomingConversationMessage``
    goes to a Send to Flex widget that creates a task on ``workflow_sid`` and the task channel
    ``task_channel_sid`` (``TC…``), with the customer's name, channel type and conversation as
    task attributes (plus ``attributes``, Liquid templates allowed)."""
    check_sid(workflow_sid, "WW", "workflow_sid")
    check_sid(task_channel_sid, "TC", "task_channel_sid")
    task_attributes: dict[str, Any] = {
        "name": "{{trigger.conversation.ChannelAttributes.from}}",
        "channelType": "{{trigger.conversation.ChannelAttributes.channel_type}}",
        "channelSid": "{{trigger.conversation.ConversationSid}}",
    }
    task_attributes.update(attributes or {})
    return {
        "description": description,
        "states": [
            {
                "name": "Trigger",
                "type": "trigger",
                "transitions": [
                    {"event": "incomingMessage"},
                    {"event": "incomingCall"},
                    {"event": "incomingConversationMessage", "next": "SendMessageToAgent"},
                    {"event": "incomingRequest"},
                    {"event": "incomingParent"},
                ],
                "properties": {"offset": {"x": 0, "y": 0}},
            },
            {
                "name": "SendMessageToAgent",
                "type": "send-to-flex",
                "transitions": [
                    {"event": "callComplete"},
                    {"event": "failedToEnqueue"},
                    {"event": "callFailure"},
                ],
                "properties": {
                    "offset": {"x": 30, "y": 200},
                    "workflow": workflow_sid,
                    "channel": task_channel_sid,
                    "attributes": json.dumps(task_attributes),
                },
            },
        ],
        "initial_state": "Trigger",
        "flags": {"allow_concurrent_calls": True},
    }
