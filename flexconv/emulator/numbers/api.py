"""The account's phone numbers: `PhoneNumbers` (the object behind ``emu.phone_numbers``):
state, seeding from a scenario, and the 2010 API's ``IncomingPhoneNumbers`` routes."""

from __future__ import annotations

import random
import re
import urllib.parse
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from flexconv.emulator._base import (
    ApiError,
    EmuRequest,
    EmuResponse,
    bad_request,
    is_sid,
    not_found,
)
from flexconv.emulator.numbers.entities import (
    METHOD_FIELDS,
    PREFIX,
    PRODUCT,
    SID_FIELDS,
    URL_FIELDS,
    PhoneNumber,
)

if TYPE_CHECKING:
    from flexconv.emulator._host import Host

__all__ = ["PhoneNumber", "PhoneNumbers"]

_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


def _friendly(number: str) -> str:
    """Twilio's default friendly name of a North American number: ``(500) 555-0006``."""
    if number.startswith("+1") and len(number) == 12:
        return f"({number[2:5]}) {number[5:8]}-{number[8:]}"
    return number


class PhoneNumbers:
    """The account's phone numbers, by SID, in creation order."""

    def __init__(self, emu: Host) -> None:
        self.emu = emu
        self.numbers: dict[str, PhoneNumber] = {}
        # a stream of its own, so that adding numbers leaves every other SID as it was
        self._rng = random.Random(f"numbers:{emu.account_sid}")
        base = f"{PREFIX}/{{AccountSid}}/IncomingPhoneNumbers"
        emu.router.add("GET", PRODUCT, base, self._h_list)
        emu.router.add("GET", PRODUCT, base + "/{Sid}", self._h_fetch)
        emu.router.add("POST", PRODUCT, base + "/{Sid}", self._h_update)

    # ------------------------------------------------------------------ Python API
    def create(self, phone_number: str, **fields: Any) -> PhoneNumber:
        """Add a number to the account (E.164), with any `PhoneNumber` fields."""
        if not isinstance(phone_number, str) or not _E164.fullmatch(phone_number):
            raise bad_request(f"PhoneNumber must be E.164 (+15005550006), got {phone_number!r}")
        if self.find(phone_number) is not None:
            raise bad_request(f"{phone_number} is already a number of this account")
        now = self.emu.clock.now()
        fields.setdefault("friendly_name", _friendly(phone_number))
        number = PhoneNumber(
            sid="PN%032x" % self._rng.getrandbits(128),
            phone_number=phone_number,
            date_created=now,
            date_updated=now,
            **fields,
        )
        self.numbers[number.sid] = number
        return number

    def find(self, phone_number: str) -> PhoneNumber | None:
        """The account's number ``phone_number``, if it has it."""
        return next((n for n in self.numbers.values() if n.phone_number == phone_number), None)

    def get(self, sid: str) -> PhoneNumber:
        """A number by SID (404 when the account has no such number)."""
        number = self.numbers.get(sid)
        if number is None:
            raise not_found(f"{PREFIX}/{self.emu.account_sid}/IncomingPhoneNumbers/{sid}.json")
        return number

    def seed(self, scenario: Mapping[str, Any]) -> dict[str, str]:
        """The numbers a scenario names: its ``phone_numbers`` entries (``{"phone_number": ...,
        "sms_url": ...}``), then every ``sms`` address that is a phone number.  Returns the
        SIDs by number."""
        out: dict[str, str] = {}
        for spec in scenario.get("phone_numbers", ()):
            fields = dict(spec)
            number = self.create(fields.pop("phone_number"), **fields)
            out[number.phone_number] = number.sid
        for addr in scenario.get("addresses", ()):
            value = addr.get("address")
            is_number = isinstance(value, str) and _E164.fullmatch(value) is not None
            if addr.get("type") == "sms" and is_number and self.find(value) is None:
                out[value] = self.create(value).sid
        return out

    def snapshot(self) -> list[dict[str, Any]]:
        """Every number as the API shows it."""
        return [n.to_json(self.emu.account_sid) for n in self.numbers.values()]

    # ------------------------------------------------------------------ HTTP
    def _check_account(self, req: EmuRequest) -> None:
        if req.params["AccountSid"] != self.emu.account_sid:
            raise ApiError(404, 20404, f"The requested resource {req.path} was not found")

    def _h_list(self, req: EmuRequest) -> EmuResponse:
        self._check_account(req)
        wanted = req.q("PhoneNumber")
        name = req.q("FriendlyName")
        origin = req.q("Origin")
        if origin is not None and origin not in ("twilio", "hosted"):
            raise bad_request("Origin must be twilio or hosted")
        pattern = None
        if wanted:
            digits = re.escape(wanted.strip()).replace(r"\*", "[0-9]")
            pattern = re.compile(digits)
        items = [
            n
            for n in self.numbers.values()
            if (pattern is None or pattern.search(n.phone_number))
            and (name is None or n.friendly_name == name)
            and (origin is None or n.origin == origin)
        ]
        try:
            size = int(req.q("PageSize") or 50)
            page = int(req.q("Page") or 0)
        except ValueError:
            raise bad_request("PageSize and Page must be integers") from None
        if not 1 <= size <= 1000 or page < 0:
            raise bad_request("PageSize must be 1 to 1000 and Page at least 0")
        token = req.q("PageToken")
        start = page * size
        if token:
            if not token.startswith("PT") or not token[2:].isdigit():
                raise bad_request(f"Invalid PageToken {token!r}")
            start = int(token[2:])
        chunk = items[start : start + size]
        path = f"{PREFIX}/{self.emu.account_sid}/IncomingPhoneNumbers.json"
        keep = [(k, v) for k, v in req.query if k in ("PhoneNumber", "FriendlyName", "Origin")]

        def uri(pg: int, tok: str | None) -> str:
            q = [*keep, ("PageSize", str(size)), ("Page", str(pg))]
            if tok:
                q.append(("PageToken", tok))
            return f"{path}?{urllib.parse.urlencode(q)}"

        body = {
            "incoming_phone_numbers": [n.to_json(self.emu.account_sid) for n in chunk],
            "end": start + max(len(chunk) - 1, 0),
            "first_page_uri": uri(0, None),
            "next_page_uri": uri(page + 1, f"PT{start + size}")
            if start + size < len(items)
            else None,
            "page": page,
            "page_size": size,
            "previous_page_uri": uri(page - 1, f"PT{max(start - size, 0)}") if page > 0 else None,
            "start": start,
            "uri": uri(page, token),
        }
        return EmuResponse.json(200, body)

    def _h_fetch(self, req: EmuRequest) -> EmuResponse:
        self._check_account(req)
        number = self.get(req.params["Sid"])
        return EmuResponse.json(200, number.to_json(self.emu.account_sid))

    def _h_update(self, req: EmuRequest) -> EmuResponse:
        self._check_account(req)
        number = self.get(req.params["Sid"])
        changes: dict[str, Any] = {}
        for wire, attr in URL_FIELDS.items():
            value = req.value(wire)
            if value is None:
                continue
            if value and not value.startswith(("https://", "http://")):
                raise ApiError(400, 21502, f"{wire} is not a valid URL: {value}")
            changes[attr] = value
        for wire, attr in METHOD_FIELDS.items():
            value = req.value(wire)
            if value is None:
                continue
            if value.upper() not in ("GET", "POST"):
                raise bad_request(f"{wire} must be GET or POST, got {value!r}")
            changes[attr] = value.upper()
        for wire, (attr, prefix) in SID_FIELDS.items():
            value = req.value(wire)
            if value is None:
                continue
            if value and not is_sid(value, prefix):
                raise bad_request(f"{wire} must be a {prefix} SID, got {value!r}")
            changes[attr] = value or None
        name = req.value("FriendlyName")
        if name is not None:
            if len(name) > 64:
                raise bad_request("FriendlyName is at most 64 characters")
            changes["friendly_name"] = name
        lookup = req.bool_value("VoiceCallerIdLookup")
        if lookup is not None:
            changes["voice_caller_id_lookup"] = lookup
        owner = req.value("AccountSid")
        if owner is not None and owner != self.emu.account_sid:
            raise bad_request("Moving a number to another account is not modelled")
        for attr, value in changes.items():
            setattr(number, attr, value)
        number.date_updated = self.emu.clock.now()
        return EmuResponse.json(200, number.to_json(self.emu.account_sid))
