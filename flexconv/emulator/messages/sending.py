"""The 2010 Messages API's sending route: ``POST .../Messages.json`` creates an outgoing message
(``queued``, or ``accepted`` through a Messaging Service, ``scheduled`` with
``ScheduleType=fixed``), then moves it to ``sent`` and, a second later, ``delivered`` on the
virtual clock, reporting each status to the message's ``StatusCallback``."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from flexconv.emulator._base import ApiError, EmuRequest, EmuResponse, bad_request
from flexconv.emulator.messages.entities import LoggedMessage, _segments
from flexconv.emulator.messages.routes import MessageLogRoutes


class MessageLogSending(MessageLogRoutes):
    """Sends messages (the create route) and moves them through their statuses."""

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
        if not _ADDRESS.fullmatch(to):
            raise ApiError(400, 21211, f"Invalid 'To' Phone Number: {to}")
        if from_ is None and service is None:
            raise ApiError(
                400, 21603, "A 'From' phone number or a MessagingServiceSid is required."
            )
        if from_ is not None and not (_ADDRESS.fullmatch(from_) or _SENDER_ID.fullmatch(from_)):
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
