"""``-v`` and ``--json``: accepted before or after any sub-command, offered on every command."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator

import pytest

from flexconv.cli import build_parser, main
from flexconv.emulator import Emulator

ACCOUNT = "AC" + "1" * 32


def leaf_commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield path, parser
    for action in subs:
        for name, sub in action.choices.items():
            yield from leaf_commands(sub, (*path, name))


def required_words(parser: argparse.ArgumentParser) -> list[str]:
    """Placeholder values for a command's positionals and required options."""
    words: list[str] = []
    for action in parser._actions:
        if not action.option_strings and action.nargs != 0:
            words.append("X")
        elif action.required:
            words += [action.option_strings[0], "X"]
    return words


LEAVES = sorted(path for path, _ in leaf_commands(build_parser()))


@pytest.mark.parametrize("path", LEAVES, ids=" ".join)
def test_v_and_json_anywhere(path: tuple[str, ...]) -> None:
    assert {("demo",), ("emulator", "serve"), ("channels", "ensure")} <= set(LEAVES)
    parser = build_parser()
    leaf = dict(leaf_commands(parser))[path]
    rest = required_words(leaf)
    spellings = [
        ["-v", "--json", *path, *rest],
        [*path, *rest, "-v", "--json"],
        [path[0], "--json", "-v", *path[1:], *rest],
        ["--verbose", *path, *rest, "-vv", "--json"],
    ]
    expected_verbose = [1, 1, 1, 3]
    for words, verbose in zip(spellings, expected_verbose, strict=True):
        args = parser.parse_args(words)
        values = vars(args)
        assert sum(v for k, v in values.items() if k.startswith("_verbose_")) == verbose, words
        assert any(v for k, v in values.items() if k.startswith("_json_")), words
    help_text = leaf.format_help()
    assert "--json" in help_text
    assert "--verbose" in help_text


@pytest.mark.parametrize(
    "words",
    [
        ["demo"],
        ["attachments", "limits"],
        ["attachments", "show", "--emulator"],
        ["attachments", "set", "web", "--disable", "--dry-run", "--emulator"],
        ["channels", "list", "--emulator"],
        ["channels", "show", "+15005550006", "--emulator"],
    ],
    ids=" ".join,
)
def test_json_output_on_commands_that_had_none(
    words: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    for spelled in (["--json", *words], [*words, "--json"]):
        assert main(spelled) == 0
        out = capsys.readouterr().out
        json.loads(out)  # the whole of stdout is one JSON document


def test_demo_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is True
    assert data["failed_checks"] == 0
    assert any("accepts the reservation" in line for line in data["transcript"])


def test_attachments_set_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["attachments", "set", "web", "--disable", "--dry-run", "--emulator", "--json"]) == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["dry_run"] is True
    assert data["written"] is False
    assert data["changes"] == [
        {"address_type": "web", "path": ["cbm_attachments", "enabled"], "before": True,
         "after": False}
    ]  # fmt: skip


def test_limits_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["attachments", "limits", "--json"]) == 0
    limits = {entry["address_type"]: entry for entry in json.loads(capsys.readouterr().out)}
    assert limits["sms"]["max_file_size"] == 2 * 1024 * 1024


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from flexconv.emulator.server import ServerThread

    emu = Emulator.from_scenario(account_sid=ACCOUNT, auth_token="token")
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", ACCOUNT)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "token")
    with ServerThread(emu) as server:
        yield server.url


def test_v_logs_flexconv_requests_not_httpcore(
    served: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["channels", "list", "--base-url", served, "-v"]) == 0
    err = capsys.readouterr().err
    assert f"flexconv.http: GET {served}/conversations/v1/Configuration/Addresses -> 200" in err
    assert "httpcore" not in err
    assert "httpx" not in err
    assert "token" not in err

    assert main(["-vv", "channels", "list", "--base-url", served]) == 0
    err = capsys.readouterr().err
    assert "flexconv.http: GET" in err
    assert "httpcore" in err

    assert main(["channels", "list", "--base-url", served]) == 0
    assert capsys.readouterr().err == ""  # logging is undone after each run


def test_v_logs_retries(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from flexconv.emulator.server import ServerThread

    monkeypatch.setattr("flexconv._sync.client.sleep", lambda _s: None)
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", ACCOUNT)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "token")
    emu = Emulator.from_scenario(account_sid=ACCOUNT, auth_token="token")
    emu.faults.server_error(503, method="GET", times=1)  # a GET is retried after a 503
    with ServerThread(emu) as server:
        assert main(["channels", "list", "--base-url", server.url, "-v"]) == 0
    err = capsys.readouterr().err
    assert "Addresses -> 503" in err
    assert "flexconv: flexconv retry 1 of 2 for GET" in err
    assert "Addresses -> 200" in err


@pytest.mark.parametrize("words", [[], ["channels"], ["attachments"], ["interactions"]])
def test_a_group_without_action(words: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(words) == 2
    assert "usage: flexconv" in capsys.readouterr().out  # help, for a person
    assert main([*words, "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "choose an action" in json.loads(captured.err)["error"]["message"]
