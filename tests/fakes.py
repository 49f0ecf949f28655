"""Test helpers shared by the async tests and their generated sync twins (and tests/core).

Nothing here is async: a handler transport takes a plain object with ``handle(...)`` and both
``HandlerTransport`` and ``AsyncHandlerTransport`` call it the same way.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flexconv._core.config import ClientConfig, resolve_config

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "tok-s3cr3t-do-not-print-0123456789"
API_KEY = "SK" + "fedcba9876543210" * 2
API_SECRET = "apisecret-s3cr3t-do-not-print-98765"
CONVERSATION_SID = "CH" + "11111111111111111111111111111111"


def make_config(**overrides: Any) -> ClientConfig:
    """A resolved config with the test account, from arguments only (no environment)."""
    args: dict[str, Any] = {
        "account_sid": ACCOUNT_SID,
        "auth_token": AUTH_TOKEN,
        "api_key": None,
        "api_secret": None,
        "region": None,
        "edge": None,
        "base_url": None,
        "env": {},
    }
    args.update(overrides)
    return resolve_config(**args)


@dataclass
class FakeResponse:
    """The shape a handler returns: status, headers, body bytes, and an optional delay."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    delay: float = 0.0


def json_response(
    status: int, payload: Any, headers: Mapping[str, str] | None = None
) -> FakeResponse:
    hdrs = {"Content-Type": "application/json", **(headers or {})}
    return FakeResponse(status, hdrs, json.dumps(payload).encode())


class Dropped(Exception):
    """What a handler raises to model a connection lost before or after the request was sent."""

    def __init__(self, *, before_send: bool) -> None:
        super().__init__("connection dropped")
        self.before_send = before_send


@dataclass
class Recorded:
    method: str
    url: str
    headers: dict[str, str]
    body: bytes


class ScriptedHandler:
    """An in-process "Twilio" that answers from a script, one entry per request.

    Each entry is a :class:`FakeResponse`, an exception to raise, or a callable taking the
    :class:`Recorded` request and returning either.  The last entry repeats once the script runs
    out.  Every request is recorded in ``calls``.
    """

    def __init__(self, *script: FakeResponse | BaseException | Callable[[Recorded], Any]) -> None:
        if not script:
            raise ValueError("a script needs at least one entry")
        self.script = list(script)
        self.calls: list[Recorded] = []

    def handle(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes
    ) -> FakeResponse:
        rec = Recorded(method, url, dict(headers), body)
        index = min(len(self.calls), len(self.script) - 1)
        self.calls.append(rec)
        entry = self.script[index]
        if callable(entry) and not isinstance(entry, (FakeResponse, BaseException)):
            entry = entry(rec)
        if isinstance(entry, BaseException):
            raise entry
        return entry


def v1_page(
    items: list[Any], *, key: str, url: str, next_page_url: str | None, page: int = 0
) -> dict[str, Any]:
    """A v1/v2 list envelope."""
    return {
        key: items,
        "meta": {
            "page": page,
            "page_size": len(items),
            "first_page_url": url,
            "previous_page_url": None,
            "url": url,
            "next_page_url": next_page_url,
            "key": key,
        },
    }


class RoutedHandler:
    """An in-process "Twilio" answering by exact URL (404 for anything else); records calls."""

    def __init__(self, routes: Mapping[str, FakeResponse]) -> None:
        self.routes = dict(routes)
        self.calls: list[Recorded] = []

    @property
    def urls(self) -> list[str]:
        return [c.url for c in self.calls]

    def handle(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes
    ) -> FakeResponse:
        self.calls.append(Recorded(method, url, dict(headers), body))
        found = self.routes.get(url)
        if found is None:
            return json_response(404, {"code": 20404, "message": f"no route for {url}"})
        return found
