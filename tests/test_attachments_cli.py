"""``flexconv attachments``: show, set, limits, against the in-process emulator."""

from __future__ import annotations

import json

import pytest

from flexconv import FlexConv
from flexconv.cli import main
from flexconv.emulator import Emulator
from tests.attachments_helpers import Watched, channel_configs

MB = 1024 * 1024


@pytest.fixture
def emulator(monkeypatch: pytest.MonkeyPatch) -> Watched:
    """One emulator shared by every CLI call of a test (``--emulator`` makes a fresh one)."""
    watched = Watched(Emulator(seed=3))
    monkeypatch.setattr(
        "flexconv.cli.attachments.client_for", lambda _args, **_: FlexConv.emulated(watched)
    )
    return watched


def test_show_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["attachments", "show", "--emulator"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == [
        "CHANNEL",
        "ENABLED",
        "FILES",
        "MAX",
        "FILE",
        "MAX",
        "TOTAL",
        "EXTENSIONS",
    ]
    web = next(line for line in out if line.startswith("web "))
    assert web.split()[:7] == ["web", "yes", "1", "16", "MB", "64", "MB"]
    assert any(line.startswith("sms ") and "2 MB" in line for line in out)


def test_show_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["attachments", "show", "--emulator", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["email"]["number_of_attachments"] == 10


def test_set_writes_and_keeps_the_rest(
    emulator: Watched, capsys: pytest.CaptureFixture[str]
) -> None:
    start = channel_configs(emulator.emu)
    code = main(
        [
            "attachments",
            "set",
            "sms",
            "--disable",
            "--max-file-size",
            "1MB",
            "--max-total-file-size",
            "2MB",
            "--extensions",
            ".JPG,png",
        ]
    )
    assert code == 0
    captured = capsys.readouterr()
    assert '+    "enabled": false,' in captured.out
    assert "written and verified" in captured.err
    final = channel_configs(emulator.emu)
    assert final[0] == start[0]
    assert final[2:] == start[2:]
    assert final[1]["cbm_attachments"] == {
        "enabled": False,
        "number_of_attachments": 1,
        "max_file_size": MB,
        "max_total_file_size": 2 * MB,
        "accepted_extensions": ["jpg", "png"],
    }
    emulator.spec.assert_clean()


def test_set_dry_run(emulator: Watched, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["attachments", "set", "web", "--disable", "--dry-run"]) == 0
    captured = capsys.readouterr()
    assert "--- channel_configs[address_type=web] (before)" in captured.out
    assert "dry run: nothing written" in captured.err
    assert emulator.posts == []


def test_set_refuses_a_broken_limit(emulator: Watched, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["attachments", "set", "sms", "--max-file-size", "16MB"]) == 2
    assert "exceeds 'sms'" in capsys.readouterr().err
    assert emulator.calls == []
    assert main(["attachments", "set", "fax", "--enable"]) == 2
    err = capsys.readouterr().err
    assert "known ones are web, sms" in err
    assert "pass --allow-unknown-channel to change" in err
    assert "allow_unknown_channel" not in err
    assert emulator.calls == []


def test_bad_size_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["attachments", "set", "web", "--max-file-size", "lots", "--emulator"]) == 2
    err = capsys.readouterr().err
    assert "size like '16MB'" in err
    assert err.startswith("error: flexconv attachments set: argument --max-file-size: ")
    assert err.count("\n") == 1


def test_set_against_the_fresh_emulator(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["attachments", "set", "whatsapp", "--number-of-attachments", "1", "--emulator"]) == 0
    )
    assert "nothing written" in capsys.readouterr().out


def test_limits(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["attachments", "limits"]) == 0
    out = capsys.readouterr().out
    assert "gbm (beta, retired)" in out
    assert "150 MB" in out


def test_without_subcommand_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["attachments"]) == 2
    assert "show" in capsys.readouterr().out
