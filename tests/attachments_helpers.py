"""Helpers for the attachments tests (shared by the async tests and their sync twins).

:class:`Watched` wraps an emulator's ``handle``: it records every request, checks each exchange
against Twilio's spec, and runs hooks right after chosen requests, so a test can let "another
writer" change the configuration between flexconv's read and its write.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tests.spec_check import SpecRecorder


@dataclass
class Call:
    method: str
    url: str
    body: bytes
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class Watched:
    """An emulator seen through a recorder: ``calls``, ``spec`` problems and after-request hooks."""

    def __init__(self, emulator: Any) -> None:
        self.emulator = emulator
        self.calls: list[Call] = []
        self.spec = SpecRecorder()
        #: Hooks run after the n-th GET of the configuration (1-based): n -> hook.
        self.after_get: dict[int, Callable[[], None]] = {}
        #: Hooks run after the n-th POST of the configuration (1-based): n -> hook.
        self.after_post: dict[int, Callable[[], None]] = {}
        self.account_sid = emulator.account_sid
        self.auth_token = emulator.auth_token

    def handle(self, method: str, url: str, headers: Mapping[str, str], body: bytes = b"") -> Any:
        resp = self.emulator.handle(method, url, headers, body)
        self.calls.append(Call(method, url, body, {k.lower(): v for k, v in headers.items()}))
        self.spec.record(method, url, headers, body, resp.status, resp.headers, resp.body)
        if "/Configuration" in url:
            hooks = self.after_get if method == "GET" else self.after_post
            count = sum(1 for c in self.calls if c.method == method and "/Configuration" in c.url)
            hook = hooks.pop(count, None)
            if hook is not None:
                hook()
        return resp

    @property
    def posts(self) -> list[Call]:
        return [c for c in self.calls if c.method == "POST"]

    @property
    def gets(self) -> list[Call]:
        return [c for c in self.calls if c.method == "GET"]


def channel_configs(emulator: Any) -> list[Any]:
    """The emulator's current ``channel_configs`` (a copy)."""
    return copy.deepcopy(emulator.flex.configuration["channel_configs"])


def set_channel_configs(emulator: Any, configs: list[Any]) -> None:
    """Write ``channel_configs`` as another client would (the whole array, wholesale)."""
    emulator.flex.update_configuration({"channel_configs": copy.deepcopy(configs)})


def other_writer_sets_sms_size(emulator: Any, size: int) -> Callable[[], None]:
    """A hook: another client reads, changes ``sms``'s max_file_size, and writes back."""

    def hook() -> None:
        configs = channel_configs(emulator)
        for entry in configs:
            if entry.get("address_type") == "sms":
                entry["cbm_attachments"]["max_file_size"] = size
        set_channel_configs(emulator, configs)

    return hook


def with_odd_entry(emulator: Any) -> dict[str, Any]:
    """Add an entry with keys flexconv does not know, and unknown keys inside ``cbm_attachments``."""
    odd = {
        "address_type": "rcs",
        "future_setting": {"nested": [1, 2, 3]},
        "cbm_attachments": {"enabled": True, "max_file_size": 1000, "novel": "kept"},
    }
    configs = channel_configs(emulator)
    configs.insert(1, odd)
    for entry in configs:
        if entry.get("address_type") == "whatsapp":
            entry["cbm_attachments"]["twilio_added_later"] = {"a": 1}
    set_channel_configs(emulator, configs)
    return odd
