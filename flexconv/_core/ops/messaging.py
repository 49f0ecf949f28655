"""Messaging Services (``messaging.twilio.com/v1/Services``) and the phone numbers in each."""

from __future__ import annotations

from flexconv._core.operation import Operation

_P = "messaging"

LIST_SERVICES = Operation(
    "messaging.services.list",
    "GET",
    _P,
    "/v1/Services",
    list_key="services",
    max_page_size=1000,
)
FETCH_SERVICE = Operation(
    "messaging.services.fetch", "GET", _P, "/v1/Services/{Sid}", path_sids={"Sid": "MG"}
)
LIST_SERVICE_PHONE_NUMBERS = Operation(
    "messaging.services.phone_numbers.list",
    "GET",
    _P,
    "/v1/Services/{ServiceSid}/PhoneNumbers",
    list_key="phone_numbers",
    max_page_size=1000,
    path_sids={"ServiceSid": "MG"},
)
