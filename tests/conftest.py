"""Shared fixtures for every test under tests/."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True)
def _no_twilio_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may pick up real credentials or settings from the developer's environment."""
    for name in list(os.environ):
        if name.startswith("TWILIO_"):
            monkeypatch.delenv(name)
