"""Conversations webhooks, pre-events and post-events:
[`ConversationsEvent`][flexconv.events.ConversationsEvent] and the
[`PreEventAnswer`][flexconv.events.PreEventAnswer] that answers a pre-event."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

import attrs

from flexconv.events.models.base import (
    Event,
    _Decoder,
    _fields,
    _int,
    _iso,
    _json_any,
    _json_object,
    _str,
)

__all__ = [
    "CONVERSATIONS_POST_EVENTS",
    "CONVERSATIONS_PRE_EVENTS",
    "ConversationsEvent",
    "PreEventAnswer",
]

#: Conversations pre-events: sent before the action; the answer can refuse or modify it.
CONVERSATIONS_PRE_EVENTS: frozenset[str] = frozenset(
    {
        "onMessageAdd",
        "onMessageUpdate",
        "onMessageRemove",
        "onConversationAdd",
        "onConversationUpdate",
        "onConversationRemove",
        "onParticipantAdd",
        "onParticipantUpdate",
        "onParticipantRemove",
        "onUserUpdate",
    }
)

#: Conversations post-events: sent after the action; the answer only acknowledges.
CONVERSATIONS_POST_EVENTS: frozenset[str] = frozenset(
    {
        "onMessageAdded",
        "onMessageUpdated",
        "onMessageRemoved",
        "onConversationAdded",
        "onConversationUpdated",
        "onConversationRemoved",
        "onConversationStateUpdated",
        "onParticipantAdded",
        "onParticipantUpdated",
        "onParticipantRemoved",
        "onDeliveryUpdated",
        "onUserAdded",
        "onUserUpdated",
    }
)


@attrs.frozen(kw_only=True)
class ConversationsEvent(Event):
    """A Conversations webhook, pre-event (``onMessageAdd``) or post-event (``onMessageAdded``).

    Conversations webhooks time out after 5 s.  ``attributes`` is the ``Attributes`` parameter
    decoded: the conversation's, the participant's or the message's, after the event's kind.
    """

    account_sid: str | None = attrs.field(default=None, repr=False)
    """``AccountSid``: the account (``AC…``)."""
    chat_service_sid: str | None = attrs.field(default=None, repr=False)
    """``ChatServiceSid`` (``IS…``)."""
    conversation_sid: str | None = None
    """``ConversationSid`` (``CH…``)."""
    messaging_service_sid: str | None = attrs.field(default=None, repr=False)
    """``MessagingServiceSid`` (``MG…``)."""
    source: str | None = attrs.field(default=None, repr=False)
    """``Source``: ``SDK``, ``API``, ``SMS``, ``WHATSAPP``, ..."""
    client_identity: str | None = attrs.field(default=None, repr=False)
    """``ClientIdentity``: the SDK user who acted."""
    retry_count: int | None = attrs.field(default=None, repr=False)
    """``RetryCount``: how many times Twilio retried this webhook."""
    webhook_sid: str | None = attrs.field(default=None, repr=False)
    """``WebhookSid`` of a conversation-scoped webhook."""
    friendly_name: str | None = attrs.field(default=None, repr=False)
    """``FriendlyName``."""
    unique_name: str | None = attrs.field(default=None, repr=False)
    """``UniqueName``."""
    attributes: dict[str, Any] | None = attrs.field(default=None, repr=False)
    """``Attributes`` decoded from JSON: the conversation's, participant's or message's."""
    date_created: datetime | None = attrs.field(default=None, repr=False)
    """``DateCreated``, UTC."""
    date_updated: datetime | None = attrs.field(default=None, repr=False)
    """``DateUpdated``, UTC."""
    state: str | None = attrs.field(default=None, repr=False)
    """``State``: ``active``, ``inactive``, ``closed``."""
    state_from: str | None = attrs.field(default=None, repr=False)
    """``StateFrom`` (``onConversationStateUpdated``)."""
    state_to: str | None = attrs.field(default=None, repr=False)
    """``StateTo`` (``onConversationStateUpdated``)."""
    reason: str | None = attrs.field(default=None, repr=False)
    """``Reason`` (``onConversationStateUpdated``)."""
    participant_sid: str | None = None
    """``ParticipantSid`` (``MB…``)."""
    identity: str | None = attrs.field(default=None, repr=False)
    """``Identity``: the participant's chat identity."""
    role_sid: str | None = attrs.field(default=None, repr=False)
    """``RoleSid`` (``RL…``)."""
    messaging_binding_address: str | None = attrs.field(default=None, repr=False)
    """``MessagingBinding.Address``: the customer's address."""
    messaging_binding_proxy_address: str | None = attrs.field(default=None, repr=False)
    """``MessagingBinding.ProxyAddress``: your Twilio address."""
    messaging_binding_projected_address: str | None = attrs.field(default=None, repr=False)
    """``MessagingBinding.ProjectedAddress``."""
    message_sid: str | None = None
    """``MessageSid`` (``IM…``)."""
    index: int | None = attrs.field(default=None, repr=False)
    """``Index`` of the message in the conversation."""
    author: str | None = attrs.field(default=None, repr=False)
    """``Author`` of the message."""
    body: str | None = attrs.field(default=None, repr=False)
    """``Body`` of the message."""
    media: Any = attrs.field(default=None, repr=False)
    """``Media`` of a message, decoded from JSON."""

    _FIELDS: ClassVar[Mapping[str, tuple[str, _Decoder]]] = _fields(
        {
            "AccountSid": ("account_sid", _str),
            "ChatServiceSid": ("chat_service_sid", _str),
            "ConversationSid": ("conversation_sid", _str),
            "MessagingServiceSid": ("messaging_service_sid", _str),
            "Source": ("source", _str),
            "ClientIdentity": ("client_identity", _str),
            "RetryCount": ("retry_count", _int),
            "WebhookSid": ("webhook_sid", _str),
            "FriendlyName": ("friendly_name", _str),
            "UniqueName": ("unique_name", _str),
            "Attributes": ("attributes", _json_object),
            "DateCreated": ("date_created", _iso),
            "DateUpdated": ("date_updated", _iso),
            "State": ("state", _str),
            "StateFrom": ("state_from", _str),
            "StateTo": ("state_to", _str),
            "Reason": ("reason", _str),
            "ParticipantSid": ("participant_sid", _str),
            "Identity": ("identity", _str),
            "RoleSid": ("role_sid", _str),
            "MessagingBinding.Address": ("messaging_binding_address", _str),
            "MessagingBinding.ProxyAddress": ("messaging_binding_proxy_address", _str),
            "MessagingBinding.ProjectedAddress": ("messaging_binding_projected_address", _str),
            "MessageSid": ("message_sid", _str),
            "Index": ("index", _int),
            "Author": ("author", _str),
            "Body": ("body", _str),
            "Media": ("media", _json_any),
        }
    )

    @property
    def is_pre_event(self) -> bool:
        """Whether Twilio waits for the answer before acting (``onMessageAdd``, ...)."""
        return self.event_type in CONVERSATIONS_PRE_EVENTS

    @property
    def ordering_key(self) -> str | None:
        """The conversation."""
        return f"conversation:{self.conversation_sid}" if self.conversation_sid else None

    def dedup_identity(self) -> str:
        """Without an idempotency token: every parameter but ``RetryCount``, hashed."""
        import hashlib

        digest = hashlib.sha256()
        for name in sorted(self.params):
            if name != "RetryCount":
                digest.update(f"{name}={self.params[name]}\n".encode())
        return f"{self.params.get('AccountSid', '')}:conv:{digest.hexdigest()}"


