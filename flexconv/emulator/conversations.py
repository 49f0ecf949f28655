"""Conversations v1: address configurations, conversations, participants, messages, scoped
webhooks, roles, participant conversations and the account-level configuration.

Invariants modelled (the ones that bite in production):

* a messaging binding (address + proxy address) is in at most one non-closed conversation; a
  second add answers 409 with code 50416;
* ``closed`` is terminal: a closed conversation's state never changes again, and it takes no new
  participants or messages;
* ``Timers.Inactive`` / ``Timers.Closed`` (ISO 8601 durations, at least 1 and 10 minutes) fire on
  the virtual clock and restart on every new message;
* post-event webhooks go out only when the REST request carries ``X-Twilio-Webhook-Enabled: true``
  or the change comes from simulation (an inbound customer message, a Flex action);
* ``attributes`` are JSON strings; page sizes are clamped to Twilio's maxima.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from ._base import (
    ApiError,
    EmuRequest,
    EmuResponse,
    _Timer,
    bad_request,
    is_sid,
    iso,
    not_found,
    paginate,
)

if TYPE_CHECKING:
    from .core import Emulator

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
    found = _DURATION.match(value)
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


def _hooks(req: EmuRequest) -> bool:
    return req.headers.get("x-twilio-webhook-enabled", "").lower() == "true"


def _method(raw: str | None, default: str = "POST") -> str:
    if raw is None:
        return default
    if raw.lower() not in ("get", "post"):
        raise bad_request(f"Invalid method {raw!r}: expected get or post")
    return raw.upper()


class Conversations:
    """The Conversations product: state, Python API and REST handlers."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.chat_service_sid = emu.sids.new("IS")
        self.messaging_service_sid = emu.sids.new("MG")
        self.addresses: dict[str, AddressConfig] = {}
        self.conversations: dict[str, Conversation] = {}
        self.roles: dict[str, Role] = {}
        self.media: dict[str, Media] = {}
        self.service_webhooks = ServiceWebhooks()
        self.default_inactive_timer: str | None = None
        self.default_closed_timer: str | None = None
        now = emu.clock.now()
        for name, kind, perms in _DEFAULT_ROLES:
            role = Role(emu.sids.new("RL"), name, kind, list(perms), now, now)
            self.roles[role.sid] = role
        self._register()

    # ------------------------------------------------------------------ lookups
    @property
    def account_sid(self) -> str:
        return self.emu.account_sid

    def role_by_name(self, name: str) -> Role:
        for role in self.roles.values():
            if role.friendly_name == name:
                return role
        raise not_found(f"/v1/Roles/{name}")

    @property
    def agent_role_sid(self) -> str:
        """The SID of the Flex ``agent`` conversation role."""
        return self.role_by_name("agent").sid

    def get_address(self, sid_or_address: str) -> AddressConfig:
        """An address configuration by SID or by the address itself."""
        found = self.addresses.get(sid_or_address)
        if found is not None:
            return found
        for addr in self.addresses.values():
            if addr.address == sid_or_address:
                return addr
        raise not_found(f"/v1/Configuration/Addresses/{sid_or_address}")

    def find_address(self, address: str) -> AddressConfig | None:
        try:
            return self.get_address(address)
        except ApiError:
            return None

    def get(self, sid_or_unique_name: str) -> Conversation:
        """A conversation by SID or unique name."""
        found = self.conversations.get(sid_or_unique_name)
        if found is not None:
            return found
        for conv in self.conversations.values():
            if conv.unique_name is not None and conv.unique_name == sid_or_unique_name:
                return conv
        raise not_found(f"/v1/Conversations/{sid_or_unique_name}")

    def get_participant(self, conv: Conversation, sid_or_identity: str) -> Participant:
        """A participant by SID or identity."""
        found = conv.participants.get(sid_or_identity)
        if found is not None:
            return found
        for p in conv.participants.values():
            if p.identity is not None and p.identity == sid_or_identity:
                return p
        raise not_found(f"/v1/Conversations/{conv.sid}/Participants/{sid_or_identity}")

    def open_binding(
        self, address: str, proxy_address: str | None
    ) -> tuple[Conversation, Participant] | None:
        """The non-closed conversation holding this messaging binding, if any."""
        for conv in self.conversations.values():
            if conv.closed:
                continue
            for p in conv.participants.values():
                if p.address == address and p.proxy_address == proxy_address:
                    return conv, p
        return None

    # ------------------------------------------------------------------ addresses
    def create_address(
        self,
        type: str,
        address: str,
        *,
        friendly_name: str | None = None,
        auto_creation: AutoCreation | None = None,
        address_country: str | None = None,
    ) -> AddressConfig:
        """Create an address configuration (``IG…``)."""
        if type not in ADDRESS_TYPES:
            raise bad_request(f"Invalid Type {type!r}: expected one of {', '.join(ADDRESS_TYPES)}")
        _check_address(type, address)
        if self.find_address(address) is not None:
            raise bad_request(f"An address configuration for {address} already exists")
        ac = auto_creation or AutoCreation()
        _check_auto_creation(ac)
        if ac.enabled and ac.conversation_service_sid is None:
            ac.conversation_service_sid = self.chat_service_sid
        now = self.emu.clock.now()
        cfg = AddressConfig(
            self.emu.sids.new("IG"), type, address, friendly_name, ac, address_country, now, now
        )
        self.addresses[cfg.sid] = cfg
        return cfg

    # ------------------------------------------------------------------ conversations
    def create(
        self,
        *,
        friendly_name: str | None = None,
        unique_name: str | None = None,
        attributes: Any = None,
        state: str | None = None,
        timers_inactive: str | None = None,
        timers_closed: str | None = None,
        messaging_service_sid: str | None = None,
        email_binding: dict[str, str] | None = None,
        hooks: bool = False,
        source: str = "API",
        extra_params: Sequence[tuple[str, str]] = (),
    ) -> Conversation:
        """Create a conversation; webhooks go out only when ``hooks`` is true."""
        if unique_name is not None:
            for other in self.conversations.values():
                if other.unique_name == unique_name:
                    raise ApiError(
                        409, 50353, "Conversation with provided unique name already exists"
                    )
        state = state or "active"
        if state not in STATES:
            raise bad_request(f"Invalid State {state!r}")
        now = self.emu.clock.now()
        conv = Conversation(
            sid=self.emu.sids.new("CH"),
            chat_service_sid=self.chat_service_sid,
            messaging_service_sid=messaging_service_sid or self.messaging_service_sid,
            friendly_name=friendly_name,
            unique_name=unique_name,
            attributes=json_string(attributes),
            state=state,
            date_created=now,
            date_updated=now,
            email_binding=email_binding,
        )
        self._set_timers(
            conv,
            timers_inactive if timers_inactive is not None else self.default_inactive_timer,
            timers_closed if timers_closed is not None else self.default_closed_timer,
        )
        self.conversations[conv.sid] = conv
        self._schedule(conv)
        self._post_event(
            conv,
            "onConversationAdded",
            [*self._conv_params(conv), *extra_params],
            hooks=hooks,
            source=source,
        )
        self.emu.bus.emit("conversations.conversation.added", conversation=conv)
        return conv

    def update(
        self,
        conv: Conversation,
        *,
        friendly_name: str | None = None,
        unique_name: str | None = None,
        attributes: Any = None,
        state: str | None = None,
        timers_inactive: str | None = None,
        timers_closed: str | None = None,
        hooks: bool = False,
        source: str = "API",
    ) -> Conversation:
        """Update a conversation; a closed conversation's state never changes."""
        if state is not None and state not in STATES:
            raise bad_request(f"Invalid State {state!r}")
        if state is not None and conv.closed and state != "closed":
            raise _closed_error(conv)
        if unique_name is not None and unique_name != conv.unique_name:
            for other in self.conversations.values():
                if other is not conv and other.unique_name == unique_name:
                    raise ApiError(
                        409, 50353, "Conversation with provided unique name already exists"
                    )
            conv.unique_name = unique_name
        if friendly_name is not None:
            conv.friendly_name = friendly_name
        if attributes is not None:
            conv.attributes = json_string(attributes)
        if timers_inactive is not None or timers_closed is not None:
            self._set_timers(
                conv,
                timers_inactive if timers_inactive is not None else _dur(conv.timer_inactive),
                timers_closed if timers_closed is not None else _dur(conv.timer_closed),
            )
        conv.date_updated = self.emu.clock.now()
        self._post_event(
            conv, "onConversationUpdated", self._conv_params(conv), hooks=hooks, source=source
        )
        if state is not None and state != conv.state:
            self.set_state(conv, state, hooks=hooks, source=source, reason="API")
        else:
            self._schedule(conv)
        return conv

    def set_state(
        self,
        conv: Conversation,
        state: str,
        *,
        hooks: bool = True,
        source: str = "API",
        reason: str = "API",
    ) -> None:
        """Move a conversation to ``state`` (``closed`` is terminal) and tell everyone."""
        if state == conv.state:
            return
        if conv.closed:
            raise _closed_error(conv)
        previous = conv.state
        conv.state = state
        conv.date_updated = self.emu.clock.now()
        if state != "active":
            conv.date_inactive = None
        self._schedule(conv)
        self._post_event(
            conv,
            "onConversationStateUpdated",
            [
                *self._conv_params(conv),
                ("StateFrom", previous),
                ("StateTo", state),
                ("Reason", reason),
            ],
            hooks=hooks,
            source=source,
        )
        self.emu.bus.emit(
            "conversations.conversation.state_updated", conversation=conv, previous=previous
        )

    def close(
        self, conv: Conversation, *, hooks: bool = True, source: str = "API", reason: str = "API"
    ) -> None:
        """Close a conversation (no-op when already closed)."""
        if not conv.closed:
            self.set_state(conv, "closed", hooks=hooks, source=source, reason=reason)

    def delete(self, conv: Conversation, *, hooks: bool = False, source: str = "API") -> None:
        for timer in conv._timers:
            self.emu.clock.cancel(timer)
        del self.conversations[conv.sid]
        self._post_event(
            conv, "onConversationRemoved", self._conv_params(conv), hooks=hooks, source=source
        )
        self.emu.bus.emit("conversations.conversation.removed", conversation=conv)

    def _set_timers(self, conv: Conversation, inactive: str | None, closed: str | None) -> None:
        if inactive:
            d = parse_duration(inactive)
            if d < timedelta(minutes=1):
                raise bad_request("Timers.Inactive must be at least 1 minute (PT1M)")
            conv.timer_inactive = d
        if closed:
            d = parse_duration(closed)
            if d < timedelta(minutes=10):
                raise bad_request("Timers.Closed must be at least 10 minutes (PT10M)")
            conv.timer_closed = d

    def _schedule(self, conv: Conversation) -> None:
        """(Re)start the conversation's timers from now."""
        clock = self.emu.clock
        for timer in conv._timers:
            clock.cancel(timer)
        conv._timers = []
        conv.date_inactive = conv.date_closed = None
        if conv.closed:
            return
        if conv.timer_inactive is not None and conv.state == "active":
            conv.date_inactive = clock.now() + conv.timer_inactive
            conv._timers.append(
                clock.call_at(conv.date_inactive, lambda: self._fire(conv, "inactive"))
            )
        if conv.timer_closed is not None:
            conv.date_closed = clock.now() + conv.timer_closed
            conv._timers.append(clock.call_at(conv.date_closed, lambda: self._fire(conv, "closed")))

    def _fire(self, conv: Conversation, state: str) -> None:
        if conv.sid not in self.conversations or conv.closed or conv.state == state:
            return
        keep_closed = conv.date_closed
        self.set_state(conv, state, hooks=True, source="API", reason="TIMER")
        if state == "inactive" and keep_closed is not None and conv.timer_closed is not None:
            # the closed timer keeps running while the conversation is inactive
            self._schedule_closed_only(conv, keep_closed)

    def _schedule_closed_only(self, conv: Conversation, when: datetime) -> None:
        clock = self.emu.clock
        for timer in conv._timers:
            clock.cancel(timer)
        conv.date_closed = when
        conv._timers = [clock.call_at(when, lambda: self._fire(conv, "closed"))]

    # ------------------------------------------------------------------ participants
    def add_participant(
        self,
        conv: Conversation,
        *,
        identity: str | None = None,
        address: str | None = None,
        proxy_address: str | None = None,
        projected_address: str | None = None,
        attributes: Any = None,
        role_sid: str | None = None,
        hooks: bool = False,
        source: str = "API",
    ) -> Participant:
        """Add a participant, enforcing one non-closed conversation per messaging binding."""
        self._check_participant(conv, identity, address, proxy_address, projected_address, role_sid)
        now = self.emu.clock.now()
        if role_sid is None and identity is not None:
            role_sid = self.role_by_name("channel user").sid
        p = Participant(
            sid=self.emu.sids.new("MB"),
            conversation_sid=conv.sid,
            identity=identity,
            address=address,
            proxy_address=proxy_address,
            projected_address=projected_address,
            attributes=json_string(attributes),
            role_sid=role_sid,
            date_created=now,
            date_updated=now,
        )
        conv.participants[p.sid] = p
        conv.date_updated = now
        self._post_event(
            conv, "onParticipantAdded", self._participant_params(p), hooks=hooks, source=source
        )
        self.emu.bus.emit("conversations.participant.added", conversation=conv, participant=p)
        return p

    def _check_participant(
        self,
        conv: Conversation,
        identity: str | None,
        address: str | None,
        proxy_address: str | None,
        projected_address: str | None,
        role_sid: str | None,
    ) -> None:
        if conv.closed:
            raise _closed_error(conv)
        if identity is None and address is None and projected_address is None:
            raise bad_request("Either Identity or MessagingBinding.Address is required")
        if identity is not None and address is not None:
            raise bad_request("Identity and MessagingBinding.Address are mutually exclusive")
        if address is not None and proxy_address is None:
            raise bad_request(
                "MessagingBinding.ProxyAddress is required with MessagingBinding.Address"
            )
        if role_sid is not None:
            role = self.roles.get(role_sid)
            if role is None or role.type != "conversation":
                raise bad_request(f"RoleSid {role_sid} is not a conversation role")
        if identity is not None:
            for p in conv.participants.values():
                if p.identity == identity:
                    raise ApiError(409, 50433, "Participant already exists")
        if address is not None:
            held = self.open_binding(address, proxy_address)
            if held is not None:
                raise ApiError(
                    409,
                    50416,
                    "A binding for this participant and proxy address already exists in "
                    f"Conversation {held[0].sid}",
                )

    def update_participant(
        self,
        conv: Conversation,
        p: Participant,
        *,
        attributes: Any = None,
        role_sid: str | None = None,
        identity: str | None = None,
        proxy_address: str | None = None,
        last_read_message_index: int | None = None,
        last_read_timestamp: str | None = None,
        hooks: bool = False,
        source: str = "API",
    ) -> Participant:
        if attributes is not None:
            p.attributes = json_string(attributes)
        if role_sid is not None:
            role = self.roles.get(role_sid)
            if role is None or role.type != "conversation":
                raise bad_request(f"RoleSid {role_sid} is not a conversation role")
            p.role_sid = role_sid
        if identity is not None:
            p.identity = identity
        if proxy_address is not None:
            p.proxy_address = proxy_address
        if last_read_message_index is not None:
            p.last_read_message_index = last_read_message_index
        if last_read_timestamp is not None:
            p.last_read_timestamp = last_read_timestamp
        p.date_updated = self.emu.clock.now()
        self._post_event(
            conv, "onParticipantUpdated", self._participant_params(p), hooks=hooks, source=source
        )
        return p

    def remove_participant(
        self, conv: Conversation, p: Participant, *, hooks: bool = False, source: str = "API"
    ) -> None:
        """Remove a participant (no-op when already gone)."""
        if conv.participants.pop(p.sid, None) is None:
            return
        conv.date_updated = self.emu.clock.now()
        self._post_event(
            conv, "onParticipantRemoved", self._participant_params(p), hooks=hooks, source=source
        )
        self.emu.bus.emit("conversations.participant.removed", conversation=conv, participant=p)

    # ------------------------------------------------------------------ messages
    def create_media(self, content_type: str, filename: str | None = None, size: int = 0) -> Media:
        """Register media metadata (what Media Content Service would hold) and return it."""
        media = Media(self.emu.sids.new("ME"), content_type, filename, size)
        self.media[media.sid] = media
        return media

    def add_message(
        self,
        conv: Conversation,
        *,
        author: str | None = None,
        body: str | None = None,
        media_sids: Sequence[str] = (),
        attributes: Any = None,
        content_sid: str | None = None,
        hooks: bool = False,
        source: str = "API",
    ) -> Message:
        """Append a message; an inactive conversation becomes active again, timers restart.

        Messages from anyone but a messaging-binding participant are sent to every
        messaging-binding participant and logged in the 2010 Messages log.
        """
        if conv.closed:
            raise _closed_error(conv)
        if not body and not media_sids and not content_sid:
            raise bad_request("Either Body, MediaSid or ContentSid is required")
        media: list[Media] = []
        for sid in media_sids:
            if not is_sid(sid, "ME"):
                raise bad_request(f"Invalid MediaSid {sid!r}")
            media.append(self.media.get(sid) or Media(sid, "application/octet-stream", None, 0))
        author = author or "system"
        sender: Participant | None = None
        for p in conv.participants.values():
            if author in (p.identity, p.address):
                sender = p
                break
        now = self.emu.clock.now()
        recipients = [
            p for p in conv.participants.values() if p.address is not None and p is not sender
        ]
        delivery = None
        if recipients:
            delivery = {
                "total": len(recipients),
                "sent": "all",
                "delivered": "none",
                "read": "none",
                "undelivered": "none",
                "failed": "none",
            }
        msg = Message(
            sid=self.emu.sids.new("IM"),
            conversation_sid=conv.sid,
            index=conv.next_index,
            author=author,
            body=body,
            media=media,
            attributes=json_string(attributes),
            participant_sid=sender.sid if sender else None,
            date_created=now,
            date_updated=now,
            content_sid=content_sid,
            delivery=delivery,
        )
        conv.messages.append(msg)
        conv.next_index += 1
        conv.date_updated = now
        for p in recipients:
            assert p.address is not None
            self.emu.messages.record(
                direction="outbound-api",
                from_=p.proxy_address or "",
                to=p.address,
                body=body or "",
                num_media=len(media),
                messaging_service_sid=conv.messaging_service_sid,
            )
        if conv.state == "inactive":
            self.set_state(conv, "active", hooks=hooks, source=source, reason="MESSAGE")
        else:
            self._schedule(conv)
        self._post_event(
            conv,
            "onMessageAdded",
            self._message_params(msg),
            hooks=hooks,
            source=source,
            message=msg,
        )
        self.emu.bus.emit("conversations.message.added", conversation=conv, message=msg)
        return msg

    def get_message(self, conv: Conversation, sid: str) -> Message:
        for m in conv.messages:
            if m.sid == sid or (sid.isdigit() and m.index == int(sid)):
                return m
        raise not_found(f"/v1/Conversations/{conv.sid}/Messages/{sid}")

    # ------------------------------------------------------------------ scoped webhooks
    def add_webhook(
        self,
        conv: Conversation,
        target: str,
        *,
        url: str | None = None,
        method: str = "POST",
        filters: Sequence[str] = (),
        triggers: Sequence[str] = (),
        flow_sid: str | None = None,
        replay_after: int | None = None,
    ) -> ScopedWebhook:
        """Attach a conversation-scoped webhook (target ``webhook``, ``trigger`` or ``studio``)."""
        if target not in SCOPED_TARGETS:
            raise bad_request(f"Invalid Target {target!r}: expected webhook, trigger or studio")
        if target in ("webhook", "trigger") and not url:
            raise bad_request("Configuration.Url is required for this target")
        if target == "trigger" and not triggers:
            raise bad_request("Configuration.Triggers is required for target trigger")
        if target == "studio" and not is_sid(flow_sid, "FW"):
            raise bad_request("Configuration.FlowSid is required for target studio")
        for f in filters:
            if f not in POST_EVENTS:
                raise bad_request(f"Invalid filter {f!r}")
        now = self.emu.clock.now()
        hook = ScopedWebhook(
            self.emu.sids.new("WH"),
            conv.sid,
            target,
            url,
            method.upper(),
            list(filters),
            list(triggers),
            flow_sid,
            replay_after,
            now,
            now,
        )
        conv.webhooks[hook.sid] = hook
        return hook

    # ------------------------------------------------------------------ inbound (simulation)
    def inbound(
        self,
        address_to: str,
        from_: str,
        body: str | None,
        media: Sequence[Media] = (),
    ) -> tuple[Conversation, Message]:
        """A customer's message arrives at ``address_to`` (what the carrier hands Twilio).

        Goes to the open conversation holding the binding; else, when the address configuration
        has auto-creation enabled, creates a conversation, adds the sender, appends the message
        and attaches the Studio flow or webhook.  Without either: 404 (Twilio would drop it, or
        hand it to the number's messaging webhook, which the emulator does not model).
        """
        channel = binding_type(from_)
        source = channel.upper()
        self.emu.messages.record(
            direction="inbound",
            from_=from_,
            to=address_to,
            body=body or "",
            num_media=len(media),
            messaging_service_sid=self.messaging_service_sid,
        )
        held = self.open_binding(from_, address_to)
        if held is not None:
            conv, p = held
        else:
            cfg = self.find_address(address_to)
            if cfg is None or not cfg.auto_creation.enabled:
                raise not_found(f"address configuration with auto-creation for {address_to}")
            conv = self.create(
                friendly_name=None,
                hooks=True,
                source=source,
                extra_params=[
                    ("MessagingBinding.Address", from_),
                    ("MessagingBinding.ProxyAddress", address_to),
                ],
            )
            ac = cfg.auto_creation
            if ac.type == "studio":
                self.add_webhook(
                    conv, "studio", flow_sid=ac.studio_flow_sid, filters=["onMessageAdded"]
                )
            elif ac.type == "webhook":
                self.add_webhook(
                    conv,
                    "webhook",
                    url=ac.webhook_url,
                    method=ac.webhook_method or "POST",
                    filters=ac.webhook_filters or ["onMessageAdded"],
                )
            p = self.add_participant(
                conv, address=from_, proxy_address=address_to, hooks=True, source=source
            )
        for m in media:
            self.media.setdefault(m.sid, m)
        msg = self.add_message(
            conv,
            author=p.address,
            body=body,
            media_sids=[m.sid for m in media],
            hooks=True,
            source=source,
        )
        return conv, msg

    # ------------------------------------------------------------------ post-event webhooks
    def _common(self, conv: Conversation) -> list[tuple[str, str]]:
        return [
            ("AccountSid", self.account_sid),
            ("ChatServiceSid", conv.chat_service_sid),
            ("ConversationSid", conv.sid),
            ("MessagingServiceSid", conv.messaging_service_sid or ""),
        ]

    def _conv_params(self, conv: Conversation) -> list[tuple[str, str]]:
        out = [
            ("FriendlyName", conv.friendly_name or ""),
            ("UniqueName", conv.unique_name or ""),
            ("Attributes", conv.attributes),
            ("DateCreated", iso(conv.date_created) or ""),
            ("State", conv.state),
        ]
        return [(k, v) for k, v in out if v != "" or k in ("Attributes", "State")]

    def _participant_params(self, p: Participant) -> list[tuple[str, str]]:
        out = [
            ("ParticipantSid", p.sid),
            ("Attributes", p.attributes),
            ("DateCreated", iso(p.date_created) or ""),
        ]
        if p.identity is not None:
            out.append(("Identity", p.identity))
        if p.role_sid is not None:
            out.append(("RoleSid", p.role_sid))
        if p.address is not None:
            out.append(("MessagingBinding.Address", p.address))
            out.append(("MessagingBinding.ProxyAddress", p.proxy_address or ""))
        if p.projected_address is not None:
            out.append(("MessagingBinding.ProjectedAddress", p.projected_address))
        return out

    def _message_params(self, m: Message) -> list[tuple[str, str]]:
        out = [
            ("MessageSid", m.sid),
            ("Index", str(m.index)),
            ("Author", m.author),
            ("Body", m.body or ""),
            ("Attributes", m.attributes),
            ("DateCreated", iso(m.date_created) or ""),
        ]
        if m.participant_sid is not None:
            out.append(("ParticipantSid", m.participant_sid))
        if m.media:
            out.append(("Media", json.dumps([x.to_json() for x in m.media])))
        return out

    def _post_event(
        self,
        conv: Conversation,
        event: str,
        params: list[tuple[str, str]],
        *,
        hooks: bool,
        source: str,
        message: Message | None = None,
    ) -> None:
        if not hooks:
            return
        full = [
            ("EventType", event),
            *self._common(conv),
            *params,
            ("Source", source),
            ("RetryCount", "0"),
        ]
        svc = self.service_webhooks
        if svc.target == "webhook" and svc.post_webhook_url and event in svc.filters:
            self.emu.webhooks.deliver(
                svc.post_webhook_url, full, kind="conversations", method=svc.method
            )
        for hook in list(conv.webhooks.values()):
            if (
                hook.target == "webhook"
                and hook.url
                and (not hook.filters or event in hook.filters)
            ):
                self.emu.webhooks.deliver(
                    hook.url,
                    [*full, ("WebhookSid", hook.sid)],
                    kind="conversations",
                    method=hook.method,
                )
            elif hook.target == "trigger" and hook.url and event == "onMessageAdded" and message:
                text = (message.body or "").strip().lower()
                if any(text == t.strip().lower() for t in hook.triggers):
                    self.emu.webhooks.deliver(
                        hook.url,
                        [*full, ("WebhookSid", hook.sid)],
                        kind="conversations",
                        method=hook.method,
                    )
            elif (
                hook.target == "studio" and event == "onMessageAdded" and message and hook.flow_sid
            ):
                self.emu.studio.on_conversation_message(hook.flow_sid, conv, message)

    # ------------------------------------------------------------------ REST
    def _register(self) -> None:
        add = self.emu.router.add
        p = PRODUCT
        add("GET", p, "/v1/Configuration", self._h_get_config)
        add("POST", p, "/v1/Configuration", self._h_update_config)
        add("GET", p, "/v1/Configuration/Webhooks", self._h_get_service_webhooks)
        add("POST", p, "/v1/Configuration/Webhooks", self._h_update_service_webhooks)
        add("GET", p, "/v1/Configuration/Addresses", self._h_list_addresses)
        add("POST", p, "/v1/Configuration/Addresses", self._h_create_address)
        add("GET", p, "/v1/Configuration/Addresses/{Sid}", self._h_fetch_address)
        add("POST", p, "/v1/Configuration/Addresses/{Sid}", self._h_update_address)
        add("DELETE", p, "/v1/Configuration/Addresses/{Sid}", self._h_delete_address)
        add("GET", p, "/v1/Conversations", self._h_list_conversations)
        add("POST", p, "/v1/Conversations", self._h_create_conversation)
        add("GET", p, "/v1/Conversations/{Sid}", self._h_fetch_conversation)
        add("POST", p, "/v1/Conversations/{Sid}", self._h_update_conversation)
        add("DELETE", p, "/v1/Conversations/{Sid}", self._h_delete_conversation)
        add("POST", p, "/v1/ConversationWithParticipants", self._h_create_with_participants)
        cp = "/v1/Conversations/{ConversationSid}"
        add("GET", p, f"{cp}/Participants", self._h_list_participants)
        add("POST", p, f"{cp}/Participants", self._h_add_participant)
        add("GET", p, f"{cp}/Participants/{{Sid}}", self._h_fetch_participant)
        add("POST", p, f"{cp}/Participants/{{Sid}}", self._h_update_participant)
        add("DELETE", p, f"{cp}/Participants/{{Sid}}", self._h_delete_participant)
        add("GET", p, f"{cp}/Messages", self._h_list_messages)
        add("POST", p, f"{cp}/Messages", self._h_add_message)
        add("GET", p, f"{cp}/Messages/{{Sid}}", self._h_fetch_message)
        add("POST", p, f"{cp}/Messages/{{Sid}}", self._h_update_message)
        add("DELETE", p, f"{cp}/Messages/{{Sid}}", self._h_delete_message)
        add("GET", p, f"{cp}/Webhooks", self._h_list_webhooks)
        add("POST", p, f"{cp}/Webhooks", self._h_add_webhook)
        add("GET", p, f"{cp}/Webhooks/{{Sid}}", self._h_fetch_webhook)
        add("POST", p, f"{cp}/Webhooks/{{Sid}}", self._h_update_webhook)
        add("DELETE", p, f"{cp}/Webhooks/{{Sid}}", self._h_delete_webhook)
        add("GET", p, "/v1/ParticipantConversations", self._h_participant_conversations)
        add("GET", p, "/v1/Roles", self._h_list_roles)
        add("POST", p, "/v1/Roles", self._h_create_role)
        add("GET", p, "/v1/Roles/{Sid}", self._h_fetch_role)
        add("POST", p, "/v1/Roles/{Sid}", self._h_update_role)
        add("DELETE", p, "/v1/Roles/{Sid}", self._h_delete_role)

    # configuration
    def _config_json(self, base: str) -> dict[str, Any]:
        return {
            "account_sid": self.account_sid,
            "default_chat_service_sid": self.chat_service_sid,
            "default_messaging_service_sid": self.messaging_service_sid,
            "default_inactive_timer": self.default_inactive_timer,
            "default_closed_timer": self.default_closed_timer,
            "url": f"{base}/v1/Configuration",
            "links": {
                "service": f"{base}/v1/Services/{self.chat_service_sid}",
                "webhooks": f"{base}/v1/Configuration/Webhooks",
            },
        }

    def _h_get_config(self, req: EmuRequest) -> EmuResponse:
        return EmuResponse.json(200, self._config_json(req.base_url))

    def _h_update_config(self, req: EmuRequest) -> EmuResponse:
        for name, attr in (
            ("DefaultInactiveTimer", "default_inactive_timer"),
            ("DefaultClosedTimer", "default_closed_timer"),
        ):
            raw = req.value(name)
            if raw is not None:
                parse_duration(raw)
                setattr(self, attr, raw)
        return EmuResponse.json(200, self._config_json(req.base_url))

    def _service_webhooks_json(self, base: str) -> dict[str, Any]:
        s = self.service_webhooks
        return {
            "account_sid": self.account_sid,
            "method": s.method,
            "filters": list(s.filters),
            "pre_webhook_url": s.pre_webhook_url,
            "post_webhook_url": s.post_webhook_url,
            "target": s.target,
            "url": f"{base}/v1/Configuration/Webhooks",
        }

    def _h_get_service_webhooks(self, req: EmuRequest) -> EmuResponse:
        return EmuResponse.json(200, self._service_webhooks_json(req.base_url))

    def _h_update_service_webhooks(self, req: EmuRequest) -> EmuResponse:
        s = self.service_webhooks
        s.method = _method(req.value("Method"), s.method)
        if req.has("Filters"):
            filters = [f for f in req.values("Filters") if f]
            for f in filters:
                if f not in POST_EVENTS and not f.startswith("on"):
                    raise bad_request(f"Invalid filter {f!r}")
            s.filters = filters
        if req.has("PreWebhookUrl"):
            s.pre_webhook_url = req.value("PreWebhookUrl") or None
        if req.has("PostWebhookUrl"):
            s.post_webhook_url = req.value("PostWebhookUrl") or None
        target = req.value("Target")
        if target is not None:
            if target not in ("webhook", "flex"):
                raise bad_request("Invalid Target: expected webhook or flex")
            s.target = target
        return EmuResponse.json(200, self._service_webhooks_json(req.base_url))

    # addresses
    def _auto_creation_from(
        self, req: EmuRequest, current: AutoCreation | None = None
    ) -> AutoCreation:
        ac = AutoCreation(**current.__dict__) if current else AutoCreation()
        if current:
            ac.webhook_filters = list(current.webhook_filters)
        enabled = req.bool_value("AutoCreation.Enabled")
        if enabled is not None:
            ac.enabled = enabled
        kind = req.value("AutoCreation.Type")
        if kind is not None:
            if kind not in AUTO_CREATION_TYPES:
                raise bad_request(
                    f"Invalid AutoCreation.Type {kind!r}: expected webhook, studio or default"
                )
            ac.type = kind
        if req.has("AutoCreation.ConversationServiceSid"):
            ac.conversation_service_sid = req.value("AutoCreation.ConversationServiceSid")
        if req.has("AutoCreation.WebhookUrl"):
            ac.webhook_url = req.value("AutoCreation.WebhookUrl")
        if req.has("AutoCreation.WebhookMethod"):
            ac.webhook_method = _method(req.value("AutoCreation.WebhookMethod"))
        if req.has("AutoCreation.WebhookFilters"):
            ac.webhook_filters = [f for f in req.values("AutoCreation.WebhookFilters") if f]
        if req.has("AutoCreation.StudioFlowSid"):
            ac.studio_flow_sid = req.value("AutoCreation.StudioFlowSid")
        if req.has("AutoCreation.StudioRetryCount"):
            raw = req.value("AutoCreation.StudioRetryCount") or "0"
            if not raw.isdigit():
                raise bad_request("AutoCreation.StudioRetryCount must be an integer")
            ac.studio_retry_count = int(raw)
        return ac

    def _h_list_addresses(self, req: EmuRequest) -> EmuResponse:
        kind = req.q("Type")
        items = [
            a.to_json(self.account_sid, req.base_url)
            for a in self.addresses.values()
            if kind is None or a.type == kind
        ]
        return paginate(req, items, "address_configurations", 50, keep_query=("Type",))

    def _h_create_address(self, req: EmuRequest) -> EmuResponse:
        kind = req.value("Type")
        address = req.value("Address")
        if not kind or not address:
            raise bad_request("Type and Address are required")
        cfg = self.create_address(
            kind,
            address,
            friendly_name=req.value("FriendlyName"),
            auto_creation=self._auto_creation_from(req),
            address_country=req.value("AddressCountry"),
        )
        return EmuResponse.json(201, cfg.to_json(self.account_sid, req.base_url))

    def _h_fetch_address(self, req: EmuRequest) -> EmuResponse:
        cfg = self.get_address(req.params["Sid"])
        return EmuResponse.json(200, cfg.to_json(self.account_sid, req.base_url))

    def _h_update_address(self, req: EmuRequest) -> EmuResponse:
        cfg = self.get_address(req.params["Sid"])
        ac = self._auto_creation_from(req, cfg.auto_creation)
        _check_auto_creation(ac)
        if ac.enabled and ac.conversation_service_sid is None:
            ac.conversation_service_sid = self.chat_service_sid
        cfg.auto_creation = ac
        if req.has("FriendlyName"):
            cfg.friendly_name = req.value("FriendlyName")
        cfg.date_updated = self.emu.clock.now()
        return EmuResponse.json(200, cfg.to_json(self.account_sid, req.base_url))

    def _h_delete_address(self, req: EmuRequest) -> EmuResponse:
        cfg = self.get_address(req.params["Sid"])
        del self.addresses[cfg.sid]
        return EmuResponse(204)

    # conversations
    def _h_list_conversations(self, req: EmuRequest) -> EmuResponse:
        state = req.q("State")
        start = _date_q(req, "StartDate")
        end = _date_q(req, "EndDate")
        items = []
        for c in self.conversations.values():
            if state is not None and c.state != state:
                continue
            if start is not None and c.date_created.date() < start:
                continue
            if end is not None and c.date_created.date() > end:
                continue
            items.append(c.to_json(self.account_sid, req.base_url))
        return paginate(
            req, items, "conversations", 100, keep_query=("State", "StartDate", "EndDate")
        )

    def _conv_kwargs(self, req: EmuRequest) -> dict[str, Any]:
        return {
            "friendly_name": req.value("FriendlyName"),
            "unique_name": req.value("UniqueName"),
            "attributes": req.value("Attributes"),
            "state": req.value("State"),
            "timers_inactive": req.value("Timers.Inactive"),
            "timers_closed": req.value("Timers.Closed"),
        }

    def _email_binding(self, req: EmuRequest) -> dict[str, str] | None:
        addr = req.value("Bindings.Email.Address")
        if addr is None:
            return None
        out = {"address": addr}
        name = req.value("Bindings.Email.Name")
        if name is not None:
            out["name"] = name
        return out

    def _h_create_conversation(self, req: EmuRequest) -> EmuResponse:
        conv = self.create(
            **self._conv_kwargs(req),
            messaging_service_sid=req.value("MessagingServiceSid"),
            email_binding=self._email_binding(req),
            hooks=_hooks(req),
        )
        return EmuResponse.json(201, conv.to_json(self.account_sid, req.base_url))

    def _h_fetch_conversation(self, req: EmuRequest) -> EmuResponse:
        return EmuResponse.json(
            200, self.get(req.params["Sid"]).to_json(self.account_sid, req.base_url)
        )

    def _h_update_conversation(self, req: EmuRequest) -> EmuResponse:
        conv = self.get(req.params["Sid"])
        self.update(conv, **self._conv_kwargs(req), hooks=_hooks(req))
        return EmuResponse.json(200, conv.to_json(self.account_sid, req.base_url))

    def _h_delete_conversation(self, req: EmuRequest) -> EmuResponse:
        self.delete(self.get(req.params["Sid"]), hooks=_hooks(req))
        return EmuResponse(204)

    def _h_create_with_participants(self, req: EmuRequest) -> EmuResponse:
        specs: list[dict[str, Any]] = []
        for raw in req.values("Participant"):
            try:
                spec = json.loads(raw)
            except ValueError:
                raise bad_request("Participant must be a JSON object") from None
            if not isinstance(spec, dict):
                raise bad_request("Participant must be a JSON object")
            specs.append(spec)
        # Check the bindings before creating anything, as Twilio does.
        for spec in specs:
            binding = spec.get("messaging_binding") or {}
            address = binding.get("address")
            if address is not None:
                held = self.open_binding(address, binding.get("proxy_address"))
                if held is not None:
                    raise ApiError(
                        409,
                        50416,
                        "A binding for this participant and proxy address already exists in "
                        f"Conversation {held[0].sid}",
                    )
        hooks = _hooks(req)
        conv = self.create(
            **self._conv_kwargs(req),
            messaging_service_sid=req.value("MessagingServiceSid"),
            email_binding=self._email_binding(req),
            hooks=hooks,
        )
        for spec in specs:
            binding = spec.get("messaging_binding") or {}
            self.add_participant(
                conv,
                identity=spec.get("identity"),
                address=binding.get("address"),
                proxy_address=binding.get("proxy_address"),
                projected_address=binding.get("projected_address"),
                attributes=spec.get("attributes"),
                role_sid=spec.get("role_sid"),
                hooks=hooks,
            )
        return EmuResponse.json(201, conv.to_json(self.account_sid, req.base_url))

    # participants
    def _h_list_participants(self, req: EmuRequest) -> EmuResponse:
        conv = self.get(req.params["ConversationSid"])
        items = [p.to_json(self.account_sid, req.base_url) for p in conv.participants.values()]
        return paginate(req, items, "participants", 100)

    def _h_add_participant(self, req: EmuRequest) -> EmuResponse:
        conv = self.get(req.params["ConversationSid"])
        p = self.add_participant(
            conv,
            identity=req.value("Identity"),
            address=req.value("MessagingBinding.Address"),
            proxy_address=req.value("MessagingBinding.ProxyAddress"),
            projected_address=req.value("MessagingBinding.ProjectedAddress"),
            attributes=req.value("Attributes"),
            role_sid=req.value("RoleSid"),
            hooks=_hooks(req),
        )
        return EmuResponse.json(201, p.to_json(self.account_sid, req.base_url))

    def _h_fetch_participant(self, req: EmuRequest) -> EmuResponse:
        conv = self.get(req.params["ConversationSid"])
        p = self.get_participant(conv, req.params["Sid"])
        return EmuResponse.json(200, p.to_json(self.account_sid, req.base_url))

    def _h_update_participant(self, req: EmuRequest) -> EmuResponse:
        conv = self.get(req.params["ConversationSid"])
        p = self.get_participant(conv, req.params["Sid"])
        raw_index = req.value("LastReadMessageIndex")
        if raw_index is not None and not raw_index.lstrip("-").isdigit():
            raise bad_request("LastReadMessageIndex must be an integer")
        self.update_participant(
            conv,
            p,
            attributes=req.value("Attributes"),
            role_sid=req.value("RoleSid"),
            identity=req.value("Identity"),
            proxy_address=req.value("MessagingBinding.ProxyAddress"),
            last_read_message_index=int(raw_index) if raw_index is not None else None,
            last_read_timestamp=req.value("LastReadTimestamp"),
            hooks=_hooks(req),
        )
        return EmuResponse.json(200, p.to_json(self.account_sid, req.base_url))

    def _h_delete_participant(self, req: EmuRequest) -> EmuResponse:
        conv = self.get(req.params["ConversationSid"])
        p = self.get_participant(conv, req.params["Sid"])
        self.remove_participant(conv, p, hooks=_hooks(req))
        return EmuResponse(204)

    # messages
    def _h_list_messages(self, req: EmuRequest) -> EmuResponse:
        conv = self.get(req.params["ConversationSid"])
        order = req.q("Order", "asc")
        if order not in ("asc", "desc"):
            raise bad_request("Order must be asc or desc")
        msgs = conv.messages if order == "asc" else list(reversed(conv.messages))
        items = [m.to_json(self.account_sid, req.base_url) for m in msgs]
        return paginate(req, items, "messages", 100, keep_query=("Order",))

    def _h_add_message(self, req: EmuRequest) -> EmuResponse:
        conv = self.get(req.params["ConversationSid"])
        msg = self.add_message(
            conv,
            author=req.value("Author"),
            body=req.value("Body"),
            media_sids=req.values("MediaSid"),
            attributes=req.value("Attributes"),
            content_sid=req.value("ContentSid"),
            hooks=_hooks(req),
        )
        return EmuResponse.json(201, msg.to_json(self.account_sid, req.base_url))

    def _h_fetch_message(self, req: EmuRequest) -> EmuResponse:
        conv = self.get(req.params["ConversationSid"])
        msg = self.get_message(conv, req.params["Sid"])
        return EmuResponse.json(200, msg.to_json(self.account_sid, req.base_url))

    def _h_update_message(self, req: EmuRequest) -> EmuResponse:
        conv = self.get(req.params["ConversationSid"])
        msg = self.get_message(conv, req.params["Sid"])
        if req.has("Author"):
            msg.author = req.value("Author") or msg.author
        if req.has("Body"):
            msg.body = req.value("Body")
        if req.has("Attributes"):
            msg.attributes = json_string(req.value("Attributes"))
        msg.date_updated = self.emu.clock.now()
        self._post_event(
            conv, "onMessageUpdated", self._message_params(msg), hooks=_hooks(req), source="API"
        )
        return EmuResponse.json(200, msg.to_json(self.account_sid, req.base_url))

    def _h_delete_message(self, req: EmuRequest) -> EmuResponse:
        conv = self.get(req.params["ConversationSid"])
        msg = self.get_message(conv, req.params["Sid"])
        conv.messages.remove(msg)
        self._post_event(
            conv, "onMessageRemoved", self._message_params(msg), hooks=_hooks(req), source="API"
        )
        return EmuResponse(204)

    # scoped webhooks
    def _h_list_webhooks(self, req: EmuRequest) -> EmuResponse:
        conv = self.get(req.params["ConversationSid"])
        items = [w.to_json(self.account_sid, req.base_url) for w in conv.webhooks.values()]
        return paginate(req, items, "webhooks", 5)

    def _h_add_webhook(self, req: EmuRequest) -> EmuResponse:
        conv = self.get(req.params["ConversationSid"])
        target = req.value("Target")
        if not target:
            raise bad_request("Target is required")
        replay = req.value("Configuration.ReplayAfter")
        hook = self.add_webhook(
            conv,
            target,
            url=req.value("Configuration.Url"),
            method=_method(req.value("Configuration.Method")),
            filters=[f for f in req.values("Configuration.Filters") if f],
            triggers=[t for t in req.values("Configuration.Triggers") if t],
            flow_sid=req.value("Configuration.FlowSid"),
            replay_after=int(replay) if replay and replay.isdigit() else None,
        )
        return EmuResponse.json(201, hook.to_json(self.account_sid, req.base_url))

    def _webhook(self, req: EmuRequest) -> tuple[Conversation, ScopedWebhook]:
        conv = self.get(req.params["ConversationSid"])
        hook = conv.webhooks.get(req.params["Sid"])
        if hook is None:
            raise not_found(req.path)
        return conv, hook

    def _h_fetch_webhook(self, req: EmuRequest) -> EmuResponse:
        _, hook = self._webhook(req)
        return EmuResponse.json(200, hook.to_json(self.account_sid, req.base_url))

    def _h_update_webhook(self, req: EmuRequest) -> EmuResponse:
        _, hook = self._webhook(req)
        if req.has("Configuration.Url"):
            hook.url = req.value("Configuration.Url")
        if req.has("Configuration.Method"):
            hook.method = _method(req.value("Configuration.Method"))
        if req.has("Configuration.Filters"):
            filters = [f for f in req.values("Configuration.Filters") if f]
            for f in filters:
                if f not in POST_EVENTS:
                    raise bad_request(f"Invalid filter {f!r}")
            hook.filters = filters
        if req.has("Configuration.Triggers"):
            hook.triggers = [t for t in req.values("Configuration.Triggers") if t]
        if req.has("Configuration.FlowSid"):
            hook.flow_sid = req.value("Configuration.FlowSid")
        hook.date_updated = self.emu.clock.now()
        return EmuResponse.json(200, hook.to_json(self.account_sid, req.base_url))

    def _h_delete_webhook(self, req: EmuRequest) -> EmuResponse:
        conv, hook = self._webhook(req)
        del conv.webhooks[hook.sid]
        return EmuResponse(204)

    # participant conversations
    def _h_participant_conversations(self, req: EmuRequest) -> EmuResponse:
        identity = req.q("Identity")
        address = req.q("Address")
        if identity is None and address is None:
            raise bad_request("Either Identity or Address is required")
        items: list[dict[str, Any]] = []
        for conv in self.conversations.values():
            for p in conv.participants.values():
                if (identity is not None and p.identity == identity) or (
                    address is not None and p.address == address
                ):
                    items.append(self._participant_conversation(conv, p, req.base_url))
        return paginate(req, items, "conversations", 50, keep_query=("Identity", "Address"))

    def _participant_conversation(
        self, conv: Conversation, p: Participant, base: str
    ) -> dict[str, Any]:
        curl = f"{base}/v1/Conversations/{conv.sid}"
        return {
            "account_sid": self.account_sid,
            "chat_service_sid": conv.chat_service_sid,
            "participant_sid": p.sid,
            "participant_user_sid": None,
            "participant_identity": p.identity,
            "participant_messaging_binding": p.binding,
            "conversation_sid": conv.sid,
            "conversation_unique_name": conv.unique_name,
            "conversation_friendly_name": conv.friendly_name,
            "conversation_attributes": conv.attributes,
            "conversation_date_created": iso(conv.date_created),
            "conversation_date_updated": iso(conv.date_updated),
            "conversation_created_by": conv.created_by,
            "conversation_state": conv.state,
            "conversation_timers": conv.timers_json(),
            "links": {"participant": f"{curl}/Participants/{p.sid}", "conversation": curl},
        }

    # roles
    def _role(self, sid: str) -> Role:
        role = self.roles.get(sid)
        if role is None:
            raise not_found(f"/v1/Roles/{sid}")
        return role

    def _h_list_roles(self, req: EmuRequest) -> EmuResponse:
        items = [
            r.to_json(self.account_sid, self.chat_service_sid, req.base_url)
            for r in self.roles.values()
        ]
        return paginate(req, items, "roles", 50)

    def _h_create_role(self, req: EmuRequest) -> EmuResponse:
        name = req.value("FriendlyName")
        kind = req.value("Type")
        perms = [p for p in req.values("Permission") if p]
        if not name or not kind or not perms:
            raise bad_request("FriendlyName, Type and Permission are required")
        if kind not in ("conversation", "service"):
            raise bad_request("Type must be conversation or service")
        if any(r.friendly_name == name for r in self.roles.values()):
            raise bad_request(f"A role named {name!r} already exists")
        now = self.emu.clock.now()
        role = Role(self.emu.sids.new("RL"), name, kind, perms, now, now)
        self.roles[role.sid] = role
        return EmuResponse.json(
            201, role.to_json(self.account_sid, self.chat_service_sid, req.base_url)
        )

    def _h_fetch_role(self, req: EmuRequest) -> EmuResponse:
        role = self._role(req.params["Sid"])
        return EmuResponse.json(
            200, role.to_json(self.account_sid, self.chat_service_sid, req.base_url)
        )

    def _h_update_role(self, req: EmuRequest) -> EmuResponse:
        role = self._role(req.params["Sid"])
        perms = [p for p in req.values("Permission") if p]
        if not perms:
            raise bad_request("Permission is required")
        role.permissions = perms
        role.date_updated = self.emu.clock.now()
        return EmuResponse.json(
            200, role.to_json(self.account_sid, self.chat_service_sid, req.base_url)
        )

    def _h_delete_role(self, req: EmuRequest) -> EmuResponse:
        role = self._role(req.params["Sid"])
        del self.roles[role.sid]
        return EmuResponse(204)

    # ------------------------------------------------------------------ inspection
    def snapshot(self) -> dict[str, Any]:
        """Plain-value state for `Emulator.inspect()`."""
        acc = self.account_sid
        return {
            "addresses": [a.to_json(acc) for a in self.addresses.values()],
            "conversations": [
                {
                    **c.to_json(acc),
                    "participants": [p.to_json(acc) for p in c.participants.values()],
                    "messages": [m.to_json(acc) for m in c.messages],
                    "webhooks": [w.to_json(acc) for w in c.webhooks.values()],
                }
                for c in self.conversations.values()
            ],
            "roles": [r.to_json(acc, self.chat_service_sid) for r in self.roles.values()],
        }


