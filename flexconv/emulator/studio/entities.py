"""Studio's resources: flows, executions and steps, the ready-made messaging flow definition,
placeholder rendering and definition checks."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flexconv.emulator._base import bad_request, iso

if TYPE_CHECKING:
    pass


PRODUCT = "studio"
DEFAULT_BASE = "https://studio.twilio.com"

_PLACEHOLDER = re.compile(r"\{\{\s*([\w.]+)\s*\}\}")


def messaging_flow_definition(
    workflow_sid: str | None, task_channel_sid: str | None
) -> dict[str, Any]:
    """The definition of Flex's default "Messaging Flow": the trigger hands every incoming
    conversation message to a Send to Flex widget."""
    attributes = {
        "name": "{{trigger.conversation.ChannelAttributes.from}}",
        "channelType": "{{trigger.conversation.ChannelAttributes.channel_type}}",
        "channelSid": "{{trigger.conversation.ConversationSid}}",
    }
    return {
        "description": "Messaging Flow",
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
                    "attributes": json.dumps(attributes),
                },
            },
        ],
        "initial_state": "Trigger",
        "flags": {"allow_concurrent_calls": True},
    }


@dataclass
class Flow:
    """A Studio flow (``FW…``)."""

    sid: str
    friendly_name: str
    definition: dict[str, Any]
    status: str
    revision: int
    commit_message: str | None
    date_created: datetime
    date_updated: datetime

    def to_json(self, account_sid: str, base: str = DEFAULT_BASE) -> dict[str, Any]:
        url = f"{base}/v2/Flows/{self.sid}"
        return {
            "sid": self.sid,
            "account_sid": account_sid,
            "author_sid": None,
            "friendly_name": self.friendly_name,
            "definition": self.definition,
            "status": self.status,
            "revision": self.revision,
            "commit_message": self.commit_message,
            "valid": True,
            "errors": [],
            "warnings": [],
            "date_created": iso(self.date_created),
            "date_updated": iso(self.date_updated),
            "webhook_url": f"https://webhooks.twilio.com/v1/Accounts/{account_sid}/Flows/{self.sid}",
            "url": url,
            "links": {
                "test_users": f"{url}/TestUsers",
                "revisions": f"{url}/Revisions",
                "executions": f"{url}/Executions",
            },
        }


@dataclass
class Step:
    """An execution step (``FT…``): one widget run."""

    sid: str
    flow_sid: str
    execution_sid: str
    name: str
    type: str
    transitioned_from: str
    transitioned_to: str
    context: dict[str, Any]
    date_created: datetime

    def to_json(self, account_sid: str, base: str = DEFAULT_BASE) -> dict[str, Any]:
        url = f"{base}/v2/Flows/{self.flow_sid}/Executions/{self.execution_sid}/Steps/{self.sid}"
        return {
            "sid": self.sid,
            "account_sid": account_sid,
            "flow_sid": self.flow_sid,
            "execution_sid": self.execution_sid,
            "parent_step_sid": None,
            "name": self.name,
            "context": self.context,
            "transitioned_from": self.transitioned_from,
            "transitioned_to": self.transitioned_to,
            "type": self.type,
            "date_created": iso(self.date_created),
            "date_updated": iso(self.date_created),
            "url": url,
            "links": {"step_context": f"{url}/Context"},
        }


@dataclass
class Execution:
    """A flow execution (``FN…``)."""

    sid: str
    flow_sid: str
    flow_version: int
    contact_channel_address: str
    contact_sid: str
    context: dict[str, Any]
    status: str
    date_created: datetime
    date_updated: datetime
    conversation_sid: str | None = None
    steps: list[Step] = field(default_factory=list)

    def to_json(self, account_sid: str, base: str = DEFAULT_BASE) -> dict[str, Any]:
        url = f"{base}/v2/Flows/{self.flow_sid}/Executions/{self.sid}"
        return {
            "sid": self.sid,
            "account_sid": account_sid,
            "flow_sid": self.flow_sid,
            "contact_channel_address": self.contact_channel_address,
            "contact_sid": self.contact_sid,
            "flow_version": self.flow_version,
            "context": self.context,
            "status": self.status,
            "date_created": iso(self.date_created),
            "date_updated": iso(self.date_updated),
            "initiated_by": self.contact_sid,
            "url": url,
            "links": {"steps": f"{url}/Steps", "execution_context": f"{url}/Context"},
        }


def _lookup(context: dict[str, Any], dotted: str) -> Any:
    value: Any = context
    for part in dotted.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        else:
            return ""
    return value


def render(template: Any, context: dict[str, Any]) -> Any:
    """Fill ``{{a.b}}`` placeholders in strings (recursively in dicts and lists)."""
    if isinstance(template, str):
        return _PLACEHOLDER.sub(lambda m: str(_lookup(context, m.group(1))), template)
    if isinstance(template, dict):
        return {k: render(v, context) for k, v in template.items()}
    if isinstance(template, list):
        return [render(v, context) for v in template]
    return template


def _check_definition(definition: dict[str, Any]) -> None:
    states = definition.get("states")
    if not isinstance(states, list) or not states:
        raise bad_request("Definition needs a non-empty states list")
    names = set()
    for s in states:
        if not isinstance(s, dict) or "name" not in s or "type" not in s:
            raise bad_request("Every state needs a name and a type")
        names.add(s["name"])
    if definition.get("initial_state", "Trigger") not in names:
        raise bad_request("Definition's initial_state names no state")
