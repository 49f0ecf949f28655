"""Conversations' resources: address configurations, conversations, participants, messages,
media, scoped webhooks, roles and the account-level webhook configuration, with the product's
constants and value parsers."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from flexconv.emulator._base import _Timer, bad_request, iso

if TYPE_CHECKING:
    pass


PRODUCT = "conversations"
DEFAULT_BASE = "https://conversations.twilio.com"

ADDRESS_TYPES = ("sms", "whatsapp", "messenger", "gbm", "email", "rcs", "apple", "chat")
AUTO_CREATION_TYPES = ("webhook", "studio", "default")
STATES = ("initializing", "inactive", "active", "closed")
SCOPED_TARGETS = ("webhook", "trigger", "studio")
POST_EVENTS = (
    "onConversationAdded",
    "onConversationUpdated",
    "onConversationRemoved",
    "onConversationStateUpdated",
    "onMessageAdded",
    "onMessageUpdated",
    "onMessageRemoved",
    "onParticipantAdded",
    "onParticipantUpdated",
    "onParticipantRemoved",
    "onDeliveryUpdated",
)

#: The permissions Flex gives its ``agent`` conversation role.
AGENT_PERMISSIONS = (
    "sendMessage",
    "sendMediaMessage",
    "leaveConversation",
    "editConversationAttributes",
    "editOwnMessage",
    "editOwnMessageAttributes",
    "deleteOwnMessage",
)

_DEFAULT_ROLES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "channel user",
        "conversation",
        (
            "sendMessage",
            "sendMediaMessage",
            "leaveConversation",
            "editOwnMessage",
            "editOwnMessageAttributes",
            "deleteOwnMessage",
            "editOwnParticipantAttributes",
        ),
    ),
    (
        "channel admin",
        "conversation",
        (
            "sendMessage",
            "sendMediaMessage",
            "leaveConversation",
            "addParticipant",
            "removeParticipant",
            "editConversationName",
            "editConversationAttributes",
            "editOwnMessage",
            "editAnyMessage",
            "editOwnMessageAttributes",
            "editAnyMessageAttributes",
            "deleteOwnMessage",
            "deleteAnyMessage",
            "editOwnParticipantAttributes",
            "editAnyParticipantAttributes",
        ),
    ),
    ("service user", "service", ("createConversation", "joinConversation", "editOwnUserInfo")),
    (
        "service admin",
        "service",
        ("createConversation", "joinConversation", "destroyConversation", "editAnyUserInfo"),
    ),
    ("agent", "conversation", AGENT_PERMISSIONS),
)

_DURATION = re.compile(
    r"^P(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+)S)?)?$"
)


def parse_duration(value: str) -> timedelta:
    """An ISO 8601 duration such as ``PT5M`` or ``P1DT2H`` (weeks, days, hours, minutes, seconds)."""
    found = _DURATION.fullmatch(value)
    if not found or value in ("P", "PT") or value.endswith("T"):
        raise bad_request(f"Invalid ISO 8601 duration: {value!r}")
    parts = {k: int(v) for k, v in found.groupdict().items() if v}
    return timedelta(
        weeks=parts.get("w", 0),
        days=parts.get("d", 0),
        hours=parts.get("h", 0),
        minutes=parts.get("m", 0),
        seconds=parts.get("s", 0),
    )


def json_string(value: Any, what: str = "Attributes") -> str:
    """Normalise an attributes value (dict or JSON text) to the JSON string Twilio returns."""
    if value is None:
        return "{}"
    if isinstance(value, str):
        try:
            json.loads(value)
        except ValueError:
            raise bad_request(f"{what} must be a valid JSON string") from None
        return value
    return json.dumps(value)


def binding_type(address: str) -> str:
    """The messaging channel of an address: ``whatsapp:+1…`` → whatsapp, ``+1…`` → sms."""
    if ":" in address:
        prefix = address.split(":", 1)[0].lower()
        if prefix in ADDRESS_TYPES:
            return prefix
    if "@" in address:
        return "email"
    return "sms"


@dataclass
class AutoCreation:
    """An address configuration's ``auto_creation`` block."""

    enabled: bool = False
    type: str | None = None
    conversation_service_sid: str | None = None
    webhook_url: str | None = None
    webhook_method: str | None = None
    webhook_filters: list[str] = field(default_factory=list)
    studio_flow_sid: str | None = None
    studio_retry_count: int | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"enabled": self.enabled, "type": self.type}
        out["conversation_service_sid"] = self.conversation_service_sid
        if self.type == "webhook":
            out["webhook_url"] = self.webhook_url
            out["webhook_method"] = self.webhook_method or "POST"
            out["webhook_filters"] = list(self.webhook_filters)
        if self.type == "studio":
            out["studio_flow_sid"] = self.studio_flow_sid
            out["studio_retry_count"] = self.studio_retry_count
        return out


