"""Conversations address configurations and the desired-state types of ``client.channels``."""

from __future__ import annotations

from datetime import datetime

import attrs

from flexconv._core.channels import (
    ADDRESS_FORMS,
    ADDRESS_TYPES,
    WEBHOOK_FILTERS,
    AddressPlan,
    AutoCreationTarget,
    DefaultTarget,
    DesiredAddress,
    EnsureError,
    FieldChange,
    PlanItem,
    StudioTarget,
    WebhookTarget,
)
from flexconv.models._base import Model, OpenStrEnum

__all__ = [
    "ADDRESS_FORMS",
    "ADDRESS_TYPES",
    "WEBHOOK_FILTERS",
    "Address",
    "AddressPlan",
    "AddressType",
    "AutoCreation",
    "AutoCreationTarget",
    "AutoCreationType",
    "DefaultTarget",
    "DesiredAddress",
    "EnsureError",
    "FieldChange",
    "PlanItem",
    "StudioTarget",
    "WebhookTarget",
]


class AddressType(OpenStrEnum):
    """Channel type of an address configuration."""

    SMS = "sms"
    WHATSAPP = "whatsapp"
    MESSENGER = "messenger"
    GBM = "gbm"
    EMAIL = "email"
    RCS = "rcs"
    APPLE = "apple"
    CHAT = "chat"


class AutoCreationType(OpenStrEnum):
    """What an auto-created conversation is attached to."""

    WEBHOOK = "webhook"
    STUDIO = "studio"
    DEFAULT = "default"


@attrs.define(frozen=True, kw_only=True, repr=False)
class AutoCreation(Model):
    """An address's ``auto_creation`` block as Twilio reports it.

    ``webhook_method`` comes back upper-case (``GET``/``POST``) although it is sent lower-case.
    Studio fields appear for type ``studio``, webhook fields for type ``webhook``.
    """

    _repr_fields = ("enabled", "type")

    enabled: bool | None = None
    """Whether an inbound message from an unknown sender creates a conversation."""
    type: AutoCreationType | None = None
    """What a new conversation is attached to: a Studio flow, a webhook, or neither (`default`)."""
    conversation_service_sid: str | None = None
    """SID (`IS…`) of the Conversations service new conversations are created in; the default
    service when absent.
    """
    webhook_url: str | None = None
    """URL that receives the conversation's events, for type `webhook`."""
    webhook_method: str | None = None
    """HTTP method of the webhook calls (`GET` or `POST`, reported upper-case)."""
    webhook_filters: list[str] | None = None
    """Conversation events sent to the webhook (`onMessageAdded`, …); empty means Twilio's default
    set.
    """
    studio_flow_sid: str | None = None
    """SID (`FW…`) of the Studio flow new conversations are handed to, for type `studio`."""
    studio_retry_count: int | None = None
    """How many times Twilio retries its webhook request to the Studio flow, for type `studio`."""


@attrs.define(frozen=True, kw_only=True, repr=False)
class Address(Model):
    """A Conversations address configuration (``IG…``)."""

    _repr_fields = ("sid", "type", "address")

    sid: str | None = None
    """The address configuration's SID (`IG…`)."""
    account_sid: str | None = None
    """SID (`AC…`) of the Twilio account that owns this resource."""
    type: AddressType | None = None
    """The channel type of the address (`sms`, `whatsapp`, `chat`…)."""
    address: str | None = None
    """The configured address itself: a phone number, `whatsapp:+1…`, a chat name…."""
    friendly_name: str | None = None
    """A readable name for this configuration (up to 256 characters)."""
    auto_creation: AutoCreation | None = None
    """What happens when a message arrives from a new sender: whether a conversation is created
    automatically and what it is attached to.
    """
    date_created: datetime | None = None
    """When the resource was created (timezone-aware, UTC)."""
    date_updated: datetime | None = None
    """When the resource last changed (timezone-aware, UTC)."""
    url: str | None = None
    """Absolute API URL of this address configuration."""
    address_country: str | None = None
    """ISO 3166-1 alpha-2 country of the address; Twilio fills it for short codes only."""
