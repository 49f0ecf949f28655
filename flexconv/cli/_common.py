"""What every ``flexconv`` sub-command shares: where to send calls, and the client for it."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flexconv._sync.client import FlexConv


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


def client_for(args: argparse.Namespace, *, auto_tick: bool = False) -> FlexConv:
    """The client the options ask for: an emulator, a base URL, or Twilio (``TWILIO_*``).

    ``auto_tick`` lets the emulator run what is due on its clock before each request (so an
    interaction channel leaves ``setup`` while a command polls it).
    """
    from flexconv._sync.client import FlexConv

    if getattr(args, "emulator", False):
        from flexconv.emulator import Emulator

        emu = Emulator.from_scenario()
        emu.auto_tick = auto_tick
        return FlexConv.emulated(emu)
    base_url = getattr(args, "base_url", None)
    return FlexConv(base_url=base_url) if base_url else FlexConv()


def usage(parser: argparse.ArgumentParser) -> int:
    """Print a command group's help (when no action was given); exit status 2."""
    parser.print_help()
    return 2
