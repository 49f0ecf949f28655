"""Twilio's documentation pages the doctor links each check to."""

from __future__ import annotations

__all__ = ["DOCS"]

_FLEX = "https://www.twilio.com/docs/flex/developer/conversations"
DOCS: dict[str, str] = {
    "received": "https://www.twilio.com/docs/messaging/guides/debugging-tools",
    "address": f"{_FLEX}/manage-conversations-addresses",
    "conversation": "https://www.twilio.com/docs/conversations/inbound-autocreation",
    "webhook": "https://www.twilio.com/docs/conversations/api/conversation-scoped-webhook-resource",
    "studio": "https://www.twilio.com/docs/studio/user-guide/logs",
    "task": "https://www.twilio.com/docs/flex/developer/conversations/interactions-api",
    "agent": "https://www.twilio.com/docs/conversations/api/role-resource",
    "completion": f"{_FLEX}/interactions-api/interaction-channel-resource",
    "account": "https://www.twilio.com/docs/conversations/api/configuration-resource",
    "legacy": f"{_FLEX}/migrate-to-flex-conversations",
    "faq": "https://www.twilio.com/docs/conversations/faq",
}
