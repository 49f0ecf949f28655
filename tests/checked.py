"""A spec-checked emulator for client tests (both colours).

:class:`CheckedEmulator` stands where the emulator would be handed to a client: it forwards every
request to ``emu.handle``, records it as an :class:`Exchange`, and checks the request and the
response against Twilio's OpenAPI specs (``recorder.assert_clean()`` at the end of a test).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, NamedTuple

from tests.spec_check import SpecRecorder


class Exchange(NamedTuple):
    """One request the client sent."""

    method: str
    url: str
    headers: dict[str, str]  # names lower-cased
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class CheckedEmulator:
    """Forwards to ``emu.handle``; records and spec-checks every exchange."""

    def __init__(self, emu: Any) -> None:
        self.emu = emu
        self.account_sid = emu.account_sid
        self.auth_token = emu.auth_token
        self.recorder = SpecRecorder()
        self.requests: list[Exchange] = []

    def handle(self, method: str, url: str, headers: Mapping[str, str], body: bytes = b"") -> Any:
        resp = self.emu.handle(method, url, headers, body)
        exchange = Exchange(method, url, {k.lower(): v for k, v in headers.items()}, body)
        self.requests.append(exchange)
        self.recorder.record(method, url, headers, body, resp.status, resp.headers, resp.body)
        self.after(exchange)
        return resp

    def after(self, exchange: Exchange) -> None:
        """Called after each exchange; subclasses run hooks here."""
