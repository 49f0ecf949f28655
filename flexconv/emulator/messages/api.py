"""The 2010 Messages log's Python API: `MessageLog` (the object behind ``emu.messages``).
Other products import Messages names from this module only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flexconv.emulator.messages.entities import _PREFIX, PRODUCT, LoggedMessage
from flexconv.emulator.messages.sending import MessageLogSending

if TYPE_CHECKING:
    from flexconv.emulator._host import Host

__all__ = ["PRODUCT", "LoggedMessage", "MessageLog"]


class MessageLog(MessageLogSending):
    """The account's message log, newest first in listings (`record` appends to it)."""

    def __init__(self, emu: Host) -> None:
        super().__init__(emu)
        emu.router.add("GET", PRODUCT, f"{_PREFIX}/{{AccountSid}}/Messages", self._h_list)
        emu.router.add("POST", PRODUCT, f"{_PREFIX}/{{AccountSid}}/Messages", self._h_create)
        emu.router.add("GET", PRODUCT, f"{_PREFIX}/{{AccountSid}}/Messages/{{Sid}}", self._h_fetch)
