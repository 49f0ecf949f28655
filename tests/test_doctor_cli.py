"""``flexconv doctor``: the checklist table, scan with progress and summary, rescue, setup;
exit 0 when healthy, 1 when problems were found, 2 for a refused command line."""

from __future__ import annotations

import json

import pytest

from flexconv.cli import main


def test_trace_table_marks_the_failed_step_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "doctor", "--emulator", "--scenario", "failure:studio_step_failed",
            "--address", "+15550900000",
        ]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 1
    assert " ✗ 5 Did the message reach the Studio flow?" in out
    assert " ✓ 4 " in out
    assert " - 6 " in out
    assert "fix: " in out


def test_trace_table_names_the_messaging_service(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "doctor", "--emulator", "--scenario", "failure:messaging_service",
            "--address", "+15551800000",
        ]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 1
    assert " ✗ 2 Is the number a Conversations address" in out
    assert "Messaging Service MG" in out
    assert "https://notifications.example.com/inbound" in out
    assert "Defer to sender's webhook" in out


def test_trace_of_a_healthy_flow_exits_0_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["doctor", "--emulator", "--scenario", "conversations", "--address", "+15550100000",
         "--json"]
    )  # fmt: skip
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {c["status"] for c in report["checks"]} == {"ok"}
    assert report["setup"]["kind"] == "conversations"


def test_scan_prints_progress_on_stderr_and_a_summary(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["doctor", "scan", "--emulator", "--scenario", "orphans"])
    captured = capsys.readouterr()
    assert code == 1
    assert "scanned 25 conversations, 5 problems" in captured.err
    assert captured.out.count("orphaned") >= 5
    assert "25 conversations: healthy 20, orphaned 5" in captured.out


def test_scan_json_and_healthy_exit(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "scan", "--emulator", "--json", "--all"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["summary"]["seen"] == 0
    assert body["findings"] == []


def test_rescue_dry_run_then_apply(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "rescue", "--emulator", "--scenario", "orphans"]) == 1
    assert "would create 5 interactions (dry run" in capsys.readouterr().out
    assert main(["doctor", "rescue", "--emulator", "--scenario", "orphans", "--apply"]) == 0
    assert "created 5 interactions" in capsys.readouterr().out


def test_setup_tells_legacy(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "setup", "--emulator", "--scenario", "legacy", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["kind"] == "legacy"


def test_mistakes_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "--emulator"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "--address" in err
    assert main(["doctor", "--emulator", "--scenario", "nope", "--address", "+1"]) == 2
    assert "Unknown scenario 'nope'" in capsys.readouterr().err
