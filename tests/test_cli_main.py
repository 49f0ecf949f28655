"""The `flexconv` command's own sub-commands: demo and emulator serve."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from flexconv.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_demo_walks_the_conversation_and_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "all steps observed as expected" in out
    assert "FAIL" not in out
    for step in ("accepts the reservation", "Messages both ways", "conversation is closed"):
        assert step in out
    assert "[closed]" in out


def test_demo_exits_non_zero_when_an_observation_is_wrong(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from flexconv.emulator import simulation

    # Break the emulator's clean-up: completing no longer closes the conversation.
    original = simulation.Simulation.complete

    def complete_without_cleanup(
        self: simulation.Simulation, worker: str, task_sid: str | None = None
    ):  # type: ignore[no-untyped-def]
        previous = self.emu.flex.orchestration
        self.emu.flex.orchestration = "custom"
        try:
            return original(self, worker, task_sid)
        finally:
            self.emu.flex.orchestration = previous

    monkeypatch.setattr(simulation.Simulation, "complete", complete_without_cleanup)
    assert main(["demo"]) == 1
    assert "FAIL" in capsys.readouterr().out


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_emulator_serve_answers_on_loopback() -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "flexconv", "emulator", "serve", "--port", str(port),
         "--account-sid", "AC" + "1" * 32, "--auth-token", "emulator-token"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        from flexconv import FlexConv

        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/flex-api/v1/Configuration", timeout=1
                )
            except urllib.error.HTTPError:
                break  # answered (401 without credentials): it is up
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise AssertionError(
                        proc.stderr.read().decode() if proc.stderr else ""
                    ) from None
                time.sleep(0.1)
        with FlexConv(
            "AC" + "1" * 32, "emulator-token", base_url=f"http://127.0.0.1:{port}", env={}
        ) as client:
            config = client.configuration.fetch()
        assert config.account_sid == "AC" + "1" * 32
        assert any(c.get("address_type") == "web" for c in config.channel_configs or [])
        raw = json.loads(json.dumps(config.to_dict()))
        assert raw["account_sid"] == "AC" + "1" * 32
    finally:
        proc.terminate()
        proc.wait(timeout=10)
