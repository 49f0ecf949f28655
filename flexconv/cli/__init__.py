"""The ``flexconv`` command.

Each sub-command lives in its own module of this package with a ``register(subparsers)``
function; modules that are present are picked up in the order below.

Conventions (docs/reference/cli.md): every mistake is one ``error: ...`` line on stderr naming
the flag and the fix, never a traceback; exit 0 on success, 1 for a failure while running, 2 for
a command line (or an input file) refused before anything was sent, 130 after Ctrl-C, 141 when
the reader of stdout went away.  ``-v``/``-vv`` and ``--json`` are accepted before or after any
sub-command.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from flexconv._core.errors import FlexConvError
from flexconv._version import __version__
from flexconv.cli._common import (
    EXIT_BROKEN_PIPE,
    EXIT_FAILURE,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    CliError,
    cli_wording,
    usage,
)

__all__ = ["CliError", "build_parser", "main"]

_COMMANDS = (
    "demo",
    "emulator",
    "attachments",
    "channels",
    "interactions",
    "doctor",
    "apply",
    "events",
)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose mistakes are one line (a `CliError`), not usage + exit."""

    def error(self, message: str) -> NoReturn:
        raise CliError(f"{self.prog}: {message} (see '{self.prog} --help')", EXIT_USAGE)


def _add_global_options(parser: argparse.ArgumentParser, depth: int) -> None:
    # One dest per level: argparse parses a sub-command into a fresh namespace and copies it
    # over the parent's, so a shared dest would let `-v` after the sub-command erase one before.
    group = parser.add_argument_group("output options (accepted before or after any command)")
    group.add_argument(
        "-v",
        "--verbose",
        action="count",
        dest=f"_verbose_{depth}",
        default=argparse.SUPPRESS,
        help="log flexconv's requests and retries to stderr; -vv adds httpx/httpcore internals",
    )
    group.add_argument(
        "--json",
        action="store_true",
        dest=f"_json_{depth}",
        default=argparse.SUPPRESS,
        help="machine-readable output: results as JSON on stdout, errors as a JSON object on "
        "stderr",
    )


