"""The account's phone numbers (2010 API ``IncomingPhoneNumbers``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from flexconv.models._base import Model

__all__ = ["PhoneNumber"]


@attrs.define(frozen=True, kw_only=True, repr=False)
class PhoneNumber(Model):
    """One of the account's phone numbers (``PN…``) and where its messages and calls go.

    Dates come in the 2010 API's RFC 2822 form and are parsed to aware datetimes; unset URLs
    are ``""``, as Twilio sends them.
    """

    _repr_fields = ("sid", "phone_number", "sms_url")

    account_sid: str | None = None
    """The account that owns the number (``AC…``)."""
    address_sid: str | None = None
    """The address registered for the number (``AD…``), where regulation needs one."""
    address_requirements: str | None = None
    """Whether the number needs an address: ``none``, ``any``, ``local`` or ``foreign``."""
    api_version: str | None = None
    """The API version of the webhooks (``2010-04-01``)."""
    beta: bool | None = None
    """Whether the number is new to Twilio's platform."""
    capabilities: dict[str, Any] | None = None
    """What the number can do: ``{"voice": True, "sms": True, "mms": True, "fax": False}``."""
    date_created: datetime | None = None
    """When the number was added to the account."""
    date_updated: datetime | None = None
    """When the number's settings last changed."""
    friendly_name: str | None = None
    """The number's name (by default the formatted number)."""
    identity_sid: str | None = None
    """The identity associated with the number (``RI…``)."""
    phone_number: str | None = None
    """The number in E.164 form (``+15005550006``)."""
    origin: str | None = None
    """``twilio`` (bought from Twilio) or ``hosted``."""
    sid: str | None = None
    """The number's SID (``PN…``)."""
    sms_application_sid: str | None = None
    """The TwiML application that handles its messages (``AP…``), instead of ``sms_url``."""
    sms_fallback_method: str | None = None
    """``GET`` or ``POST`` for ``sms_fallback_url``."""
    sms_fallback_url: str | None = None
    """Where Twilio turns when ``sms_url`` fails."""
    sms_method: str | None = None
    """``GET`` or ``POST`` for ``sms_url``."""
    sms_url: str | None = None
    """Where Twilio posts the number's incoming messages (``""``: nowhere set)."""
    status_callback: str | None = None
    """Where Twilio posts call status changes."""
    status_callback_method: str | None = None
    """``GET`` or ``POST`` for ``status_callback``."""
    trunk_sid: str | None = None
    """The SIP trunk that handles its calls (``TK…``)."""
    uri: str | None = None
    """The number's path in the 2010 API."""
    voice_receive_mode: str | None = None
    """Whether calls are received as ``voice`` or ``fax``."""
    voice_application_sid: str | None = None
    """The TwiML application that handles its calls (``AP…``)."""
    voice_caller_id_lookup: bool | None = None
    """Whether caller names are looked up for incoming calls."""
    voice_fallback_method: str | None = None
    """``GET`` or ``POST`` for ``voice_fallback_url``."""
    voice_fallback_url: str | None = None
    """Where Twilio turns when ``voice_url`` fails."""
    voice_method: str | None = None
    """``GET`` or ``POST`` for ``voice_url``."""
    voice_url: str | None = None
    """Where Twilio asks for TwiML on an incoming call."""
    emergency_status: str | None = None
    """Whether emergency calling is ``Active`` on the number."""
    emergency_address_sid: str | None = None
    """The emergency address (``AD…``)."""
    emergency_address_status: str | None = None
    """The emergency address's registration status."""
    bundle_sid: str | None = None
    """The regulatory bundle of the number (``BU…``)."""
    status: str | None = None
    """The number's status (``in-use``)."""
    type: str | None = None
    """The kind of number (``local``, ``mobile``, ``toll-free``)."""
