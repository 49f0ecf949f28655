"""What every ``flexconv`` sub-command shares: where to send calls, the client for it, JSON
output, and the one table that turns the library's Python spellings into CLI flags."""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flexconv._core.operation import RawResponse, RequestSpec
    from flexconv._sync.client import FlexConv
    from flexconv._transport import SyncTransport, Timeout

#: Exit status for a command line (or an input it names) refused before anything was sent.
EXIT_USAGE = 2
#: Exit status for a failure while running (an API error, no connection, a port in use...).
EXIT_FAILURE = 1
#: Exit status after Ctrl-C (128 + SIGINT), as shells report it.
EXIT_INTERRUPTED = 130
#: Exit status when the reader of stdout went away (128 + SIGPIPE), as shells report it.
EXIT_BROKEN_PIPE = 141


class CliError(Exception):
    """A mistake or failure the CLI reports as one line (``error: ...``) and an exit status.

    ``details`` are extra fields for the ``--json`` error object.
    """

    def __init__(self, message: str, exit_code: int = EXIT_FAILURE, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        self.details = details


#: The one place where the library's Python spellings become what a CLI user types.  Library
#: errors speak of parameters (``pass allow_unknown_channel=True``); the CLI's messages name the
#: flag, argument or environment variable instead.  Longer phrases come first.
FLAG_FOR_PARAMETER: tuple[tuple[str, str], ...] = (
    ("pass account_sid= or set TWILIO_ACCOUNT_SID", "set TWILIO_ACCOUNT_SID (or use --emulator)"),
    (
        "pass auth_token= (or TWILIO_AUTH_TOKEN), or api_key= and api_secret= "
        "(or TWILIO_API_KEY and TWILIO_API_SECRET)",
        "set TWILIO_AUTH_TOKEN, or TWILIO_API_KEY and TWILIO_API_SECRET (or use --emulator)",
    ),
    ("api_secret (TWILIO_API_SECRET)", "TWILIO_API_SECRET"),
    ("api_key (TWILIO_API_KEY)", "TWILIO_API_KEY"),
    ("looked in the arguments and the environment", "looked in the environment"),
    ("allow_unknown_channel=True", "--allow-unknown-channel"),
    ("workspace_sid=", "--workspace"),
    ("workspace_sid", "--workspace"),
    ("workflow_sid=", "--workflow"),
    ("workflow_sid", "--workflow"),
    ("max_total_file_size", "--max-total-file-size"),
    ("max_file_size", "--max-file-size"),
    ("number_of_attachments", "--number-of-attachments"),
    ("accepted_extensions", "--extensions"),
    ("address_type", "ADDRESS_TYPE"),
    ("base_url", "--base-url"),
)

_PARAMETER_RE = re.compile(
    "|".join(
        rf"(?<![\w-]){re.escape(python)}" + ("" if python[-1] in "=)" else r"(?![\w=])")
        for python, _ in FLAG_FOR_PARAMETER
    )
)
_FLAG = dict(FLAG_FOR_PARAMETER)


def cli_wording(message: str) -> str:
    """``message`` with every Python parameter spelling replaced by its CLI flag."""
    return _PARAMETER_RE.sub(lambda m: _FLAG[m.group(0)], message)


def target_options() -> argparse.ArgumentParser:
    """A parent parser with ``--emulator`` / ``--base-url`` (Twilio itself when neither)."""
    parent = argparse.ArgumentParser(add_help=False)
    where = parent.add_mutually_exclusive_group()
    where.add_argument(
        "--emulator",
        action="store_true",
        help="run against a fresh in-process emulator seeded with the default scenario",
    )
    where.add_argument(
        "--base-url",
        metavar="URL",
        help="send every call to this origin (a running `flexconv emulator serve`); credentials "
        "still come from TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN",
    )
    return parent


class _LoggedTransport:
    """A transport that logs each request and its status to ``flexconv.http`` (``-v``).

    Only the method, URL and status are logged: never headers or bodies.
    """

    def __init__(self, inner: SyncTransport) -> None:
        self._inner = inner

    def send(self, request: RequestSpec, timeout: Timeout) -> RawResponse:
        import logging

        log = logging.getLogger("flexconv.http")
        start = time.perf_counter()
        try:
            raw = self._inner.send(request, timeout)
        except Exception as exc:
            log.debug("%s %s -> %s", request.method, request.url, type(exc).__name__)
            raise
        ms = (time.perf_counter() - start) * 1000
        log.debug("%s %s -> %d (%.0f ms)", request.method, request.url, raw.status_code, ms)
        return raw

    def close(self) -> None:
        self._inner.close()


def client_for(args: argparse.Namespace, *, auto_tick: bool = False) -> FlexConv:
    """The client the options ask for: an emulator, a base URL, or Twilio (``TWILIO_*``).

    ``auto_tick`` lets the emulator run what is due on its clock before each request (so an
    interaction channel leaves ``setup`` while a command polls it).  Missing or malformed
    credentials become a `CliError` naming the environment variables.
    """
    from flexconv._core.errors import ConfigurationError
    from flexconv._sync.client import FlexConv
    from flexconv._transport import make_sync_transport

    if getattr(args, "emulator", False):
        from flexconv.emulator import Emulator

        scenario = getattr(args, "doctor_scenario", None)
        emu = _doctor_emulator(scenario) if scenario else Emulator.from_scenario()
        emu.auto_tick = auto_tick
        logged = _LoggedTransport(make_sync_transport(transport=emu))
        return FlexConv(emu.account_sid, emu.auth_token, transport=logged, env={})
    base_url = getattr(args, "base_url", None)
    transport = _LoggedTransport(make_sync_transport())
    try:
        return FlexConv(base_url=base_url, transport=transport)
    except ConfigurationError as exc:
        transport.close()
        raise CliError(cli_wording(str(exc)), EXIT_USAGE) from None
    except BaseException:
        transport.close()
        raise


def _doctor_emulator(name: str) -> Any:
    from flexconv.emulator._base import ApiError
    from flexconv.emulator.doctor_scenarios import scenario_emulator

    try:
        return scenario_emulator(name)
    except ApiError as exc:
        raise CliError(f"--scenario: {exc.message}", EXIT_USAGE) from None


def usage(parser: argparse.ArgumentParser, args: argparse.Namespace | None = None) -> int:
    """A command group called without an action: its help (an error with ``--json``); status 2."""
    if args is not None and getattr(args, "json", False):
        raise CliError(f"{parser.prog}: choose an action (see '{parser.prog} --help')", EXIT_USAGE)
    parser.print_help()
    return EXIT_USAGE


def print_json(value: Any) -> None:
    """``value`` as indented JSON on stdout (dates and other values as strings)."""
    print(json.dumps(value, indent=2, default=str))
    sys.stdout.flush()


def load_document(path: str, what: str) -> Any:
    """A JSON or YAML file's content; ``what`` names the argument in errors (``--scenario``).

    ``.json`` is read as JSON, ``.yaml``/``.yml`` as YAML (PyYAML, the ``yaml`` extra); other
    names as YAML when PyYAML is installed, else JSON.  Every problem is a one-line
    `CliError` naming the file and the line.
    """
    from pathlib import Path

    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CliError(f"{what} {path}: no such file", EXIT_USAGE) from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise CliError(f"{what} {path}: cannot read it ({reason})", EXIT_USAGE) from None
    suffix = Path(path).suffix.lower()
    if suffix != ".json":
        try:
            import yaml
        except ImportError:
            if suffix in (".yaml", ".yml"):
                raise CliError(
                    f"{what} {path}: reading YAML needs PyYAML: pip install 'flexconv[yaml]' "
                    "(or use a .json file)",
                    EXIT_USAGE,
                ) from None
        else:
            try:
                return yaml.safe_load(text)
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
                problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
                raise CliError(
                    f"{what} {path}: not valid YAML{where}: {problem}", EXIT_USAGE
                ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CliError(
            f"{what} {path}: not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}",
            EXIT_USAGE,
        ) from None
