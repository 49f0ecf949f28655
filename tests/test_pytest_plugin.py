"""The pytest fixtures load through the ``pytest11`` entry point: no conftest line needed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

USES_FIXTURES = """
from flexconv import FlexConv


def test_flex_client(flex_client, flex_emulator):
    assert isinstance(flex_client, FlexConv)
    assert flex_client.emulator is flex_emulator
    assert flex_client.configuration.fetch().account_sid == flex_emulator.account_sid
"""


def _pytest(folder: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "TWILIO_"))}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(folder)],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("conftest", [None, 'pytest_plugins = ["flexconv.testing"]\n'])
def test_flex_client_works_without_a_conftest_line(tmp_path: Path, conftest: str | None) -> None:
    (tmp_path / "test_mine.py").write_text(USES_FIXTURES)
    if conftest is not None:  # an old conftest line does not register the plugin twice
        (tmp_path / "conftest.py").write_text(conftest)
    result = _pytest(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
