"""The 2010 API's Messages log: ``/2010-04-01/Accounts/{AccountSid}/Messages.json``.

Fed by simulation (a customer's inbound SMS/WhatsApp message) and by Conversations messages sent
to messaging-binding participants.  List and fetch only; dates are RFC 2822, pages carry
``next_page_uri`` (relative) and no ``meta``, as the 2010 API does.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ._base import ApiError, EmuRequest, EmuResponse, bad_request, not_found, rfc2822

if TYPE_CHECKING:
    from .core import Emulator

PRODUCT = "api"
_PREFIX = "/2010-04-01/Accounts"


@dataclass
class LoggedMessage:
    """One SMS/MMS/WhatsApp message in the log (``SM…`` or ``MM…`` with media)."""

    sid: str
    direction: str
    from_: str
    to: str
    body: str
    num_media: int
    status: str
    messaging_service_sid: str | None
    date_created: datetime

    def to_json(self, account_sid: str) -> dict[str, Any]:
        uri = f"{_PREFIX}/{account_sid}/Messages/{self.sid}.json"
        return {
            "body": self.body,
            "num_segments": "1",
            "direction": self.direction,
            "from": self.from_,
            "to": self.to,
            "date_updated": rfc2822(self.date_created),
            "price": None,
            "error_message": None,
            "uri": uri,
            "account_sid": account_sid,
            "num_media": str(self.num_media),
            "status": self.status,
            "messaging_service_sid": self.messaging_service_sid,
            "sid": self.sid,
            "date_sent": rfc2822(self.date_created),
            "date_created": rfc2822(self.date_created),
            "error_code": None,
            "price_unit": "USD",
            "api_version": "2010-04-01",
            "subresource_uris": {
                "media": f"{_PREFIX}/{account_sid}/Messages/{self.sid}/Media.json",
                "feedback": f"{_PREFIX}/{account_sid}/Messages/{self.sid}/Feedback.json",
            },
        }


class MessageLog:
    """The account's message log, newest first in listings."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.messages: list[LoggedMessage] = []
        emu.router.add("GET", PRODUCT, f"{_PREFIX}/{{AccountSid}}/Messages", self._h_list)
        emu.router.add("GET", PRODUCT, f"{_PREFIX}/{{AccountSid}}/Messages/{{Sid}}", self._h_fetch)

    def record(
        self,
        *,
        direction: str,
        from_: str,
        to: str,
        body: str,
        num_media: int = 0,
        messaging_service_sid: str | None = None,
    ) -> LoggedMessage:
        """Append a message to the log."""
        status = "received" if direction == "inbound" else "sent"
        msg = LoggedMessage(
            sid=self.emu.sids.new("MM" if num_media else "SM"),
            direction=direction,
            from_=from_,
            to=to,
            body=body,
            num_media=num_media,
            status=status,
            messaging_service_sid=messaging_service_sid,
            date_created=self.emu.clock.now(),
        )
        self.messages.append(msg)
        return msg

    def _check_account(self, req: EmuRequest) -> None:
        if req.params["AccountSid"] != self.emu.account_sid:
            raise ApiError(404, 20404, f"The requested resource {req.path} was not found")

    def _h_list(self, req: EmuRequest) -> EmuResponse:
        self._check_account(req)
        to = req.q("To")
        from_ = req.q("From")
        items = [
            m
            for m in reversed(self.messages)
            if (to is None or m.to == to) and (from_ is None or m.from_ == from_)
        ]
        try:
            size = min(int(req.q("PageSize") or 50), 1000)
            page = int(req.q("Page") or 0)
        except ValueError:
            raise bad_request("PageSize and Page must be integers") from None
        if size < 1 or page < 0:
            raise bad_request("PageSize must be at least 1 and Page at least 0")
        token = req.q("PageToken")
        start = page * size
        if token:
            if not token.startswith("PT") or not token[2:].isdigit():
                raise bad_request(f"Invalid PageToken {token!r}")
            start = int(token[2:])
        chunk = items[start : start + size]
        path = f"{_PREFIX}/{self.emu.account_sid}/Messages.json"
        filters = [(k, v) for k, v in req.query if k in ("To", "From")]

        def uri(pg: int, tok: str | None) -> str:
            q = [*filters, ("PageSize", str(size)), ("Page", str(pg))]
            if tok:
                q.append(("PageToken", tok))
            return f"{path}?{urllib.parse.urlencode(q)}"

        body = {
            "messages": [m.to_json(self.emu.account_sid) for m in chunk],
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
        for m in self.messages:
            if m.sid == req.params["Sid"]:
                return EmuResponse.json(200, m.to_json(self.emu.account_sid))
        raise not_found(req.path)
