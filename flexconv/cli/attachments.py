"""``flexconv attachments``: show and change the attachment settings of every channel.

    flexconv attachments show [--json]
    flexconv attachments set ADDRESS_TYPE [--enable|--disable] [--max-file-size 16MB]
        [--max-total-file-size 64MB] [--number-of-attachments N] [--extensions jpg,png]
        [--dry-run] [--allow-unknown-channel]
    flexconv attachments limits

Every sub-command takes ``--json`` (and ``-v``) for machine-readable output.

Each talks to Twilio with credentials from the ``TWILIO_*`` variables, to an in-process emulator
with ``--emulator``, or to a running ``flexconv emulator serve`` with ``--base-url URL``.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from typing import TYPE_CHECKING, Any

from flexconv._core.attachments import LIMITS, format_size, parse_size
from flexconv._core.errors import ValidationError
from flexconv.cli._common import client_for, print_json, target_options, usage

if TYPE_CHECKING:
    from flexconv.models.attachments import AttachmentSettings

__all__ = ["register"]


def _size(text: str) -> int:
    try:
        return parse_size(text)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``flexconv attachments`` and its sub-commands."""
    parser = subparsers.add_parser(
        "attachments",
        help="show or change attachment settings per channel",
        description="Attachment settings per channel (channel_configs of the Flex "
        "Configuration), changed without losing other channels' settings.",
    )
    parser.set_defaults(handler=lambda args: usage(parser, args))
    commands = parser.add_subparsers(dest="attachments_command", metavar="SUBCOMMAND")
    common = target_options()

    show = commands.add_parser(
        "show", parents=[common], help="a table of every channel's attachment settings"
    )
    show.set_defaults(handler=_show)

    limits = commands.add_parser("limits", help="Twilio's per-channel limits (sends nothing)")
    limits.set_defaults(handler=_limits)

    change = commands.add_parser(
        "set",
        parents=[common],
        help="change one channel's settings (the rest of the configuration is kept)",
        description="Change one channel's attachment settings. Sizes take KB/MB/GB in binary "
        "multiples (16MB = 16777216 bytes). Values are checked against Twilio's limits for the "
        "channel before anything is sent.",
    )
    change.add_argument("address_type", metavar="ADDRESS_TYPE", help="web, sms, whatsapp, ...")
    toggle = change.add_mutually_exclusive_group()
    toggle.add_argument("--enable", dest="enabled", action="store_const", const=True)
    toggle.add_argument("--disable", dest="enabled", action="store_const", const=False)
    change.add_argument("--max-file-size", type=_size, metavar="SIZE", help="e.g. 16MB")
    change.add_argument("--max-total-file-size", type=_size, metavar="SIZE", help="e.g. 64MB")
    change.add_argument("--number-of-attachments", type=int, metavar="N")
    change.add_argument("--extensions", metavar="LIST", help="comma-separated, e.g. jpg,png,pdf")
    change.add_argument(
        "--dry-run", action="store_true", help="print the change as a diff; write nothing"
    )
    change.add_argument(
        "--allow-unknown-channel",
        action="store_true",
        help="change an address type flexconv has no limits for",
    )
    change.set_defaults(handler=_set)


def _row(kind: str, s: AttachmentSettings) -> list[str]:
    enabled = "-" if s.enabled is None else ("yes" if s.enabled else "no")
    count = "-" if s.number_of_attachments is None else str(s.number_of_attachments)
    exts = ",".join(s.accepted_extensions) if s.accepted_extensions is not None else "-"
    return [
        kind,
        enabled,
        count,
        format_size(s.max_file_size),
        format_size(s.max_total_file_size),
        exts,
    ]


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)) for r in rows]
    head = "  ".join(cell.ljust(w) for cell, w in zip(header, widths, strict=True))
    return "\n".join(line.rstrip() for line in [head, *lines])


_HEADER = ["CHANNEL", "ENABLED", "FILES", "MAX FILE", "MAX TOTAL", "EXTENSIONS"]


def _show(args: argparse.Namespace) -> int:
    with client_for(args) as client:
        settings = client.attachments.fetch_all()
    if args.json:
        print_json({k: v.to_dict() for k, v in settings.items()})
        return 0
    if not settings:
        print("No channel has attachment settings (channel_configs is empty).")
        return 0
    print(_table(_HEADER, [_row(kind, s) for kind, s in settings.items()]))
    return 0


def _limits(args: argparse.Namespace) -> int:
    if args.json:
        print_json([dataclasses.asdict(limit) for limit in LIMITS.values()])
        return 0
    rows = [
        [
            limit.address_type + (f" ({limit.note})" if limit.note else ""),
            str(limit.max_attachments),
            format_size(limit.max_file_size),
            format_size(limit.max_total_file_size),
            ",".join(limit.accepted_extensions),
        ]
        for limit in LIMITS.values()
    ]
    print(_table(["CHANNEL", "FILES", "MAX FILE", "MAX TOTAL", "EXTENSIONS"], rows))
    return 0


def _set(args: argparse.Namespace) -> int:
    values: dict[str, Any] = {
        "enabled": args.enabled,
        "number_of_attachments": args.number_of_attachments,
        "max_file_size": args.max_file_size,
        "max_total_file_size": args.max_total_file_size,
        "accepted_extensions": args.extensions,
    }
    with client_for(args) as client:
        result = client.attachments.update(
            args.address_type,
            **values,
            dry_run=args.dry_run,
            allow_unknown_channel=args.allow_unknown_channel,
        )
    if args.json:
        print_json(
            {
                "address_type": args.address_type,
                "changed": result.changed,
                "dry_run": result.dry_run,
                "written": result.written,
                "attempts": result.attempts,
                "changes": [
                    {
                        "address_type": c.address_type,
                        "path": list(c.path),
                        "before": c.before,
                        "after": c.after,
                    }
                    for c in result.diff.changes
                ],
                "diff": result.diff.text,
                "settings": {k: v.to_dict() for k, v in result.settings.items()},
            }
        )
        return 0
    if not result.changed:
        print(f"{args.address_type}: already set that way; nothing written.")
        return 0
    print(result.diff.text)
    if result.dry_run:
        print("dry run: nothing written.", file=sys.stderr)
    else:
        note = f" after {result.attempts} attempts" if result.attempts > 1 else ""
        print(f"written and verified{note}.", file=sys.stderr)
    rows = [_row(kind, s) for kind, s in result.settings.items()]
    print(_table(_HEADER, rows))
    return 0
