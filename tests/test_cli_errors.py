"""The CLI's mistakes: one ``error:`` line naming the flag and the fix, a non-zero exit, no traceback."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from flexconv.cli import main
from flexconv.emulator import Emulator

ROOT = Path(__file__).resolve().parent.parent
ACCOUNT = "AC" + "1" * 32
ZEROS = "0" * 32


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    """The single ``error: ...`` line on stderr (and nothing that looks like a traceback)."""
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ACCOUNT_SID", "AUTH_TOKEN", "API_KEY", "API_SECRET", "REGION", "EDGE"):
        monkeypatch.delenv(f"TWILIO_{name}", raising=False)


@pytest.fixture
def never_serve(monkeypatch: pytest.MonkeyPatch) -> None:
    """``emulator serve`` must stop before starting uvicorn (which would block the test)."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("serve() was reached")

    monkeypatch.setattr("flexconv.emulator.server.serve", refuse)


# --------------------------------------------------------------------------- usage errors


def test_argparse_mistakes_are_one_line_with_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bogus"]) == 2
    line = one_error_line(capsys)
    assert "invalid choice: 'bogus'" in line
    assert "see 'flexconv --help'" in line

    assert main(["channels", "list", "--emulator", "--base-url", "http://127.0.0.1:1"]) == 2
    line = one_error_line(capsys)
    assert "--base-url: not allowed with argument --emulator" in line

    assert main(["route-to-agent", "CH" + ZEROS]) == 2
    assert "--worker" in one_error_line(capsys)


def test_bad_sids_name_the_argument(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["interactions", "show", "nope", "--emulator"]) == 2
    assert "KD_SID must be a KD SID" in one_error_line(capsys)
    assert main(["route-to-agent", "CHnope", "--worker", "bob", "--emulator"]) == 2
    assert "CONVERSATION must be a CH SID" in one_error_line(capsys)
    conv = "CH" + ZEROS
    assert main(["route-to-agent", conv, "--worker", "bob", "--workflow", "WW1", "--emulator"]) == 2
    assert "--workflow must be a WW SID" in one_error_line(capsys)
    assert main(["route-to-agent", conv, "--worker", "bob", "--queue", "q", "--emulator"]) == 2
    assert "--queue must be a WQ SID" in one_error_line(capsys)
    assert main(["channels", "show", "IG123", "--emulator"]) == 2
    assert "ADDRESS 'IG123'" in one_error_line(capsys)


def test_library_hints_speak_of_flags(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["attachments", "set", "fax", "--enable", "--emulator"]) == 2
    line = one_error_line(capsys)
    assert "pass --allow-unknown-channel" in line
    assert "allow_unknown_channel" not in line


def test_every_mapped_parameter_becomes_its_flag() -> None:
    from flexconv.cli._common import FLAG_FOR_PARAMETER, cli_wording

    for python, cli in FLAG_FOR_PARAMETER:
        assert cli_wording(f"x: {python} here") == f"x: {cli} here"
    # a longer name that merely contains a mapped one is left alone
    assert cli_wording("max_file_size_limit") == "max_file_size_limit"


def test_missing_credentials_name_the_variables(
    no_credentials: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["channels", "list"]) == 2
    line = one_error_line(capsys)
    assert "set TWILIO_ACCOUNT_SID (or use --emulator)" in line
    assert "account_sid=" not in line
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", ACCOUNT)
    assert main(["channels", "list"]) == 2
    line = one_error_line(capsys)
    assert "set TWILIO_AUTH_TOKEN, or TWILIO_API_KEY and TWILIO_API_SECRET" in line
    assert "auth_token=" not in line
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "token")
    assert main(["channels", "list", "--base-url", "ftp://example.com"]) == 2
    assert "--base-url must be" in one_error_line(capsys)


# --------------------------------------------------------------------------- emulator serve


def test_serve_without_the_extra(
    monkeypatch: pytest.MonkeyPatch, never_serve: None, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # import uvicorn raises ImportError
    assert main(["emulator", "serve"]) == 1
    line = one_error_line(capsys)
    assert "pip install 'flexconv[emulator]'" in line
    assert "emulator serve" in line


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("s.json", '{"flows": [1,}', "not valid JSON at line 1 column 14"),
        ("s.yaml", "addresses:\n  - type: sms\n    address: [\n", "not valid YAML at line 4"),
        ("s.json", "[1, 2]", "expected a mapping"),
        ("s.json", '{"addresses": {"type": "sms"}}', "addresses must be a list"),
        ("s.yaml", "addresses:\n  - type: sms\n", "addresses[0] needs 'address'"),
        ("s.yaml", "flows:\n  - definition: {}\n", "flows[0] needs 'friendly_name'"),
        (
            "s.yaml",
            "flows:\n  - friendly_name: F\n    send_to_flex: {workflow: nope}\n",
            "unknown workflow: 'nope'",
        ),
        ("s.yaml", "workspace:\n  activities:\n    - available: true\n", "'friendly_name'"),
    ],
)
def test_serve_with_a_malformed_scenario(
    tmp_path: Path,
    never_serve: None,
    capsys: pytest.CaptureFixture[str],
    name: str,
    text: str,
    expected: str,
) -> None:
    path = tmp_path / name
    path.write_text(text)
    assert main(["emulator", "serve", "--scenario", str(path)]) == 2
    line = one_error_line(capsys)
    assert f"--scenario {path}: " in line
    assert expected in line


