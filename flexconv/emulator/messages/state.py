"""The 2010 Messages log's state: the list of messages and recording into it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flexconv.emulator.messages.entities import LoggedMessage, _segments

if TYPE_CHECKING:
    from flexconv.emulator._host import Host


class MessageLogState:
    """Holds the account's message log (the base of `MessageLog`)."""

    def __init__(self, emu: Host) -> None:
        self.emu = emu
        self.messages: list[LoggedMessage] = []

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
