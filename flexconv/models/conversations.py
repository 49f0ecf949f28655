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
    chat_service_sid: str | None = None
    messaging_service_sid: str | None = None
    sid: str | None = None
    friendly_name: str | None = None
    unique_name: str | None = None
    attributes: Attributes | None = None
    state: ConversationState | None = None
    date_created: datetime | None = None
    date_updated: datetime | None = None
    timers: dict[str, Any] | None = None
    url: str | None = None
    links: dict[str, str] | None = None
    bindings: Any = None


@attrs.define(frozen=True, kw_only=True, repr=False)
class Participant(Model):
    """A conversation participant (``MB…``): a chat identity or a messaging binding."""

    _repr_fields = ("sid", "identity", "messaging_binding", "role_sid")

    account_sid: str | None = None
    conversation_sid: str | None = None
    sid: str | None = None
    identity: str | None = None
    attributes: Attributes | None = None
    messaging_binding: dict[str, Any] | None = None
    role_sid: str | None = None
    date_created: datetime | None = None
    date_updated: datetime | None = None
    url: str | None = None
    last_read_message_index: int | None = None
    last_read_timestamp: str | None = None


@attrs.define(frozen=True, kw_only=True, repr=False)
class Message(Model):
    """A conversation message (``IM…``)."""

    _repr_fields = ("sid", "index", "author", "body")

    account_sid: str | None = None
    conversation_sid: str | None = None
    sid: str | None = None
    index: int | None = None
    author: str | None = None
    body: str | None = None
    media: list[dict[str, Any]] | None = None
    attributes: Attributes | None = None
    participant_sid: str | None = None
    date_created: datetime | None = None
    date_updated: datetime | None = None
    url: str | None = None
    delivery: Any = None
    links: dict[str, str] | None = None
    content_sid: str | None = None


@attrs.define(frozen=True, kw_only=True, repr=False)
class ParticipantConversation(Model):
    """One conversation a participant (by address or identity) is in."""

    _repr_fields = ("conversation_sid", "conversation_state", "participant_sid")

    account_sid: str | None = None
    chat_service_sid: str | None = None
    participant_sid: str | None = None
    participant_user_sid: str | None = None
    participant_identity: str | None = None
    participant_messaging_binding: dict[str, Any] | None = None
    conversation_sid: str | None = None
    conversation_unique_name: str | None = None
    conversation_friendly_name: str | None = None
    conversation_attributes: Attributes | None = None
    conversation_date_created: datetime | None = None
    conversation_date_updated: datetime | None = None
    conversation_created_by: str | None = None
    conversation_state: ConversationState | None = None
    conversation_timers: dict[str, Any] | None = None
    links: dict[str, str] | None = None


@attrs.define(frozen=True, kw_only=True, repr=False)
class ScopedWebhook(Model):
    """A conversation-scoped webhook (``WH…``): a webhook URL, a Studio flow or a trigger."""

    _repr_fields = ("sid", "target", "configuration")

    sid: str | None = None
    account_sid: str | None = None
    conversation_sid: str | None = None
    target: str | None = None
    url: str | None = None
    configuration: dict[str, Any] | None = None
    date_created: datetime | None = None
    date_updated: datetime | None = None
