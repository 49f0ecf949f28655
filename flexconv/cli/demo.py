"""``flexconv demo``: the main job, end to end on the embedded emulator (no account, no network)."""

from __future__ import annotations

import argparse
import io
import sys
from typing import Any

from flexconv.cli._common import print_json


def register(subparsers: Any) -> None:
    """Add the ``demo`` sub-command."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "demo",
        help="walk one SMS conversation end to end on the embedded emulator",
        description="Seed a small contact centre in the embedded Flex emulator and walk one SMS "
        "conversation through flexconv's public API; exit 1 if any observed state is wrong.",
    )
    parser.add_argument(
        "--auto-accept",
        action="store_true",
        help="the variant with no agent at all: a receiver accepts the reservation from the "
        "backend (autoAnswer) and the backend ends the task, closing the conversation",
    )
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    if args.auto_accept:
        from flexconv.lifecycle.demo import run
    else:
        from flexconv.demo import run

    if not args.json:
        return 1 if run(sys.stdout) else 0
    transcript = io.StringIO()
    failures = run(transcript)
    print_json(
        {
            "ok": failures == 0,
            "failed_checks": failures,
            "transcript": [line for line in transcript.getvalue().splitlines() if line],
        }
    )
    return 1 if failures else 0