@attrs.frozen
class PreEventAnswer:
    """The answer to a Conversations pre-event (``onMessageAdd``, ...).

    Twilio refuses the action when the answer is 4xx or 5xx, and applies the fields of a 200
    JSON answer to it.  Which fields can change depends on the event (the "Modifiable Fields" of
    https://www.twilio.com/docs/conversations/conversations-webhooks): ``friendly_name`` for
    ``onConversationAdd`` and ``onConversationUpdate``; ``body``, ``author`` and ``attributes``
    for ``onMessageAdd`` and ``onMessageUpdate``; nothing for the others.  They are sent as given.
    """

    status: int = 200
    """The HTTP status: 200 lets the action proceed, anything else refuses it."""
    changes: Mapping[str, Any] = attrs.field(factory=dict)
    """Parameters to change, sent as a JSON object with a 200 answer."""

    @classmethod
    def allow(cls) -> PreEventAnswer:
        """Let the action proceed unchanged."""
        return cls()

    @classmethod
    def refuse(cls, status: int = 403) -> PreEventAnswer:
        """Refuse the action (any status outside 2xx; 403 by default)."""
        if not isinstance(status, int) or 200 <= status < 300 or not 400 <= status < 600:
            raise ValueError(f"refuse() needs a 4xx or 5xx status, got {status!r}")
        return cls(status)

    @classmethod
    def modify(
        cls,
        changes: Mapping[str, Any] | None = None,
        *,
        body: str | None = None,
        author: str | None = None,
        attributes: Mapping[str, Any] | None = None,
        friendly_name: str | None = None,
    ) -> PreEventAnswer:
        """Let the action proceed with changed parameters (``body``, ``author``, ...)."""
        merged: dict[str, Any] = dict(changes or {})
        if body is not None:
            merged["body"] = body
        if author is not None:
            merged["author"] = author
        if attributes is not None:
            merged["attributes"] = json.dumps(dict(attributes), separators=(",", ":"))
        if friendly_name is not None:
            merged["friendly_name"] = friendly_name
        if not merged:
            raise ValueError("modify() needs at least one parameter to change")
        return cls(200, merged)
