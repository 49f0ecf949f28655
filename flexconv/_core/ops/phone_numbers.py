"""The 2010 API's phone numbers (``api.twilio.com/2010-04-01/Accounts/{AccountSid}/
IncomingPhoneNumbers.json``)."""

from __future__ import annotations

from flexconv._core.operation import Operation, Param

_P = "api"
_NUMBERS = "/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers"

#: The update's parameters, by wire name (the spec's order, ``AccountSid`` aside).
UPDATE_PARAMS: dict[str, str] = {
    "FriendlyName": "friendly_name",
    "SmsApplicationSid": "sms_application_sid",
    "SmsFallbackMethod": "sms_fallback_method",
    "SmsFallbackUrl": "sms_fallback_url",
    "SmsMethod": "sms_method",
    "SmsUrl": "sms_url",
    "StatusCallback": "status_callback",
    "StatusCallbackMethod": "status_callback_method",
    "VoiceApplicationSid": "voice_application_sid",
    "VoiceCallerIdLookup": "voice_caller_id_lookup",
    "VoiceFallbackMethod": "voice_fallback_method",
    "VoiceFallbackUrl": "voice_fallback_url",
    "VoiceMethod": "voice_method",
    "VoiceUrl": "voice_url",
    "EmergencyStatus": "emergency_status",
    "EmergencyAddressSid": "emergency_address_sid",
    "TrunkSid": "trunk_sid",
    "VoiceReceiveMode": "voice_receive_mode",
    "IdentitySid": "identity_sid",
    "AddressSid": "address_sid",
    "BundleSid": "bundle_sid",
}

LIST_PHONE_NUMBERS = Operation(
    "api.incoming_phone_numbers.list",
    "GET",
    _P,
    _NUMBERS + ".json",
    params={
        "phone_number": Param("PhoneNumber"),
        "friendly_name": Param("FriendlyName"),
        "origin": Param("Origin"),
        "beta": Param("Beta"),
    },
    list_key="incoming_phone_numbers",
    max_page_size=1000,
    path_sids={"AccountSid": "AC"},
)
FETCH_PHONE_NUMBER = Operation(
    "api.incoming_phone_numbers.fetch",
    "GET",
    _P,
    _NUMBERS + "/{Sid}.json",
    path_sids={"AccountSid": "AC", "Sid": "PN"},
)
UPDATE_PHONE_NUMBER = Operation(
    "api.incoming_phone_numbers.update",
    "POST",
    _P,
    _NUMBERS + "/{Sid}.json",
    params={key: Param(wire) for wire, key in UPDATE_PARAMS.items()},
    path_sids={"AccountSid": "AC", "Sid": "PN"},
)