def _offer_everywhere(parser: argparse.ArgumentParser, depth: int = 0) -> None:
    _add_global_options(parser, depth)
    seen: set[int] = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                if id(sub) not in seen:
                    seen.add(id(sub))
                    _offer_everywhere(sub, depth + 1)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command this installation has."""
    parser = _Parser(
        prog="flexconv",
        description="Twilio Flex Conversations from the command line; runs against Twilio "
        "(credentials from TWILIO_* variables) or the local emulator.",
        epilog="Exit status: 0 success, 1 failure, 2 usage error (nothing sent), 130 interrupted.",
    )
    parser.add_argument("--version", action="version", version=f"flexconv {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _COMMANDS:
        module_name = f"flexconv.cli.{name}"
        if importlib.util.find_spec(module_name) is None:
            continue
        importlib.import_module(module_name).register(subparsers)
    _offer_everywhere(parser)
    return parser


def _merge_global_options(args: argparse.Namespace) -> None:
    values = vars(args)
    args.verbose = sum(v for k, v in values.items() if k.startswith("_verbose_"))
    args.json = any(v for k, v in values.items() if k.startswith("_json_"))


def _wants_json(argv: Sequence[str]) -> bool:
    """Whether ``--json`` was asked for, read from the raw words (for errors while parsing)."""
    words = list(argv)
    if "--" in words:
        words = words[: words.index("--")]
    return "--json" in words


# ----------------------------------------------------------------------------- errors


def _describe(exc: BaseException, args: argparse.Namespace | None) -> CliError:
    """The one-line message and exit status for an error a command raised."""
    from flexconv._core.channels import EnsureError
    from flexconv._core.errors import (
        APIConnectionError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        ConfigurationError,
        PermissionDeniedError,
        ValidationError,
    )

    if isinstance(exc, CliError):
        return exc
    base_url = getattr(args, "base_url", None) if args is not None else None
    if isinstance(exc, EnsureError):
        inner = _describe(exc.error, args)
        failed = exc.failed
        return CliError(
            f"{_command(args)} stopped at {failed.action} {failed.label} after "
            f"{len(exc.applied)} applied change(s), {len(exc.remaining)} not attempted: "
            f"{inner.message}; run the command again to apply the rest",
            EXIT_FAILURE,
            **inner.details,
        )
    if isinstance(exc, APIStatusError):
        details: dict[str, Any] = {
            "status": exc.status,
            "code": exc.code,
            "more_info": exc.more_info,
            "method": exc.method,
            "url": exc.url,
            "request_id": exc.request_id,
        }
        code = f", Twilio error {exc.code}" if exc.code is not None else ""
        text = f"HTTP {exc.status}{code}: {exc.message} ({exc.method} {exc.url})"
        if isinstance(exc, AuthenticationError | PermissionDeniedError):
            what = "refused" if isinstance(exc, AuthenticationError) else "forbade this for"
            text = f"{'the server at --base-url' if base_url else 'Twilio'} {what} the "
            text += f"credentials (HTTP {exc.status}{code}: {exc.message}): check "
            text += "TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (or TWILIO_API_KEY and "
            text += "TWILIO_API_SECRET)"
            if base_url:
                text += ", as `flexconv emulator serve` printed them"
        if exc.more_info:
            text += f"; more info: {exc.more_info}"
        return CliError(text, EXIT_FAILURE, **details)
    if isinstance(exc, APIConnectionError):
        kind = f"timed out ({exc.phase})" if isinstance(exc, APITimeoutError) else "cannot connect"
        where = f" to {exc.url}" if exc.url else ""
        if base_url:
            hint = f"is a server (`flexconv emulator serve`) running at --base-url {base_url}?"
        else:
            hint = "check the network (or use --emulator / --base-url)"
        return CliError(
            f"{kind}{where}: {exc.message}; {hint}",
            EXIT_FAILURE,
            method=exc.method,
            url=exc.url,
            sent=exc.sent,
        )
    if isinstance(exc, ValidationError | ConfigurationError):
        return CliError(cli_wording(str(exc)), EXIT_USAGE)
    if isinstance(exc, FlexConvError):
        return CliError(cli_wording(str(exc)), EXIT_FAILURE)
    return CliError(
        f"unexpected {type(exc).__name__}: {exc} (a bug in flexconv; -v shows the traceback)",
        EXIT_FAILURE,
    )


def _command(args: argparse.Namespace | None) -> str:
    """The command an `EnsureError` came from, for its message."""
    name = getattr(args, "command", None) if args is not None else None
    return "apply" if name == "apply" else "channels ensure"


def _report(error: CliError, *, as_json: bool, cause: BaseException) -> None:
    if as_json:
        fields: dict[str, Any] = {"message": error.message, "exit_code": error.exit_code}
        if not isinstance(cause, CliError):
            fields["exception"] = type(cause).__name__
        fields.update(error.details)
        print(json.dumps({"error": fields}, default=str), file=sys.stderr)
    else:
        print(f"error: {error.message}", file=sys.stderr)


def _quiet_stdout() -> None:
    """After a broken pipe: point stdout at /dev/null so the flush at exit stays silent."""
    out = sys.stdout
    if out is None or out is not sys.__stdout__:
        return  # stdout replaced (a test or an embedding program): leave the process alone
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


# ----------------------------------------------------------------------------- entry point


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``flexconv`` console script; returns the exit status.

    Never raises for a user's mistake: it prints one ``error: ...`` line (a JSON object with
    ``--json``) on stderr and returns the status.
    """
    words = list(sys.argv[1:] if argv is None else argv)
    as_json = _wants_json(words)
    args: argparse.Namespace | None = None
    restore = None
    try:
        try:
            parser = build_parser()
            try:
                args = parser.parse_args(words)
            except SystemExit as done:  # --help or --version printed; the status is argparse's
                sys.stdout.flush()
                return done.code if isinstance(done.code, int) else 0
            _merge_global_options(args)
            as_json = args.json
            restore = _configure_logging(args.verbose)
            handler = getattr(args, "handler", None)
            if handler is None:
                return usage(parser, args)
            status: int = handler(args)
            sys.stdout.flush()
            return status
        except KeyboardInterrupt:
            return EXIT_INTERRUPTED
        except BrokenPipeError:
            _quiet_stdout()
            return EXIT_BROKEN_PIPE
        except Exception as exc:
            verbose = getattr(args, "verbose", 0)
            error = _describe(exc, args)
            expected = isinstance(exc, CliError | FlexConvError)
            if verbose >= (2 if expected else 1):  # a bug's traceback with -v, any with -vv
                import traceback

                traceback.print_exc(file=sys.stderr)
            _report(error, as_json=as_json, cause=exc)
            try:
                sys.stdout.flush()
            except BrokenPipeError:
                _quiet_stdout()
            return error.exit_code
    finally:
        if restore is not None:
            restore()


def _configure_logging(verbose: int) -> Any:
    """Send flexconv's debug records to stderr (``-v``), everything's with ``-vv``.

    Returns a function that undoes it (``main`` may run many times in one process).
    """
    if not verbose:
        return None
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    ours = logging.getLogger("flexconv")
    target = logging.getLogger() if verbose >= 2 else ours
    saved = (ours.level, target.level)
    ours.setLevel(logging.DEBUG)
    target.setLevel(logging.DEBUG)
    target.addHandler(handler)

    def restore() -> None:
        target.removeHandler(handler)
        ours.setLevel(saved[0])
        target.setLevel(saved[1])

    return restore


if __name__ == "__main__":
    sys.exit(main())