@dataclass
class AddressConfig:
    """A Conversations address configuration (``IG…``)."""

    sid: str
    type: str
    address: str
    friendly_name: str | None
    auto_creation: AutoCreation
    address_country: str | None
    date_created: datetime
    date_updated: datetime

    def to_json(self, account_sid: str, base: str = DEFAULT_BASE) -> dict[str, Any]:
        return {
            "sid": self.sid,
            "account_sid": account_sid,
            "type": self.type,
            "address": self.address,
            "friendly_name": self.friendly_name,
            "auto_creation": self.auto_creation.to_json(),
            "date_created": iso(self.date_created),
            "date_updated": iso(self.date_updated),
            "url": f"{base}/v1/Configuration/Addresses/{self.sid}",
            "address_country": self.address_country,
        }


@dataclass
class Media:
    """Media metadata (``ME…``) attached to messages."""

    sid: str
    content_type: str
    filename: str | None
    size: int
    #: The uploaded bytes (empty for metadata registered without content).
    content: bytes = field(default=b"", repr=False)
    date_created: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "sid": self.sid,
            "category": "media",
            "filename": self.filename,
            "content_type": self.content_type,
            "size": self.size,
        }


@dataclass
class Participant:
    """A conversation participant (``MB…``): chat (identity) or messaging binding."""

    sid: str
    conversation_sid: str
    identity: str | None
    address: str | None
    proxy_address: str | None
    projected_address: str | None
    attributes: str
    role_sid: str | None
    date_created: datetime
    date_updated: datetime
    last_read_message_index: int | None = None
    last_read_timestamp: str | None = None

    @property
    def binding(self) -> dict[str, Any] | None:
        if self.address is None and self.projected_address is None:
            return None
        out: dict[str, Any] = {"type": binding_type(self.address or self.projected_address or "")}
        if self.address is not None:
            out["address"] = self.address
            out["proxy_address"] = self.proxy_address
        if self.projected_address is not None:
            out["projected_address"] = self.projected_address
        return out

    def to_json(self, account_sid: str, base: str = DEFAULT_BASE) -> dict[str, Any]:
        return {
            "account_sid": account_sid,
            "conversation_sid": self.conversation_sid,
            "sid": self.sid,
            "identity": self.identity,
            "attributes": self.attributes,
            "messaging_binding": self.binding,
            "role_sid": self.role_sid,
            "date_created": iso(self.date_created),
            "date_updated": iso(self.date_updated),
            "url": f"{base}/v1/Conversations/{self.conversation_sid}/Participants/{self.sid}",
            "last_read_message_index": self.last_read_message_index,
            "last_read_timestamp": self.last_read_timestamp,
        }


@dataclass
class Message:
    """A conversation message (``IM…``)."""

    sid: str
    conversation_sid: str
    index: int
    author: str
    body: str | None
    media: list[Media]
    attributes: str
    participant_sid: str | None
    date_created: datetime
    date_updated: datetime
    content_sid: str | None = None
    delivery: dict[str, Any] | None = None

    def to_json(self, account_sid: str, base: str = DEFAULT_BASE) -> dict[str, Any]:
        url = f"{base}/v1/Conversations/{self.conversation_sid}/Messages/{self.sid}"
        return {
            "account_sid": account_sid,
            "conversation_sid": self.conversation_sid,
            "sid": self.sid,
            "index": self.index,
            "author": self.author,
            "body": self.body,
            "media": [m.to_json() for m in self.media] or None,
            "attributes": self.attributes,
            "participant_sid": self.participant_sid,
            "date_created": iso(self.date_created),
            "date_updated": iso(self.date_updated),
            "url": url,
            "delivery": self.delivery,
            "links": {
                "delivery_receipts": f"{url}/Receipts",
                "channel_metadata": f"{url}/ChannelMetadata",
            },
            "content_sid": self.content_sid,
        }


