"""The Messaging API's entities: a Messaging Service (``MG…``) and its sender pool."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flexconv.emulator._base import iso

PRODUCT = "messaging"
DEFAULT_BASE = "https://messaging.twilio.com"

#: Create parameters, by wire name -> attribute: URLs, methods and booleans.
URL_FIELDS = {
    "InboundRequestUrl": "inbound_request_url",
    "FallbackUrl": "fallback_url",
    "StatusCallback": "status_callback",
}
METHOD_FIELDS = {"InboundMethod": "inbound_method", "FallbackMethod": "fallback_method"}
BOOL_FIELDS = {
    "UseInboundWebhookOnNumber": "use_inbound_webhook_on_number",
    "StickySender": "sticky_sender",
    "MmsConverter": "mms_converter",
    "SmartEncoding": "smart_encoding",
    "AreaCodeGeomatch": "area_code_geomatch",
    "FallbackToLongCode": "fallback_to_long_code",
    "SynchronousValidation": "synchronous_validation",
}


@dataclass
class MessagingService:
    """One Messaging Service; ``numbers`` holds its phone numbers' SIDs with when each joined."""

    sid: str
    friendly_name: str
    date_created: datetime
    date_updated: datetime
    inbound_request_url: str | None = None
    inbound_method: str = "POST"
    fallback_url: str | None = None
    fallback_method: str = "POST"
    status_callback: str | None = None
    use_inbound_webhook_on_number: bool = False
    sticky_sender: bool = True
    mms_converter: bool = True
    smart_encoding: bool = True
    area_code_geomatch: bool = True
    fallback_to_long_code: bool = False
    synchronous_validation: bool = False
    scan_message_content: str = "inherit"
    validity_period: int = 36000
    usecase: str = "undeclared"
    numbers: dict[str, datetime] = field(default_factory=dict)

    def to_json(self, account_sid: str, base: str = DEFAULT_BASE) -> dict[str, Any]:
        url = f"{base}/v1/Services/{self.sid}"
        return {
            "sid": self.sid,
            "account_sid": account_sid,
            "friendly_name": self.friendly_name,
            "date_created": iso(self.date_created),
            "date_updated": iso(self.date_updated),
            "inbound_request_url": self.inbound_request_url,
            "inbound_method": self.inbound_method,
            "fallback_url": self.fallback_url,
            "fallback_method": self.fallback_method,
            "status_callback": self.status_callback,
            "sticky_sender": self.sticky_sender,
            "mms_converter": self.mms_converter,
            "smart_encoding": self.smart_encoding,
            "scan_message_content": self.scan_message_content,
            "fallback_to_long_code": self.fallback_to_long_code,
            "area_code_geomatch": self.area_code_geomatch,
            "synchronous_validation": self.synchronous_validation,
            "validity_period": self.validity_period,
            "url": url,
            "links": {
                "phone_numbers": f"{url}/PhoneNumbers",
                "short_codes": f"{url}/ShortCodes",
                "alpha_senders": f"{url}/AlphaSenders",
                "us_app_to_person": f"{url}/Compliance/Usa2p",
                "us_app_to_person_usecases": f"{url}/Compliance/Usa2p/Usecases",
                "channel_senders": f"{url}/ChannelSenders",
                "destination_alpha_senders": f"{url}/DestinationAlphaSenders",
            },
            "usecase": self.usecase,
            "us_app_to_person_registered": False,
            "use_inbound_webhook_on_number": self.use_inbound_webhook_on_number,
        }


def phone_number_json(
    service_sid: str,
    account_sid: str,
    number: Any,
    joined: datetime,
    base: str = DEFAULT_BASE,
) -> dict[str, Any]:
    """One of a service's numbers as the API shows it (``number``: the IncomingPhoneNumber)."""
    caps = [name.upper() if name != "voice" else "Voice" for name, on in
            number.capabilities.items() if on and name in ("voice", "sms", "mms")]  # fmt: skip
    return {
        "sid": number.sid,
        "account_sid": account_sid,
        "service_sid": service_sid,
        "date_created": iso(joined),
        "date_updated": iso(joined),
        "phone_number": number.phone_number,
        "country_code": "US" if number.phone_number.startswith("+1") else None,
        "capabilities": caps,
        "url": f"{base}/v1/Services/{service_sid}/PhoneNumbers/{number.sid}",
    }
