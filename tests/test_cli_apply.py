"""``flexconv apply FILE [--plan] [--prune]`` on the emulator."""

from __future__ import annotations

import builtins
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from flexconv import FlexConv
from flexconv.cli import main
from flexconv.emulator import Emulator

EXAMPLE = Path(__file__).parents[1] / "docs" / "examples" / "contact-centre.yaml"


@pytest.fixture
def emu(monkeypatch: pytest.MonkeyPatch) -> Emulator:
    """One emulator shared by every command of the test."""
    emu = Emulator.from_scenario()
    monkeypatch.setattr("flexconv.cli.apply.client_for", lambda _a, **_: FlexConv.emulated(emu))
    return emu


def test_plan_on_a_fresh_emulator_lists_every_creation(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["apply", str(EXAMPLE), "--plan", "--emulator"]) == 0
    out = capsys.readouterr().out
    for name in ("custom1", "Sales", "Support", "Sales and support", "Sales Messaging Flow"):
        assert f" {name}\n" in out
    assert out.count("\ncreate ") + out.startswith("create ") == 8
    assert out.rstrip().endswith(
        "8 to create, 3 to update, 1 unchanged, 0 to delete (plan only: nothing written)"
    )


def test_apply_then_plan_shows_nothing_to_do(
    emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["apply", str(EXAMPLE)]) == 0
    assert "8 created, 3 updated, 1 unchanged, 0 deleted" in capsys.readouterr().out
    assert main(["apply", str(EXAMPLE), "--plan"]) == 0
    assert capsys.readouterr().out == "Nothing to do: 12 unchanged.\n"
    assert main(["--json", "apply", str(EXAMPLE), "--plan"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["changed"] is False
    assert {i["status"] for i in data["items"]} == {"unchanged"}


def test_a_changed_queue_is_the_only_change(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["apply", str(EXAMPLE)]) == 0
    spec: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text())
    spec["task_queues"][0]["target_workers"] = 'routing.skills HAS "sales" AND level > 1'
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(spec))
    capsys.readouterr()
    assert main(["apply", str(changed), "--plan", "--json"]) == 0
    items = json.loads(capsys.readouterr().out)["items"]
    assert [(i["kind"], i["name"], i["action"]) for i in items if i["action"] != "unchanged"] == [
        ("task_queue", "Sales", "update")
    ]


def test_a_server_error_halfway_prints_applied_and_remaining(
    emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    emu.faults.server_error(500, method="POST", path="/v2/Flows", times=1)
    assert main(["apply", str(EXAMPLE)]) == 1
    captured = capsys.readouterr()
    out, err = captured.out, captured.err.splitlines()
    assert out.index("applied:") < out.index("Last agent, then Support") < out.index("failed:")
    assert out.index("failed:") < out.index("Sales Messaging Flow") < out.index("not attempted:")
    assert out.index("not attempted:") < out.index("+15551230100")
    assert "5 applied, 1 failed, 5 not attempted" in out
    assert len(err) == 1
    assert err[0].startswith(
        "error: apply stopped at create flow 'Sales Messaging Flow' after 5 applied change(s), "
        "5 not attempted: HTTP 500"
    )
    assert "run the command again" in err[0]
    assert main(["apply", str(EXAMPLE)]) == 0
    assert "3 created, 3 updated, 6 unchanged" in capsys.readouterr().out


def test_a_bad_file_is_one_line_naming_the_path(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"task_queues": [{"friendly_name": "Sales", "max_workers": 1}]}))
    assert main(["apply", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"error: FILE {bad}: task_queues[0]: unknown key 'max_workers'; expected "
        "friendly_name, target_workers, max_reserved_workers, task_order\n"
    )
    dangling = tmp_path / "dangling.json"
    dangling.write_text(
        json.dumps(
            {
                "flows": [
                    {
                        "friendly_name": "F",
                        "send_to_flex": {"workflow": "Nope", "task_channel": "chat"},
                    }
                ]
            }
        )
    )
    assert main(["apply", str(dangling), "--plan"]) == 2
    assert capsys.readouterr().err == (
        f"error: FILE {dangling}: flows[0].send_to_flex.workflow: no workflow named 'Nope'\n"
    )


def test_yaml_without_pyyaml_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real_import = builtins.__import__

    def no_yaml(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "yaml":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_yaml)
    assert main(["apply", str(EXAMPLE), "--plan", "--emulator"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1
    assert "pip install 'flexconv[yaml]'" in err[0]
