"""Conversations: conversations, participants, messages, scoped webhooks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from flexconv.models._base import Attributes, Model, OpenStrEnum

__all__ = [
    "Conversation",
    "ConversationState",
    "Message",
    "Participant",
    "ParticipantConversation",
    "ScopedWebhook",
]


class ConversationState(OpenStrEnum):
    """A conversation's state; ``closed`` is terminal."""

    INITIALIZING = "initializing"
    INACTIVE = "inactive"
    ACTIVE = "active"
    CLOSED = "closed"


@attrs.define(frozen=True, kw_only=True, repr=False)
class Conversation(Model):
    """A conversation (``CH…``)."""

    _repr_fields = ("sid", "state", "unique_name", "friendly_name")

    account_sid: str | None = None
    """SID (`AC…`) of the Twilio account that owns this resource."""
    chat_service_sid: str | None = None
    """SID (`IS…`) of the Conversations service the conversation lives in."""
    messaging_service_sid: str | None = None
    """SID (`MG…`) of the Messaging service that carries its SMS/WhatsApp messages."""
    sid: str | None = None
    """The conversation's SID (`CH…`)."""
    friendly_name: str | None = None
    """A readable name (up to 256 characters)."""
    unique_name: str | None = None
    """An application-chosen name, unique in the service, usable in URLs instead of the SID."""
    attributes: Attributes | None = None
    """Your own JSON metadata, decoded to a dict (`{}` when never set)."""
    state: ConversationState | None = None
    """`active`, `inactive` or `closed` (terminal); `initializing` while being set up."""
    date_created: datetime | None = None
    """When the resource was created (timezone-aware, UTC)."""
    date_updated: datetime | None = None
    """When the resource last changed (timezone-aware, UTC)."""
    timers: dict[str, Any] | None = None
    """When the conversation is due to become inactive or closed, if timers are set."""
    url: str | None = None
    """Absolute API URL of this conversation."""
    links: dict[str, str] | None = None
    """Absolute API URLs of its participants, messages and webhooks."""
    bindings: Any = None
    """Push-notification bindings, as Twilio returns them (usually `null`)."""


@attrs.define(frozen=True, kw_only=True, repr=False)
class Participant(Model):
    """A conversation participant (``MB…``): a chat identity or a messaging binding."""

    _repr_fields = ("sid", "identity", "messaging_binding", "role_sid")

    account_sid: str | None = None
    """SID (`AC…`) of the Twilio account that owns this resource."""
    conversation_sid: str | None = None
    """SID (`CH…`) of the conversation this resource belongs to."""
    sid: str | None = None
    """The participant's SID (`MB…`)."""
    identity: str | None = None
    """The chat identity (Conversations user) of a chat participant; `None` for an SMS/WhatsApp one.
    """
    attributes: Attributes | None = None
    """Your own JSON metadata, decoded to a dict (`{}` when never set)."""
    messaging_binding: dict[str, Any] | None = None
    """For a non-chat participant, how it exchanges messages: type, its `address` and the
    `proxy_address` Twilio sends from.
    """
    role_sid: str | None = None
    """SID (`RL…`) of the conversation role given to the participant."""
    date_created: datetime | None = None
    """When the resource was created (timezone-aware, UTC)."""
    date_updated: datetime | None = None
    """When the resource last changed (timezone-aware, UTC)."""
    url: str | None = None
    """Absolute API URL of this participant."""
    last_read_message_index: int | None = None
    """Index of the last message this participant has read."""
    last_read_timestamp: str | None = None
    """When this participant last read a message."""


