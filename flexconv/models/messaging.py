"""Messaging Services (``MG…``) and the phone numbers in them (the Messaging API)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from flexconv.models._base import Model

__all__ = ["MessagingService", "MessagingServicePhoneNumber"]


@attrs.define(frozen=True, kw_only=True, repr=False)
class MessagingService(Model):
    """A Messaging Service (``MG…``): a pool of senders and what happens to their inbound
    messages.

    Inbound messages to a number in the service go to ``inbound_request_url``, unless
    ``use_inbound_webhook_on_number`` defers to the number's own "A message comes in" webhook.
    """

    _repr_fields = ("sid", "friendly_name", "inbound_request_url")

    sid: str | None = None
    """The service's SID (``MG…``)."""
    account_sid: str | None = None
    """The account the service belongs to (``AC…``)."""
    friendly_name: str | None = None
    """The service's name."""
    date_created: datetime | None = None
    """When the service was created."""
    date_updated: datetime | None = None
    """When the service last changed."""
    inbound_request_url: str | None = None
    """Where Twilio sends the messages any number of the service receives (``None``: the
    service takes no inbound webhook)."""
    inbound_method: str | None = None
    """``GET`` or ``POST`` for ``inbound_request_url``."""
    fallback_url: str | None = None
    """Where Twilio turns when ``inbound_request_url`` fails."""
    fallback_method: str | None = None
    """``GET`` or ``POST`` for ``fallback_url``."""
    status_callback: str | None = None
    """Where Twilio posts the delivery status of messages sent through the service."""
    use_inbound_webhook_on_number: bool | None = None
    """Whether each number's own webhook (its ``sms_url``) is used instead of
    ``inbound_request_url`` and ``fallback_url`` ("Defer to sender's webhook")."""
    sticky_sender: bool | None = None
    """Whether a recipient keeps getting messages from the same sender."""
    mms_converter: bool | None = None
    """Whether MMS is turned into SMS with a link where the recipient cannot get MMS."""
    smart_encoding: bool | None = None
    """Whether look-alike Unicode characters are replaced to keep messages GSM-7."""
    scan_message_content: str | None = None
    """``inherit``, ``enable`` or ``disable``: whether message content is scanned."""
    fallback_to_long_code: bool | None = None
    """Obsolete: a former short-code fallback."""
    area_code_geomatch: bool | None = None
    """Whether a sender with the recipient's area code is preferred."""
    synchronous_validation: bool | None = None
    """Reserved by Twilio."""
    validity_period: int | None = None
    """How long, in seconds, messages sent through the service stay valid."""
    usecase: str | None = None
    """What the service is used for (``notifications``, ``marketing``, ``undeclared`` ...)."""
    us_app_to_person_registered: bool | None = None
    """Whether a US A2P campaign is registered for the service."""
    url: str | None = None
    """The service's absolute URL."""
    links: dict[str, Any] | None = None
    """URLs of the service's phone numbers, short codes and senders."""


@attrs.define(frozen=True, kw_only=True, repr=False)
class MessagingServicePhoneNumber(Model):
    """One phone number in a Messaging Service's sender pool."""

    _repr_fields = ("sid", "phone_number", "service_sid")

    sid: str | None = None
    """The number's SID (``PN…``, the same as the account's IncomingPhoneNumber)."""
    account_sid: str | None = None
    """The account the number belongs to (``AC…``)."""
    service_sid: str | None = None
    """The Messaging Service the number is in (``MG…``)."""
    phone_number: str | None = None
    """The number in E.164 form (``+15005550006``)."""
    country_code: str | None = None
    """The number's two-letter ISO country code."""
    capabilities: list[str] | None = None
    """What the number can do: ``Voice``, ``SMS``, ``MMS``."""
    date_created: datetime | None = None
    """When the number was added to the service."""
    date_updated: datetime | None = None
    """When the number's membership last changed."""
    url: str | None = None
    """The number's absolute URL in the service."""
