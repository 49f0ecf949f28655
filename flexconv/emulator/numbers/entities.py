"""The 2010 API's phone number entity: one ``IncomingPhoneNumber`` (``PN…``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flexconv.emulator._base import rfc2822

PRODUCT = "api"
PREFIX = "/2010-04-01/Accounts"

#: Update parameters that are URLs, methods, or plain text, by wire name -> attribute.
URL_FIELDS = {
    "SmsUrl": "sms_url",
    "SmsFallbackUrl": "sms_fallback_url",
    "VoiceUrl": "voice_url",
    "VoiceFallbackUrl": "voice_fallback_url",
    "StatusCallback": "status_callback",
}
METHOD_FIELDS = {
    "SmsMethod": "sms_method",
    "SmsFallbackMethod": "sms_fallback_method",
    "VoiceMethod": "voice_method",
    "VoiceFallbackMethod": "voice_fallback_method",
    "StatusCallbackMethod": "status_callback_method",
}
SID_FIELDS = {
    "SmsApplicationSid": ("sms_application_sid", "AP"),
    "VoiceApplicationSid": ("voice_application_sid", "AP"),
    "TrunkSid": ("trunk_sid", "TK"),
    "AddressSid": ("address_sid", "AD"),
    "EmergencyAddressSid": ("emergency_address_sid", "AD"),
    "IdentitySid": ("identity_sid", "RI"),
    "BundleSid": ("bundle_sid", "BU"),
}


@dataclass
class PhoneNumber:
    """One of the account's phone numbers and its webhooks."""

    sid: str
    phone_number: str
    friendly_name: str
    date_created: datetime
    date_updated: datetime
    sms_url: str = ""
    sms_method: str = "POST"
    sms_fallback_url: str = ""
    sms_fallback_method: str = "POST"
    voice_url: str = ""
    voice_method: str = "POST"
    voice_fallback_url: str = ""
    voice_fallback_method: str = "POST"
    status_callback: str = ""
    status_callback_method: str = "POST"
    sms_application_sid: str | None = None
    voice_application_sid: str | None = None
    trunk_sid: str | None = None
    address_sid: str | None = None
    emergency_address_sid: str | None = None
    identity_sid: str | None = None
    bundle_sid: str | None = None
    voice_caller_id_lookup: bool = False
    origin: str = "twilio"
    capabilities: dict[str, bool] = field(
        default_factory=lambda: {"voice": True, "sms": True, "mms": True, "fax": False}
    )

    def to_json(self, account_sid: str) -> dict[str, Any]:
        uri = f"{PREFIX}/{account_sid}/IncomingPhoneNumbers/{self.sid}.json"
        return {
            "account_sid": account_sid,
            "address_requirements": "none",
            "address_sid": self.address_sid,
            "api_version": "2010-04-01",
            "beta": False,
            "capabilities": dict(self.capabilities),
            "date_created": rfc2822(self.date_created),
            "date_updated": rfc2822(self.date_updated),
            "emergency_status": "Inactive",
            "emergency_address_sid": self.emergency_address_sid,
            "emergency_address_status": "unregistered",
            "friendly_name": self.friendly_name,
            "identity_sid": self.identity_sid,
            "origin": self.origin,
            "phone_number": self.phone_number,
            "sid": self.sid,
            "sms_application_sid": self.sms_application_sid,
            "sms_fallback_method": self.sms_fallback_method,
            "sms_fallback_url": self.sms_fallback_url,
            "sms_method": self.sms_method,
            "sms_url": self.sms_url,
            "status_callback": self.status_callback,
            "status_callback_method": self.status_callback_method,
            "trunk_sid": self.trunk_sid,
            "uri": uri,
            "voice_receive_mode": "voice",
            "voice_application_sid": self.voice_application_sid,
            "voice_caller_id_lookup": self.voice_caller_id_lookup,
            "voice_fallback_method": self.voice_fallback_method,
            "voice_fallback_url": self.voice_fallback_url,
            "voice_method": self.voice_method,
            "voice_url": self.voice_url,
            "bundle_sid": self.bundle_sid,
            "status": "in-use",
            "type": "local",
        }
