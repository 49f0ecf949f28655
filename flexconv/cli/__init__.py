"""The ``flexconv`` command.

Each sub-command lives in its own module of this package with a ``register(subparsers)``
function; modules that are present are picked up in the order below.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import logging
import sys
from collections.abc import Sequence

from flexconv._core.errors import FlexConvError
from flexconv._version import __version__

_COMMANDS = ("demo", "emulator", "attachments", "channels", "interactions")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command this installation has."""
    parser = argparse.ArgumentParser(
        prog="flexconv",
        description="Twilio Flex Conversations from the command line; runs against Twilio "
        "(credentials from TWILIO_* variables) or the local emulator.",
    )
    parser.add_argument("--version", action="version", version=f"flexconv {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log HTTP retries (debug)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _COMMANDS:
        module_name = f"flexconv.cli.{name}"
        if importlib.util.find_spec(module_name) is None:
            continue
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``flexconv`` console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.verbose:
        logging.basicConfig(level=logging.DEBUG, format="%(name)s: %(message)s")
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        status: int = handler(args)
    except FlexConvError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return status


if __name__ == "__main__":
    sys.exit(main())
