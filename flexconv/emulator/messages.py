"""The 2010 API's Messages log: ``/2010-04-01/Accounts/{AccountSid}/Messages.json``.

Fed by simulation (a customer's inbound SMS/WhatsApp message) and by Conversations messages sent
to messaging-binding participants, and by ``POST .../Messages.json`` (sending an SMS, MMS or
WhatsApp message: ``queued`` -- or ``accepted`` through a Messaging Service, ``scheduled`` with
``ScheduleType=fixed`` -- then ``sent`` and, a second later, ``delivered`` on the virtual clock,
each reported to the message's ``StatusCallback``).  Dates are RFC 2822, pages carry
``next_page_uri`` (relative) and no ``meta``, as the 2010 API does.
"""

from __future__ import annotations

import math
import re
import urllib.parse
from dataclasses import dataclass
from datetime import date, datetime, timezone
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
    date_sent: datetime | None = None
    date_updated: datetime | None = None
    status_callback: str | None = None
    num_segments: int = 1

    def to_json(self, account_sid: str) -> dict[str, Any]:
        uri = f"{_PREFIX}/{account_sid}/Messages/{self.sid}.json"
        return {
            "body": self.body,
            "num_segments": str(self.num_segments),
            "direction": self.direction,
            "from": self.from_,
            "to": self.to,
            "date_updated": rfc2822(self.date_updated or self.date_created),
            "price": None,
            "error_message": None,
            "uri": uri,
            "account_sid": account_sid,
            "num_media": str(self.num_media),
            "status": self.status,
            "messaging_service_sid": self.messaging_service_sid,
            "sid": self.sid,
            "date_sent": rfc2822(self.date_sent) if self.date_sent else None,
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
        emu.router.add("POST", PRODUCT, f"{_PREFIX}/{{AccountSid}}/Messages", self._h_create)
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
            date_sent=self.emu.clock.now(),
            num_segments=_segments(body),
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
        on = _date_query(req, "DateSent")
        until = _date_query(req, "DateSent<")
        since = _date_query(req, "DateSent>")

        def sent_day(m: LoggedMessage) -> date | None:
            return m.date_sent.date() if m.date_sent else None

        items = [
            m
            for m in reversed(self.messages)
            if (to is None or m.to == to)
            and (from_ is None or m.from_ == from_)
            and (on is None or sent_day(m) == on)
            and (until is None or ((d := sent_day(m)) is not None and d <= until))
            and (since is None or ((d := sent_day(m)) is not None and d >= since))
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
        filters = [
            (k, v)
            for k, v in req.query
            if k in ("To", "From", "DateSent", "DateSent<", "DateSent>")
        ]

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

    # -- sending ------------------------------------------------------------------------------

    def _h_create(self, req: EmuRequest) -> EmuResponse:
        self._check_account(req)
        to = req.value("To")
        from_ = req.value("From") or None
        service = req.value("MessagingServiceSid") or None
        body = req.value("Body") or ""
        media = req.values("MediaUrl")
        content = req.value("ContentSid") or None
        if not to:
            raise ApiError(400, 21604, "A 'To' phone number is required.")
        if not _ADDRESS.match(to):
            raise ApiError(400, 21211, f"Invalid 'To' Phone Number: {to}")
        if from_ is None and service is None:
            raise ApiError(
                400, 21603, "A 'From' phone number or a MessagingServiceSid is required."
            )
        if from_ is not None and not (_ADDRESS.match(from_) or _SENDER_ID.match(from_)):
            raise ApiError(400, 21212, f"Invalid 'From' Phone Number: {from_}")
        if service is not None and not re.fullmatch(r"MG[0-9a-fA-F]{32}", service):
            raise bad_request(f"MessagingServiceSid must be an MG SID, got {service!r}")
        if content is not None and not re.fullmatch(r"HX[0-9a-fA-F]{32}", content):
            raise bad_request(f"ContentSid must be an HX SID, got {content!r}")
        if not body and not media and content is None:
            raise ApiError(400, 21602, "Message body is required.")
        if len(body) > 1600:
            raise ApiError(
                400, 21617, "The concatenated message body exceeds the 1600 character limit."
            )
        if len(media) > 10 or any(not u.startswith(("http://", "https://")) for u in media):
            raise ApiError(400, 21620, "Invalid media URL(s): at most 10 http(s) URLs")
        now = self.emu.clock.now()
        delay = 0.0
        status = "accepted" if service else "queued"
        if req.value("ScheduleType"):
            delay, status = self._schedule(req, service, now)
        msg = LoggedMessage(
            sid=self.emu.sids.new("MM" if media else "SM"),
            direction="outbound-api",
            from_=from_ or "",
            to=to,
            body=body,
            num_media=len(media),
            status=status,
            messaging_service_sid=service,
            date_created=now,
            date_updated=now,
            status_callback=req.value("StatusCallback") or None,
            num_segments=_segments(body),
        )
        self.messages.append(msg)
        self.emu.clock.call_later(delay, lambda: self._advance_status(msg, "sent"))
        return EmuResponse.json(201, msg.to_json(self.emu.account_sid))

    @staticmethod
    def _schedule(req: EmuRequest, service: str | None, now: datetime) -> tuple[float, str]:
        if req.value("ScheduleType") != "fixed":
            raise bad_request("ScheduleType must be fixed")
        if service is None:
            raise bad_request("A scheduled message needs a MessagingServiceSid")
        raw = req.value("SendAt") or ""
        try:
            send_at = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            raise bad_request(f"SendAt must be an ISO 8601 date-time, got {raw!r}") from None
        if send_at.tzinfo is None:
            send_at = send_at.replace(tzinfo=timezone.utc)
        delay = (send_at - now).total_seconds()
        if not 900 <= delay <= 35 * 86400:
            raise bad_request("SendAt must be between 15 minutes and 35 days in the future")
        return delay, "scheduled"

    def _advance_status(self, msg: LoggedMessage, status: str) -> None:
        now = self.emu.clock.now()
        msg.status = status
        msg.date_updated = now
        if status == "sent":
            msg.date_sent = now
            self.emu.clock.call_later(1, lambda: self._advance_status(msg, "delivered"))
        if msg.status_callback:
            params = [
                ("AccountSid", self.emu.account_sid),
                ("ApiVersion", "2010-04-01"),
                ("MessageSid", msg.sid),
                ("SmsSid", msg.sid),
                ("MessageStatus", status),
                ("SmsStatus", status),
                ("From", msg.from_),
                ("To", msg.to),
            ]
            if msg.messaging_service_sid:
                params.append(("MessagingServiceSid", msg.messaging_service_sid))
            self.emu.webhooks.deliver(msg.status_callback, params, kind="messaging.status")


_ADDRESS = re.compile(r"^(?:(?:whatsapp|mms|sms):)?\+[1-9][0-9]{1,14}$|^messenger:[0-9]+$")
_SENDER_ID = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$")


def _segments(body: str) -> int:
    """SMS segments: 160 GSM-7 characters (153 when split), 70 UCS-2 (67 when split)."""
    single, multi = (160, 153) if all(ord(c) < 128 for c in body) else (70, 67)
    return 1 if len(body) <= single else math.ceil(len(body) / multi)


def _date_query(req: EmuRequest, name: str) -> date | None:
    raw = req.q(name)
    if not raw:
        return None
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise bad_request(f"{name} must be a date (YYYY-MM-DD), got {raw!r}") from None
