"""``flexconv channels ensure``: what it applied and what remains when a write fails."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from flexconv import FlexConv
from flexconv.cli import main
from flexconv.emulator import Emulator
from flexconv.models.channels import DesiredAddress, EnsureError

SEEDED = "+15005550006"  # the default scenario's SMS line
FIRST = "+15551230001"
LAST = "+15551230002"


@pytest.fixture
def emu(monkeypatch: pytest.MonkeyPatch) -> Emulator:
    """One emulator for the test; updates of an existing address answer 500 once."""
    emu = Emulator.from_scenario()
    emu.faults.server_error(500, method="POST", path="/v1/Configuration/Addresses/{Sid}", times=1)
    monkeypatch.setattr("flexconv.cli.channels.client_for", lambda _a, **_: FlexConv.emulated(emu))
    return emu


@pytest.fixture
def desired_file(tmp_path: Path) -> Path:
    path = tmp_path / "addresses.json"
    entries = [
        {"address": FIRST, "friendly_name": "first"},  # create: applied
        {"address": SEEDED, "friendly_name": "renamed"},  # update: fails (500)
        {"address": LAST, "friendly_name": "last"},  # create: not attempted
    ]
    path.write_text(json.dumps(entries))
    return path


def addresses(emu: Emulator) -> set[str]:
    with FlexConv.emulated(emu) as client:
        return {a.address or "" for a in client.channels.list()}


def test_stopped_ensure_lists_applied_failed_and_remaining(
    emu: Emulator, desired_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["channels", "ensure", str(desired_file)]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    out = captured.out
    assert out.index("applied:") < out.index(FIRST) < out.index("failed:")
    assert out.index("failed:") < out.index(SEEDED) < out.index("not attempted:")
    assert out.index("not attempted:") < out.index(LAST)
    assert "1 applied, 1 failed, 1 not attempted" in out
    err = captured.err.splitlines()
    assert len(err) == 1
    assert err[0].startswith(
        f"error: channels ensure stopped at update sms {SEEDED} after 1 applied change(s)"
    )
    assert "HTTP 500, Twilio error 20500" in err[0]
    assert "run the command again" in err[0]
    assert addresses(emu) == {SEEDED, FIRST}

    # running it again applies the rest
    assert main(["channels", "ensure", str(desired_file)]) == 0
    assert "1 updated" in capsys.readouterr().out
    assert addresses(emu) == {SEEDED, FIRST, LAST}


def test_stopped_ensure_as_json(
    emu: Emulator, desired_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--json", "channels", "ensure", str(desired_file)]) == 1
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert report["applied"] is False
    statuses = {i["address"]: (i["action"], i["status"]) for i in report["items"]}
    assert statuses == {
        FIRST: ("create", "applied"),
        SEEDED: ("update", "failed"),
        LAST: ("create", "not attempted"),
    }
    assert report["items"][1]["changes"]["friendly_name"] == {
        "old": "Support line",
        "new": "renamed",
    }
    error = json.loads(captured.err)["error"]
    assert (error["status"], error["code"], error["exit_code"]) == (500, 20500, 1)


def test_ensure_json_when_it_succeeds(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps([{"address": FIRST}]))
    assert main(["channels", "ensure", str(path), "--json", "--dry-run"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["dry_run"] is True
    assert [(i["action"], i["status"]) for i in plan["items"]] == [("create", "planned")]


def test_library_error_carries_the_lists(emu: Emulator) -> None:
    wanted = [
        DesiredAddress(FIRST),
        DesiredAddress(SEEDED, friendly_name="renamed"),
        DesiredAddress(LAST),
    ]
    with FlexConv.emulated(emu) as client, pytest.raises(EnsureError) as info:
        client.channels.ensure(wanted)
    err = info.value
    assert [i.address for i in err.applied] == [FIRST]
    assert err.applied[0].result is not None
    assert err.failed.address == SEEDED
    assert [i.address for i in err.remaining] == [LAST]
    assert type(err.error).__name__ == "ServerError"
    assert err.__cause__ is err.error
    assert err.plan.applied is False
    copy = pickle.loads(pickle.dumps(err))
    assert str(copy) == str(err)
    assert [i.address for i in copy.remaining] == [LAST]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[{", "not valid JSON at line 1 column 3"),
        ('[{"address": "+15551230001", "colour": "red"}]', "addresses[0] does not take colour"),
        ('{"nope": 1}', "expected a list of addresses"),
    ],
)
def test_malformed_file_names_file_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, expected: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text)
    assert main(["channels", "ensure", str(path), "--emulator"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"error: FILE {path}: ")
    assert expected in err


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["channels", "ensure", str(tmp_path / "nope.yaml"), "--emulator"]) == 2
    assert "nope.yaml: no such file" in capsys.readouterr().err
