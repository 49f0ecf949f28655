"""Helpers for the attachments tests (shared by the async tests and their sync twins).

:class:`Watched` wraps an emulator's ``handle``: it records every request, checks each exchange
against Twilio's spec, and runs hooks right after chosen requests, so a test can let "another
writer" change the configuration between flexconv's read and its write.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from tests.checked import CheckedEmulator, Exchange
from tests.spec_check import SpecRecorder


class Watched(CheckedEmulator):
    """A checked emulator that also runs hooks after chosen configuration reads and writes."""

    def __init__(self, emulator: Any) -> None:
        super().__init__(emulator)
        #: Hooks run after the n-th GET of the configuration (1-based): n -> hook.
        self.after_get: dict[int, Callable[[], None]] = {}
        #: Hooks run after the n-th POST of the configuration (1-based): n -> hook.
        self.after_post: dict[int, Callable[[], None]] = {}

    def after(self, exchange: Exchange) -> None:
        if "/Configuration" not in exchange.url:
            return
        hooks = self.after_get if exchange.method == "GET" else self.after_post
        count = sum(
            1 for c in self.calls if c.method == exchange.method and "/Configuration" in c.url
        )
        hook = hooks.pop(count, None)
        if hook is not None:
            hook()

    @property
    def calls(self) -> list[Exchange]:
        return self.requests

    @property
    def spec(self) -> SpecRecorder:
        return self.recorder

    @property
    def posts(self) -> list[Exchange]:
        return [c for c in self.calls if c.method == "POST"]

    @property
    def gets(self) -> list[Exchange]:
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
