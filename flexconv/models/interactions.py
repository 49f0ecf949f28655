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
    ``sid`` once known); [`channel_sid`][flexconv.models.interactions.Interaction.channel_sid] reads it."""

    _repr_fields = ("sid", "channel_sid")

    sid: str | None = None
    """The interaction's SID (`KD…`)."""
    channel: dict[str, Any] | None = None
    """The channel the interaction was created with (type, initiator, properties), with the new
    channel's `sid` once known.
    """
    routing: dict[str, Any] | None = None
    """How the interaction's task is routed (TaskRouter properties such as workspace, workflow and
    task attributes).
    """
    url: str | None = None
    """Absolute API URL of this interaction."""
    links: dict[str, Any] | None = None
    """Absolute API URLs of its channels."""
    interaction_context_sid: str | None = None
    """SID of the interaction's context, when Twilio reports one."""
    webhook_ttid: str | None = None
    """Identifier of the webhook that created the interaction, when Twilio reports one."""

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
    """The interaction channel's SID (`UO…`)."""
    interaction_sid: str | None = None
    """SID (`KD…`) of the interaction this resource belongs to."""
    type: ChannelType | None = None
    """Channel type: `voice`, `sms`, `email`, `web`, `whatsapp`, `chat`, `messenger`, `gbm`."""
    status: ChannelStatus | None = None
    """`setup` while being created, then `active`, `failed` or `closed` (also `inactive`, `pause`,
    `transfer`).
    """
    error_code: int | None = None
    """Twilio's error code when the channel `failed`."""
    error_message: str | None = None
    """Twilio's explanation when the channel `failed`."""
    url: str | None = None
    """Absolute API URL of this channel."""
    links: dict[str, Any] | None = None
    """Absolute API URLs of its participants, invites and transfers."""


@attrs.define(frozen=True, kw_only=True, repr=False)
class InteractionParticipant(Model):
    """An interaction channel participant (``UT…``)."""

    _repr_fields = ("sid", "type")

    sid: str | None = None
    """The participant's SID (`UT…`)."""
    type: ParticipantType | None = None
    """Who the participant is: `supervisor`, `customer`, `external`, `agent` or `unknown`."""
    interaction_sid: str | None = None
    """SID (`KD…`) of the interaction this resource belongs to."""
    channel_sid: str | None = None
    """SID (`UO…`) of the interaction channel this resource belongs to."""
    url: str | None = None
    """Absolute API URL of this participant."""
    routing_properties: dict[str, Any] | None = None
    """Routing details of the participant (for an agent, the task and reservation behind it)."""


@attrs.define(frozen=True, kw_only=True, repr=False)
class InteractionInvite(Model):
    """An invite (``KG…``) that added an agent or a queue to an interaction channel."""

    _repr_fields = ("sid", "channel_sid")

    sid: str | None = None
    """The invite's SID (`KG…`)."""
    interaction_sid: str | None = None
    """SID (`KD…`) of the interaction this resource belongs to."""
    channel_sid: str | None = None
    """SID (`UO…`) of the interaction channel this resource belongs to."""
    routing: dict[str, Any] | None = None
    """The routing used for the invite (the task and its TaskRouter properties)."""
    url: str | None = None
    """Absolute API URL of this invite."""


@attrs.define(frozen=True, kw_only=True, repr=False)
class InteractionTransfer(Model):
    """A warm, cold or external transfer (``UX…``)."""

    _repr_fields = ("sid", "type", "status", "to")

    sid: str | None = None
    """The transfer's SID (`UX…`)."""
    instance_sid: str | None = None
    """SID of the Flex instance the transfer happens in."""
    account_sid: str | None = None
    """SID (`AC…`) of the Twilio account that owns this resource."""
    interaction_sid: str | None = None
    """SID (`KD…`) of the interaction this resource belongs to."""
    channel_sid: str | None = None
    """SID (`UO…`) of the interaction channel this resource belongs to."""
    execution_sid: str | None = None
    """SID of the execution that carries out the transfer."""
    type: TransferType | None = None
    """`warm`, `cold` or `external`."""
    status: TransferStatus | None = None
    """Where the transfer stands: `active`, `completed` or `failed`."""
    from_: str | None = attrs.field(default=None, metadata=wire("from"))
    """SID of the participant handing over (wire name `from`)."""
    to: str | None = None
    """SID of the participant receiving the transfer."""
    note_sid: str | None = None
    """SID of the note attached to the transfer."""
    summary_sid: str | None = None
    """SID of the summary attached to the transfer."""
    date_created: datetime | None = None
    """When the resource was created (timezone-aware, UTC)."""
    date_updated: datetime | None = None
    """When the resource last changed (timezone-aware, UTC)."""
    url: str | None = None
    """Absolute API URL of this transfer."""
