"""Messaging Services in the emulator: raw Twilio-shaped HTTP checked against Twilio's spec
(`twilio_messaging_v1.json`), and seeding from a scenario."""

from __future__ import annotations

from flexconv.emulator import Emulator
from tests.emulator.conftest import Http

MSG = "https://messaging.twilio.com/v1"


def test_create_list_fetch_a_service(emu: Emulator, http: Http) -> None:
    """Spec, `POST /v1/Services` (201, `FriendlyName` required), `GET /v1/Services` (key
    `services`) and `GET /v1/Services/{Sid}`."""
    assert http.post(f"{MSG}/Services", {}, check=False).status == 400
    created = http.post(
        f"{MSG}/Services",
        {
            "FriendlyName": "Notifications",
            "InboundRequestUrl": "https://backend.example.com/inbound",
            "UseInboundWebhookOnNumber": "false",
        },
    )
    assert created.status == 201
    sid = created.json["sid"]
    assert sid.startswith("MG")
    assert created.json["inbound_request_url"] == "https://backend.example.com/inbound"
    assert created.json["use_inbound_webhook_on_number"] is False
    listed = http.get(f"{MSG}/Services").json
    assert [s["sid"] for s in listed["services"]] == [sid]
    assert listed["meta"]["key"] == "services"
    assert http.get(f"{MSG}/Services/{sid}").json["friendly_name"] == "Notifications"
    assert http.get(f"{MSG}/Services/MG{'0' * 32}", check=False).status == 404
    bad = {"FriendlyName": "x", "InboundMethod": "PUT"}
    assert http.post(f"{MSG}/Services", bad, check=False).status == 400


def test_phone_numbers_add_list_delete(emu: Emulator, http: Http) -> None:
    """Spec, `POST /v1/Services/{ServiceSid}/PhoneNumbers` (`PhoneNumberSid` required, 201),
    its list (key `phone_numbers`) and `DELETE .../PhoneNumbers/{Sid}` (204); a number is in
    one service at a time."""
    number = emu.phone_numbers.find("+15005550006")
    assert number is not None
    one = http.post(f"{MSG}/Services", {"FriendlyName": "One"}).json["sid"]
    two = http.post(f"{MSG}/Services", {"FriendlyName": "Two"}).json["sid"]
    base = f"{MSG}/Services/{one}/PhoneNumbers"
    added = http.post(base, {"PhoneNumberSid": number.sid})
    assert added.status == 201
    assert added.json["service_sid"] == one
    assert added.json["phone_number"] == "+15005550006"
    again = {"PhoneNumberSid": number.sid}
    assert http.post(f"{MSG}/Services/{two}/PhoneNumbers", again, check=False).status == 400
    unknown = {"PhoneNumberSid": "PN" + "0" * 32}
    assert http.post(base, unknown, check=False).status == 404
    assert [n["sid"] for n in http.get(base).json["phone_numbers"]] == [number.sid]
    assert emu.messaging.service_of("+15005550006") is emu.messaging.get(one)
    assert http.delete(f"{base}/{number.sid}").status == 204
    assert http.get(base).json["phone_numbers"] == []
    assert http.delete(f"{base}/{number.sid}", check=False).status == 404
    assert emu.messaging.service_of("+15005550006") is None


def test_seeded_from_a_scenario() -> None:
    emu = Emulator.from_scenario(
        {
            "messaging_services": [
                {
                    "friendly_name": "Notifications",
                    "inbound_request_url": "https://backend.example.com/inbound",
                    "phone_numbers": ["+15005550007"],
                }
            ]
        }
    )
    sid = emu.seeded.messaging_services["Notifications"]
    service = emu.messaging.service_of("+15005550007")
    assert service is not None
    assert service.sid == sid
    assert service.inbound_request_url == "https://backend.example.com/inbound"
