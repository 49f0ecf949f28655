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
    type: AutoCreationType | None = None
    conversation_service_sid: str | None = None
    webhook_url: str | None = None
    webhook_method: str | None = None
    webhook_filters: list[str] | None = None
    studio_flow_sid: str | None = None
    studio_retry_count: int | None = None


@attrs.define(frozen=True, kw_only=True, repr=False)
class Address(Model):
    """A Conversations address configuration (``IG…``)."""

    _repr_fields = ("sid", "type", "address")

    sid: str | None = None
    account_sid: str | None = None
    type: AddressType | None = None
    address: str | None = None
    friendly_name: str | None = None
    auto_creation: AutoCreation | None = None
    date_created: datetime | None = None
    date_updated: datetime | None = None
    url: str | None = None
    address_country: str | None = None