@attrs.define(frozen=True, kw_only=True, repr=False)
class Message(Model):
    """A conversation message (``IM…``)."""

    _repr_fields = ("sid", "index", "author", "body")

    account_sid: str | None = None
    """SID (`AC…`) of the Twilio account that owns this resource."""
    conversation_sid: str | None = None
    """SID (`CH…`) of the conversation this resource belongs to."""
    sid: str | None = None
    """The message's SID (`IM…`)."""
    index: int | None = None
    """Position of the message in the conversation; always increasing, gaps allowed."""
    author: str | None = None
    """Who wrote it: an identity, an address, or `system`."""
    body: str | None = None
    """The message text (up to 1,600 characters)."""
    media: list[dict[str, Any]] | None = None
    """Attached media, one object each (`sid`, `content_type`, `filename`, `size`)."""
    attributes: Attributes | None = None
    """Your own JSON metadata, decoded to a dict (`{}` when never set)."""
    participant_sid: str | None = None
    """SID (`MB…`) of the participant who wrote it; `None` for a system message."""
    date_created: datetime | None = None
    """When the resource was created (timezone-aware, UTC)."""
    date_updated: datetime | None = None
    """When the message was last edited; `None` if never."""
    url: str | None = None
    """Absolute API URL of this message."""
    delivery: Any = None
    """A summary of delivery statuses towards non-chat participants."""
    links: dict[str, str] | None = None
    """Absolute API URLs of its delivery and read receipts."""
    content_sid: str | None = None
    """SID (`HX…`) of the rich content template the message was sent from."""


@attrs.define(frozen=True, kw_only=True, repr=False)
class ParticipantConversation(Model):
    """One conversation a participant (by address or identity) is in."""

    _repr_fields = ("conversation_sid", "conversation_state", "participant_sid")

    account_sid: str | None = None
    """SID (`AC…`) of the Twilio account that owns this resource."""
    chat_service_sid: str | None = None
    """SID (`IS…`) of the Conversations service of the conversation."""
    participant_sid: str | None = None
    """SID (`MB…`) of the participant in that conversation."""
    participant_user_sid: str | None = None
    """SID (`US…`) of the participant's Conversations user, for a chat participant."""
    participant_identity: str | None = None
    """The participant's chat identity; `None` for an SMS/WhatsApp participant."""
    participant_messaging_binding: dict[str, Any] | None = None
    """For a non-chat participant: binding type, address and proxy address."""
    conversation_sid: str | None = None
    """SID (`CH…`) of the conversation this resource belongs to."""
    conversation_unique_name: str | None = None
    """The conversation's application-chosen unique name."""
    conversation_friendly_name: str | None = None
    """The conversation's readable name."""
    conversation_attributes: Attributes | None = None
    """The conversation's own JSON metadata, decoded to a dict."""
    conversation_date_created: datetime | None = None
    """When the conversation was created."""
    conversation_date_updated: datetime | None = None
    """When the conversation last changed."""
    conversation_created_by: str | None = None
    """Identity of whoever created the conversation."""
    conversation_state: ConversationState | None = None
    """The conversation's state (`active`, `inactive`, `closed`)."""
    conversation_timers: dict[str, Any] | None = None
    """When the conversation is due to become inactive or closed."""
    links: dict[str, str] | None = None
    """Absolute API URLs of the participant and of the conversation."""


@attrs.define(frozen=True, kw_only=True, repr=False)
class ScopedWebhook(Model):
    """A conversation-scoped webhook (``WH…``): a webhook URL, a Studio flow or a trigger."""

    _repr_fields = ("sid", "target", "configuration")

    sid: str | None = None
    """The webhook's SID (`WH…`)."""
    account_sid: str | None = None
    """SID (`AC…`) of the Twilio account that owns this resource."""
    conversation_sid: str | None = None
    """SID (`CH…`) of the conversation this resource belongs to."""
    target: str | None = None
    """What receives the events: `webhook` (a URL), `studio` (a flow) or `trigger`."""
    url: str | None = None
    """Absolute API URL of this webhook resource."""
    configuration: dict[str, Any] | None = None
    """The target's settings (`url`, `method`, `filters`, `flow_sid`, `triggers`…)."""
    date_created: datetime | None = None
    """When the resource was created (timezone-aware, UTC)."""
    date_updated: datetime | None = None
    """When the resource last changed (timezone-aware, UTC)."""
