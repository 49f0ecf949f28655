"""The clients' own public members, pinned: a rename or a lost accessor fails here first."""

from __future__ import annotations

import flexconv

SHARED = {
    "account",
    "account_sid",
    "attachments",
    "channels",
    "config",
    "configuration",
    "conversations",
    "doctor",
    "emulated",
    "emulator",
    "interactions",
    "messaging",
    "phone_numbers",
    "request",
    "retry_policy",
    "routing",
    "studio",
    "task_channels",
    "timeout",
    "with_options",
}


def _public(cls: type) -> set[str]:
    return {name for name in dir(cls) if not name.startswith("_")}


def test_sync_client_members() -> None:
    assert _public(flexconv.FlexConv) == SHARED | {"close"}


def test_async_client_members() -> None:
    assert _public(flexconv.AsyncFlexConv) == SHARED | {"aclose"}
