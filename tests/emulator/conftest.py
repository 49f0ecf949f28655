"""Helpers for driving the emulator facade with raw requests.

``Http`` builds what a client would send (form or JSON body, HTTP Basic auth), calls
``Emulator.handle`` and, unless told otherwise, checks every response against Twilio's
OpenAPI specs with ``tests.spec_check``.
"""

from __future__ import annotations

import base64
import json
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from flexconv.emulator import Emulator, EmuResponse
from tests.spec_check import check_response

FLEX = "https://flex-api.twilio.com/v1"
CONV = "https://conversations.twilio.com/v1"
STUDIO = "https://studio.twilio.com/v2"
API = "https://api.twilio.com/2010-04-01"
TR = "https://taskrouter.twilio.com/v1"

Form = Mapping[str, Any] | Sequence[tuple[str, Any]]


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def form_body(data: Form) -> bytes:
    items = data.items() if isinstance(data, Mapping) else data
    pairs: list[tuple[str, str]] = []
    for key, value in items:
        values = value if isinstance(value, list) else [value]
        for v in values:
            if isinstance(v, bool):
                v = "true" if v else "false"
            elif isinstance(v, (dict, list)):
                v = json.dumps(v)
            pairs.append((key, str(v)))
    return urllib.parse.urlencode(pairs).encode()


@dataclass
class Resp:
    status: int
    headers: dict[str, str]
    body: bytes
    delay: float

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class Http:
    """A minimal client for ``Emulator.handle``."""

    def __init__(self, emu: Emulator, *, check: bool = True) -> None:
        self.emu = emu
        self.check = check
        self.auth = basic(emu.account_sid, emu.auth_token)

    def request(
        self,
        method: str,
        url: str,
        *,
        data: Form | None = None,
        json_body: Any = None,
        params: Form | None = None,
        headers: Mapping[str, str] | None = None,
        auth: str | None = None,
        check: bool | None = None,
    ) -> Resp:
        hdrs = {"Authorization": auth if auth is not None else self.auth}
        body = b""
        if json_body is not None:
            body = json.dumps(json_body).encode()
            hdrs["Content-Type"] = "application/json"
        elif data is not None:
            body = form_body(data)
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        if params:
            url += ("&" if "?" in url else "?") + form_body(params).decode()
        hdrs.update(headers or {})
        raw: EmuResponse = self.emu.handle(method, url, hdrs, body)
        resp = Resp(raw.status, raw.headers, raw.body, raw.delay)
        if check if check is not None else self.check:
            problems = check_response(method, url, raw.status, raw.headers, raw.body)
            assert not problems, "\n".join(problems)
        return resp

    def get(self, url: str, **kw: Any) -> Resp:
        return self.request("GET", url, **kw)

    def post(self, url: str, data: Form | None = None, **kw: Any) -> Resp:
        return self.request("POST", url, data=data if data is not None else {}, **kw)

    def delete(self, url: str, **kw: Any) -> Resp:
        return self.request("DELETE", url, **kw)


@pytest.fixture
def emu() -> Emulator:
    """A fresh emulator with the default small contact centre."""
    return Emulator.from_scenario()


@pytest.fixture
def bare() -> Emulator:
    """A fresh emulator with nothing seeded."""
    return Emulator(seed=0)


@pytest.fixture
def http(emu: Emulator) -> Http:
    return Http(emu)
