"""Messaging Services: `MessagingServices` (the object behind ``emu.messaging``): state, seeding
from a scenario, and the ``/v1/Services`` and ``/v1/Services/{MG}/PhoneNumbers`` routes."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from flexconv.emulator._base import (
    EmuRequest,
    EmuResponse,
    bad_request,
    is_sid,
    not_found,
    paginate,
)
from flexconv.emulator.messaging.entities import (
    BOOL_FIELDS,
    METHOD_FIELDS,
    PRODUCT,
    URL_FIELDS,
    MessagingService,
    phone_number_json,
)
from flexconv.emulator.messaging.host import MessagingHost

__all__ = ["MessagingService", "MessagingServices"]


class MessagingServices:
    """The account's Messaging Services, by SID, in creation order."""

    def __init__(self, emu: MessagingHost) -> None:
        self.emu = emu
        self.services: dict[str, MessagingService] = {}
        # a stream of its own, so that adding services leaves every other SID as it was
        self._rng = random.Random(f"messaging:{emu.account_sid}")
        add = emu.router.add
        add("GET", PRODUCT, "/v1/Services", self._h_list)
        add("POST", PRODUCT, "/v1/Services", self._h_create)
        add("GET", PRODUCT, "/v1/Services/{Sid}", self._h_fetch)
        add("GET", PRODUCT, "/v1/Services/{ServiceSid}/PhoneNumbers", self._h_list_numbers)
        add("POST", PRODUCT, "/v1/Services/{ServiceSid}/PhoneNumbers", self._h_add_number)
        add("DELETE", PRODUCT, "/v1/Services/{ServiceSid}/PhoneNumbers/{Sid}", self._h_remove)

    # ------------------------------------------------------------------ Python API
    def create(self, friendly_name: str, **fields: Any) -> MessagingService:
        """A new Messaging Service, with any `MessagingService` fields."""
        if not isinstance(friendly_name, str) or not friendly_name.strip():
            raise bad_request("FriendlyName is required", 20001)
        now = self.emu.clock.now()
        service = MessagingService(
            sid="MG%032x" % self._rng.getrandbits(128),
            friendly_name=friendly_name,
            date_created=now,
            date_updated=now,
            **fields,
        )
        self.services[service.sid] = service
        return service

    def get(self, sid: str) -> MessagingService:
        """A service by SID (404 when there is none)."""
        service = self.services.get(sid)
        if service is None:
            raise not_found(f"/v1/Services/{sid}")
        return service

    def add_number(self, service: MessagingService, phone_number_sid: str) -> None:
        """Put one of the account's numbers (``PN…``) in the service's sender pool; a number
        is in one service at most."""
        if not is_sid(phone_number_sid, "PN"):
            raise bad_request(f"PhoneNumberSid must be a PN SID, got {phone_number_sid!r}")
        self.emu.phone_numbers.get(phone_number_sid)
        for other in self.services.values():
            if phone_number_sid in other.numbers:
                raise bad_request(
                    f"Phone Number {phone_number_sid} is already in the Messaging Service "
                    f"{other.sid}"
                )
        service.numbers[phone_number_sid] = self.emu.clock.now()

    def service_of(self, phone_number: str) -> MessagingService | None:
        """The service the number (E.164) is in, if any."""
        number = self.emu.phone_numbers.find(phone_number)
        if number is None:
            return None
        return next((s for s in self.services.values() if number.sid in s.numbers), None)

    def seed(self, scenario: Mapping[str, Any]) -> dict[str, str]:
        """The scenario's ``messaging_services`` (``{"friendly_name": ..., "inbound_request_url":
        ..., "use_inbound_webhook_on_number": ..., "phone_numbers": ["+1…"]}``); a number the
        account lacks is added to it.  Returns the SIDs by friendly name."""
        out: dict[str, str] = {}
        for spec in scenario.get("messaging_services", ()):
            if not isinstance(spec, Mapping):
                raise bad_request("Each scenario messaging service must be a mapping")
            fields = dict(spec)
            numbers = fields.pop("phone_numbers", ())
            service = self.create(str(fields.pop("friendly_name", "")), **fields)
            for value in numbers:
                number = self.emu.phone_numbers.find(value) or self.emu.phone_numbers.create(value)
                self.add_number(service, number.sid)
            out[service.friendly_name] = service.sid
        return out

    def snapshot(self) -> list[dict[str, Any]]:
        """Every service as the API shows it, with its numbers' SIDs."""
        return [
            {**s.to_json(self.emu.account_sid), "phone_number_sids": list(s.numbers)}
            for s in self.services.values()
        ]

    # ------------------------------------------------------------------ HTTP
    def _h_list(self, req: EmuRequest) -> EmuResponse:
        items = [s.to_json(self.emu.account_sid, req.base_url) for s in self.services.values()]
        return paginate(req, items, "services", 1000)

    def _h_fetch(self, req: EmuRequest) -> EmuResponse:
        service = self.get(req.params["Sid"])
        return EmuResponse.json(200, service.to_json(self.emu.account_sid, req.base_url))

    def _h_create(self, req: EmuRequest) -> EmuResponse:
        fields: dict[str, Any] = {}
        for wire, attr in URL_FIELDS.items():
            value = req.value(wire)
            if value is None:
                continue
            if value and not value.startswith(("https://", "http://")):
                raise bad_request(f"{wire} is not a valid URL: {value}")
            fields[attr] = value or None
        for wire, attr in METHOD_FIELDS.items():
            value = req.value(wire)
            if value is None:
                continue
            if value.upper() not in ("GET", "POST"):
                raise bad_request(f"{wire} must be GET or POST, got {value!r}")
            fields[attr] = value.upper()
        for wire, attr in BOOL_FIELDS.items():
            flag = req.bool_value(wire)
            if flag is not None:
                fields[attr] = flag
        scan = req.value("ScanMessageContent")
        if scan is not None:
            if scan not in ("inherit", "enable", "disable"):
                raise bad_request("ScanMessageContent must be inherit, enable or disable")
            fields["scan_message_content"] = scan
        validity = req.value("ValidityPeriod")
        if validity is not None:
            if not validity.isdigit() or not 1 <= int(validity) <= 36000:
                raise bad_request("ValidityPeriod must be an integer from 1 to 36000")
            fields["validity_period"] = int(validity)
        usecase = req.value("Usecase")
        if usecase is not None:
            fields["usecase"] = usecase
        service = self.create(req.value("FriendlyName") or "", **fields)
        return EmuResponse.json(201, service.to_json(self.emu.account_sid, req.base_url))

    def _numbers_json(self, service: MessagingService, base: str) -> list[dict[str, Any]]:
        acc = self.emu.account_sid
        return [
            phone_number_json(service.sid, acc, self.emu.phone_numbers.get(sid), joined, base)
            for sid, joined in service.numbers.items()
        ]

    def _h_list_numbers(self, req: EmuRequest) -> EmuResponse:
        service = self.get(req.params["ServiceSid"])
        return paginate(req, self._numbers_json(service, req.base_url), "phone_numbers", 1000)

    def _h_add_number(self, req: EmuRequest) -> EmuResponse:
        service = self.get(req.params["ServiceSid"])
        sid = req.value("PhoneNumberSid")
        if not sid:
            raise bad_request("PhoneNumberSid is required")
        self.add_number(service, sid)
        number = self.emu.phone_numbers.get(sid)
        body = phone_number_json(
            service.sid, self.emu.account_sid, number, service.numbers[sid], req.base_url
        )
        return EmuResponse.json(201, body)

    def _h_remove(self, req: EmuRequest) -> EmuResponse:
        service = self.get(req.params["ServiceSid"])
        sid = req.params["Sid"]
        if service.numbers.pop(sid, None) is None:
            raise not_found(f"/v1/Services/{service.sid}/PhoneNumbers/{sid}")
        return EmuResponse(204, {}, b"")