def _closed_error(conv: Conversation) -> ApiError:
    return ApiError(400, 20001, f"Conversation {conv.sid} is closed; closed is a terminal state")


def _dur(value: timedelta | None) -> str | None:
    if value is None:
        return None
    return f"PT{int(value.total_seconds())}S"


def _date_q(req: EmuRequest, name: str) -> date | None:
    raw = req.q(name)
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        raise bad_request(f"{name} must be a date (YYYY-MM-DD)") from None


_E164 = re.compile(r"^\+[1-9]\d{5,14}$")


def _check_address(kind: str, address: str) -> None:
    if kind == "sms" and not _E164.match(address):
        raise bad_request(f"Address {address!r} is not an E.164 phone number")
    if kind == "whatsapp" and not (address.startswith("whatsapp:") and _E164.match(address[9:])):
        raise bad_request(f"Address {address!r} must look like whatsapp:+E164")
    if kind == "messenger" and not address.startswith("messenger:"):
        raise bad_request(f"Address {address!r} must look like messenger:<page id>")


def _check_auto_creation(ac: AutoCreation) -> None:
    if not ac.enabled:
        return
    if ac.type is None:
        raise bad_request("AutoCreation.Type is required when auto-creation is enabled")
    if ac.type == "studio" and not is_sid(ac.studio_flow_sid, "FW"):
        raise bad_request("AutoCreation.StudioFlowSid is required for type studio")
    if ac.type == "webhook" and not ac.webhook_url:
        raise bad_request("AutoCreation.WebhookUrl is required for type webhook")
