"""``flexconv apply FILE``: bring the whole contact centre to the state a YAML or JSON file
describes (``client.account.ensure``)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from flexconv._core.channels import EnsureError
from flexconv._core.desired import AccountPlan, parse_spec
from flexconv._core.errors import ValidationError
from flexconv.cli._common import (
    EXIT_USAGE,
    CliError,
    client_for,
    load_document,
    print_json,
    target_options,
)

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``flexconv apply``."""
    parser = subparsers.add_parser(
        "apply",
        parents=[target_options()],
        help="bring task channels, queues, workflows, flows, addresses... to a file's state",
        description="Bring the contact centre to the state FILE describes (YAML or JSON: task "
        "channels, activities, task queues, workflows, flows, addresses, attachments, the "
        "workspace's event callback, the Conversations account webhooks; see the Desired "
        "state guide).  The whole file is checked and the account read before anything is "
        "written; only what differs changes.  When a write fails it prints what was applied, "
        "the change that failed and what remains, and exits 1; running it again applies the "
        "rest.",
    )
    parser.add_argument("file", metavar="FILE", help="the desired state (.yaml, .yml or .json)")
    parser.add_argument(
        "--plan", action="store_true", help="print what would change, change nothing"
    )
    parser.add_argument(
        "--prune",
        action="store_true",
        help="also delete what a section of FILE does not list (never Flex's defaults)",
    )
    parser.set_defaults(handler=_apply)


def _status(plan: AccountPlan, failure: EnsureError | None, dry_run: bool) -> list[str]:
    out = []
    for item in plan.items:
        if item.action == "unchanged":
            out.append("unchanged")
        elif failure is not None:
            if item is failure.failed:
                out.append("failed")
            elif any(item is i for i in failure.applied):
                out.append("applied")
            else:
                out.append("not attempted")
        else:
            out.append("planned" if dry_run else "applied")
    return out


def _plan_json(plan: AccountPlan, *, dry_run: bool, failure: EnsureError | None) -> Any:
    items = []
    for item, status in zip(plan.items, _status(plan, failure, dry_run), strict=True):
        items.append({**item.to_dict(), "status": status})
    return {"applied": plan.applied, "dry_run": dry_run, "changed": plan.changed, "items": items}


def _print_stopped(failure: EnsureError) -> None:
    for title, items in (
        ("applied", failure.applied),
        ("failed", [failure.failed]),
        ("not attempted", failure.remaining),
    ):
        print(f"{title}:")
        for item in items:
            print("  " + item.describe().replace("\n", "\n  "))
        if not items:
            print("  (none)")
    print(f"{len(failure.applied)} applied, 1 failed, {len(failure.remaining)} not attempted")


def _apply(args: argparse.Namespace) -> int:
    document = load_document(args.file, "FILE")
    try:
        spec = parse_spec(document)
    except ValidationError as exc:
        raise CliError(f"FILE {args.file}: {exc}", EXIT_USAGE) from None
    with client_for(args) as client:
        try:
            plan = client.account.ensure(spec, dry_run=args.plan, prune=args.prune)
        except ValidationError as exc:  # a reference to nothing, found once the account is read
            raise CliError(f"FILE {args.file}: {exc}", EXIT_USAGE) from None
        except EnsureError as failure:
            if args.json:
                print_json(_plan_json(failure.plan, dry_run=False, failure=failure))
            else:
                _print_stopped(failure)
            sys.stdout.flush()
            raise
    if args.json:
        print_json(_plan_json(plan, dry_run=args.plan, failure=None))
    else:
        print(plan.describe())
    return 0