@dataclass
class ScopedWebhook:
    """A conversation-scoped webhook (``WH…``): target webhook, trigger or studio."""

    sid: str
    conversation_sid: str
    target: str
    url: str | None
    method: str
    filters: list[str]
    triggers: list[str]
    flow_sid: str | None
    replay_after: int | None
    date_created: datetime
    date_updated: datetime

    def configuration(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.url is not None:
            out["url"] = self.url
            out["method"] = self.method
        if self.filters:
            out["filters"] = list(self.filters)
        if self.triggers:
            out["triggers"] = list(self.triggers)
        if self.flow_sid is not None:
            out["flow_sid"] = self.flow_sid
        if self.replay_after is not None:
            out["replay_after"] = self.replay_after
        return out

    def to_json(self, account_sid: str, base: str = DEFAULT_BASE) -> dict[str, Any]:
        return {
            "sid": self.sid,
            "account_sid": account_sid,
            "conversation_sid": self.conversation_sid,
            "target": self.target,
            "url": f"{base}/v1/Conversations/{self.conversation_sid}/Webhooks/{self.sid}",
            "configuration": self.configuration(),
            "date_created": iso(self.date_created),
            "date_updated": iso(self.date_updated),
        }


@dataclass
class Conversation:
    """A conversation (``CH…``) with its participants, messages and scoped webhooks."""

    sid: str
    chat_service_sid: str
    messaging_service_sid: str | None
    friendly_name: str | None
    unique_name: str | None
    attributes: str
    state: str
    date_created: datetime
    date_updated: datetime
    timer_inactive: timedelta | None = None
    timer_closed: timedelta | None = None
    date_inactive: datetime | None = None
    date_closed: datetime | None = None
    email_binding: dict[str, str] | None = None
    participants: dict[str, Participant] = field(default_factory=dict)
    messages: list[Message] = field(default_factory=list)
    webhooks: dict[str, ScopedWebhook] = field(default_factory=dict)
    created_by: str | None = None
    #: The index the next message gets (indexes are never reused).
    next_index: int = 0
    _timers: list[_Timer] = field(default_factory=list, repr=False)

    @property
    def closed(self) -> bool:
        return self.state == "closed"

    def timers_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.date_inactive is not None and self.state == "active":
            out["date_inactive"] = iso(self.date_inactive)
        if self.date_closed is not None and self.state != "closed":
            out["date_closed"] = iso(self.date_closed)
        return out

    def to_json(self, account_sid: str, base: str = DEFAULT_BASE) -> dict[str, Any]:
        url = f"{base}/v1/Conversations/{self.sid}"
        return {
            "account_sid": account_sid,
            "chat_service_sid": self.chat_service_sid,
            "messaging_service_sid": self.messaging_service_sid,
            "sid": self.sid,
            "friendly_name": self.friendly_name,
            "unique_name": self.unique_name,
            "attributes": self.attributes,
            "state": self.state,
            "date_created": iso(self.date_created),
            "date_updated": iso(self.date_updated),
            "timers": self.timers_json(),
            "url": url,
            "links": {
                "participants": f"{url}/Participants",
                "messages": f"{url}/Messages",
                "webhooks": f"{url}/Webhooks",
            },
            "bindings": {"email": dict(self.email_binding)} if self.email_binding else None,
        }


@dataclass
class Role:
    """A Conversations role (``RL…``)."""

    sid: str
    friendly_name: str
    type: str
    permissions: list[str]
    date_created: datetime
    date_updated: datetime

    def to_json(
        self, account_sid: str, chat_service_sid: str, base: str = DEFAULT_BASE
    ) -> dict[str, Any]:
        return {
            "sid": self.sid,
            "account_sid": account_sid,
            "chat_service_sid": chat_service_sid,
            "friendly_name": self.friendly_name,
            "type": self.type,
            "permissions": list(self.permissions),
            "date_created": iso(self.date_created),
            "date_updated": iso(self.date_updated),
            "url": f"{base}/v1/Roles/{self.sid}",
        }


@dataclass
class ServiceWebhooks:
    """The account-level post-event webhook configuration (``/v1/Configuration/Webhooks``)."""

    method: str = "POST"
    filters: list[str] = field(default_factory=list)
    pre_webhook_url: str | None = None
    post_webhook_url: str | None = None
    target: str = "webhook"