def test_serve_with_a_missing_scenario(
    tmp_path: Path, never_serve: None, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.json"
    assert main(["emulator", "serve", "--scenario", str(missing)]) == 2
    assert f"--scenario {missing}: no such file" in one_error_line(capsys)


def test_serve_on_a_port_in_use(never_serve: None, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["emulator", "serve", "--port", str(port)]) == 1
    line = one_error_line(capsys)
    assert f"port {port} on 127.0.0.1 is already in use" in line
    assert "--port" in line
    assert capsys.readouterr().out == ""  # nothing claimed the server was up


# --------------------------------------------------------------------------- failures


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from flexconv.emulator.server import ServerThread

    emu = Emulator.from_scenario(account_sid=ACCOUNT, auth_token="right-token")
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", ACCOUNT)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "right-token")
    for name in ("API_KEY", "API_SECRET", "REGION", "EDGE"):
        monkeypatch.delenv(f"TWILIO_{name}", raising=False)
    with ServerThread(emu) as server:
        yield server.url


def test_wrong_credentials(
    served: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "wrong-token")
    assert main(["channels", "list", "--base-url", served]) == 1
    line = one_error_line(capsys)
    assert "the server at --base-url refused the credentials (HTTP 401" in line
    assert "check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN" in line
    assert "wrong-token" not in line


def test_connection_refused(
    served: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setattr("flexconv._sync.client.sleep", lambda _s: None)
    url = f"http://127.0.0.1:{port}"
    assert main(["channels", "list", "--base-url", url]) == 1
    line = one_error_line(capsys)
    assert "cannot connect to" in line
    assert f"running at --base-url {url}?" in line


def test_api_error_has_status_code_and_link(
    served: str, capsys: pytest.CaptureFixture[str]
) -> None:
    kd = "KD" + ZEROS
    assert main(["interactions", "show", kd, "--base-url", served]) == 1
    line = one_error_line(capsys)
    assert "HTTP 404, Twilio error 20404: " in line
    assert f"(GET {served}/flex-api/v1/Interactions/{kd})" in line
    assert "more info: https://www.twilio.com/docs/errors/20404" in line

    assert main(["--json", "interactions", "show", kd, "--base-url", served]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    error = json.loads(captured.err)["error"]
    assert error["exit_code"] == 1
    assert error["exception"] == "NotFoundError"
    assert (error["status"], error["code"]) == (404, 20404)
    assert error["more_info"] == "https://www.twilio.com/docs/errors/20404"
    assert error["message"].startswith("HTTP 404")


def test_usage_error_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["channels", "show", "--json"]) == 2
    captured = capsys.readouterr()
    error = json.loads(captured.err)["error"]
    assert error["exit_code"] == 2
    assert "ADDRESS" in error["message"]


def test_ctrl_c_is_quiet(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(_args: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr("flexconv.cli.attachments._limits", interrupted)
    assert main(["attachments", "limits"]) == 130
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", "")


def test_unexpected_error_is_one_line_and_v_shows_the_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(_args: object) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr("flexconv.cli.attachments._limits", broken)
    assert main(["attachments", "limits"]) == 1
    assert "unexpected RuntimeError: boom" in one_error_line(capsys)
    assert main(["attachments", "limits", "-v"]) == 1
    assert "Traceback" in capsys.readouterr().err
    # a user's mistake stays one line under -v; -vv shows where it came from
    assert main(["interactions", "show", "nope", "-v"]) == 2
    assert "KD_SID" in one_error_line(capsys)
    assert main(["interactions", "show", "nope", "-vv"]) == 2
    assert "Traceback" in capsys.readouterr().err


@pytest.mark.parametrize(
    "words", [["attachments", "limits"], ["channels", "list", "--emulator", "--json"], ["--help"]]
)
def test_broken_pipe_is_quiet(words: list[str]) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the command writes anything
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "flexconv", *words],
            cwd=ROOT,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(write_end)
    assert proc.stderr == ""  # no traceback, no "Exception ignored" at exit
    # commands report 141; for --help, argparse on 3.11+ ignores the failed write itself (exit
    # 0), while on 3.10 the write fails into flexconv's handler (141): quiet either way
    assert proc.returncode in ((0, 141) if words == ["--help"] else (141,))
