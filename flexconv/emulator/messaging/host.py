"""What Messaging Services need from the emulator: the shared services and the account's phone
numbers (their Python API)."""

from __future__ import annotations

from typing import Any, Protocol

from flexconv.emulator._host import Host
from flexconv.emulator.numbers.api import PhoneNumber


class NumbersForMessaging(Protocol):
    """The part of the phone numbers' Python API that Messaging Services use."""

    def get(self, sid: str) -> PhoneNumber: ...

    def find(self, phone_number: str) -> PhoneNumber | None: ...

    def create(self, phone_number: str, **fields: Any) -> PhoneNumber: ...


class MessagingHost(Host, Protocol):
    """The emulator as Messaging Services see it."""

    @property
    def phone_numbers(self) -> NumbersForMessaging: ...
