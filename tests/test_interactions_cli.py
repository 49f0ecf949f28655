"""``flexconv interactions show`` and ``flexconv route-to-agent`` against a seeded emulator."""

from __future__ import annotations

import json
from typing import Any

import pytest

from flexconv._sync.client import FlexConv
from flexconv.cli import interactions as cli_module
from flexconv.cli import main
from tests.interactions_helpers import CUSTOMER, SUPPORT_LINE, Centre, contact_centre


@pytest.fixture
def centre(monkeypatch: pytest.MonkeyPatch) -> Centre:
    centre = contact_centre()
    monkeypatch.setattr(
        cli_module, "client_for", lambda args, **_: FlexConv.emulated(centre.checked)
    )
    return centre


def test_route_to_agent_then_show(centre: Centre, capsys: pytest.CaptureFixture[str]) -> None:
    conv = centre.emu.conversations.create()
    centre.emu.conversations.add_participant(conv, address=CUSTOMER, proxy_address=SUPPORT_LINE)
    assert main(["route-to-agent", conv.sid, "--worker", "bob", "--timeout", "30", "--json"]) == 0
    out: dict[str, Any] = json.loads(capsys.readouterr().out)
    inter = out["interaction"]["sid"]
    assert inter.startswith("KD")
    centre.emu.advance(0)
    offers = centre.emu.simulate.reservations("bob")
    assert len(offers) == 1
    assert centre.emu.simulate.reservations("alice") == []

    # a second run reuses the workflow it created
    assert main(["route-to-agent", conv.sid, "--worker", centre.alice, "--no-wait"]) == 0
    capsys.readouterr()
    names = [
        w.friendly_name
        for w in centre.emu.taskrouter.workspaces[centre.workspace_sid].workflows.values()
    ]
    assert names.count(cli_module.KNOWN_AGENT_WORKFLOW) == 1

    assert main(["interactions", "show", inter]) == 0
    text = capsys.readouterr().out
    assert f"interaction {inter}" in text
    assert "participant" in text
    assert "task WT" in text
    assert main(["interactions", "show", inter, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["channels"][0]["status"] == "active"
    assert shown["tasks"][0]["attributes"]["last_agent_sid"] == centre.bob
    centre.checked.recorder.assert_clean()


def test_bad_input(centre: Centre, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["interactions", "show", "nope"]) == 2
    assert "KD" in capsys.readouterr().err
    assert main(["route-to-agent", "CH" + "0" * 32, "--worker", "carol"]) == 1
    assert "No worker" in capsys.readouterr().err


def test_show_with_a_fresh_emulator(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["interactions", "show", "KD" + "0" * 32, "--emulator"]) == 1
    assert "error" in capsys.readouterr().err
