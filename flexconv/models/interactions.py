"""Flex Interactions (``/v1/Interactions`` on flex-api): interactions, channels, participants,
invites and transfers, plus the typed ``Channel``/``Routing`` input values."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from flexconv._core.interactions import (
    ChannelFailedError,
    ChannelSpec,
    ChannelWaitTimeoutError,
    CustomerAddress,
    ExistingConversationError,
    RoutingSpec,
)
from flexconv.models._base import Model, OpenStrEnum, wire

__all__ = [
    "ChannelFailedError",
    "ChannelSpec",
    "ChannelStatus",
    "ChannelType",
    "ChannelWaitTimeoutError",
    "CustomerAddress",
    "ExistingConversationError",
    "Interaction",
    "InteractionChannel",
    "InteractionInvite",
    "InteractionParticipant",
    "InteractionTransfer",
    "ParticipantType",
    "RoutingSpec",
    "TransferStatus",
    "TransferType",
]


class ChannelType(OpenStrEnum):
    """Interaction channel type."""

    VOICE = "voice"
    SMS = "sms"
    EMAIL = "email"
    WEB = "web"
    WHATSAPP = "whatsapp"
    CHAT = "chat"
    MESSENGER = "messenger"
    GBM = "gbm"


class ChannelStatus(OpenStrEnum):
    """Interaction channel status; a new channel starts in ``setup``."""

    SETUP = "setup"
    ACTIVE = "active"
    FAILED = "failed"
    CLOSED = "closed"
    INACTIVE = "inactive"
    PAUSE = "pause"
    TRANSFER = "transfer"


class ParticipantType(OpenStrEnum):
    """Interaction channel participant type."""

    SUPERVISOR = "supervisor"
    CUSTOMER = "customer"
    EXTERNAL = "external"
    AGENT = "agent"
    UNKNOWN = "unknown"


class TransferType(OpenStrEnum):
    """Interaction transfer type."""

    WARM = "warm"
    COLD = "cold"
    EXTERNAL = "external"


class TransferStatus(OpenStrEnum):
    """Interaction transfer status."""

    ACTIVE = "active"
    FAILED = "failed"
    COMPLETED = "completed"


@attrs.define(frozen=True, kw_only=True, repr=False)
class Interaction(Model):
    """An interaction (``KD…``).  ``channel`` echoes the Channel sent (with the new channel's
    ``sid`` once known); :attr:`channel_sid` reads it."""

    _repr_fields = ("sid", "channel_sid")

    sid: str | None = None
    channel: dict[str, Any] | None = None
    routing: dict[str, Any] | None = None
    url: str | None = None
    links: dict[str, Any] | None = None
    interaction_context_sid: str | None = None
    webhook_ttid: str | None = None

    @property
    def channel_sid(self) -> str | None:
        """The interaction channel's SID (``UO…``), when Twilio returned it."""
        sid = (self.channel or {}).get("sid")
        return sid if isinstance(sid, str) else None


@attrs.define(frozen=True, kw_only=True, repr=False)
class InteractionChannel(Model):
    """An interaction channel (``UO…``); ``error_code``/``error_message`` explain a ``failed``."""

    _repr_fields = ("sid", "type", "status")

    sid: str | None = None
    interaction_sid: str | None = None
    type: ChannelType | None = None
    status: ChannelStatus | None = None
    error_code: int | None = None
    error_message: str | None = None
    url: str | None = None
    links: dict[str, Any] | None = None


@attrs.define(frozen=True, kw_only=True, repr=False)
class InteractionParticipant(Model):
    """An interaction channel participant (``UT…``)."""

    _repr_fields = ("sid", "type")

    sid: str | None = None
    type: ParticipantType | None = None
    interaction_sid: str | None = None
    channel_sid: str | None = None
    url: str | None = None
    routing_properties: dict[str, Any] | None = None


@attrs.define(frozen=True, kw_only=True, repr=False)
class InteractionInvite(Model):
    """An invite (``KG…``) that added an agent or a queue to an interaction channel."""

    _repr_fields = ("sid", "channel_sid")

    sid: str | None = None
    interaction_sid: str | None = None
    channel_sid: str | None = None
    routing: dict[str, Any] | None = None
    url: str | None = None


@attrs.define(frozen=True, kw_only=True, repr=False)
class InteractionTransfer(Model):
    """A warm, cold or external transfer (``UX…``)."""

    _repr_fields = ("sid", "type", "status", "to")

    sid: str | None = None
    instance_sid: str | None = None
    account_sid: str | None = None
    interaction_sid: str | None = None
    channel_sid: str | None = None
    execution_sid: str | None = None
    type: TransferType | None = None
    status: TransferStatus | None = None
    from_: str | None = attrs.field(default=None, metadata=wire("from"))
    to: str | None = None
    note_sid: str | None = None
    summary_sid: str | None = None
    date_created: datetime | None = None
    date_updated: datetime | None = None
    url: str | None = None
