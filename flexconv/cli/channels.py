"""``flexconv channels``: list, show and declaratively ensure Conversations addresses."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from flexconv._core.channels import (
    ADDRESS_TYPES,
    AddressPlan,
    DesiredAddress,
    EnsureError,
    PlanItem,
    desired_from_mapping,
)
from flexconv._core.errors import ValidationError
from flexconv._core.sids import is_sid
from flexconv.cli._common import (
    EXIT_USAGE,
    CliError,
    client_for,
    load_document,
    print_json,
    target_options,
    usage,
)

if TYPE_CHECKING:
    from flexconv.models.channels import Address

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``flexconv channels`` and its sub-commands."""
    parent = target_options()
    parser = subparsers.add_parser(
        "channels",
        help="Conversations addresses (sms, whatsapp, messenger, chat…) and their Flex setup",
        description="List, show and declaratively ensure Conversations address configurations.",
    )
    sub = parser.add_subparsers(dest="channels_command", metavar="ACTION")
    parser.set_defaults(handler=lambda args: usage(parser, args))

    p_list = sub.add_parser("list", parents=[parent], help="list address configurations")
    p_list.add_argument("--type", choices=ADDRESS_TYPES, help="only this address type")
    p_list.set_defaults(handler=_list)

    p_show = sub.add_parser("show", parents=[parent], help="show one address configuration")
    p_show.add_argument("address", metavar="ADDRESS", help="the address or its IG… SID")
    p_show.set_defaults(handler=_show)

    p_ensure = sub.add_parser(
        "ensure",
        parents=[parent],
        help="create or update addresses to match a YAML or JSON file",
        description="Bring address configurations to the state FILE describes (YAML or JSON: a "
        "list of addresses, or a mapping with an 'addresses' list) and print the plan.  When a "
        "write fails it prints what was applied, the change that failed and what remains, and "
        "exits 1; running it again applies the rest.",
    )
    p_ensure.add_argument("file", metavar="FILE", help="desired addresses (.yaml, .yml or .json)")
    p_ensure.add_argument("--dry-run", action="store_true", help="print the plan, change nothing")
    p_ensure.add_argument(
        "--prune", action="store_true", help="also delete addresses the file does not list"
    )
    p_ensure.set_defaults(handler=_ensure)


def _target(address: Address) -> str:
    ac = address.auto_creation
    if ac is None or not ac.enabled:
        return "off"
    kind = str(ac.type) if ac.type is not None else "?"
    if kind == "studio":
        return f"studio {ac.studio_flow_sid}"
    if kind == "webhook":
        return f"webhook {ac.webhook_method or 'POST'} {ac.webhook_url}"
    return kind


def _list(args: argparse.Namespace) -> int:
    with client_for(args) as client:
        items = client.channels.list(type=args.type).to_list()
    if args.json:
        print_json([a.to_dict() for a in items])
        return 0
    if not items:
        print("No address configurations.")
        return 0
    rows = [("SID", "TYPE", "ADDRESS", "AUTO-CREATION", "NAME")]
    rows += [
        (a.sid or "", str(a.type or ""), a.address or "", _target(a), a.friendly_name or "")
        for a in items
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for row in rows:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=False)) + "  " + row[4])
    return 0


def _show(args: argparse.Namespace) -> int:
    if args.address.startswith("IG") and not is_sid(args.address, "IG"):
        raise CliError(
            f"ADDRESS {args.address!r} starts like an address configuration SID but is not one: "
            "expected IG followed by 32 hex digits, or the address itself (+15551234567, "
            "whatsapp:+15551234567...)",
            EXIT_USAGE,
        )
    with client_for(args) as client:
        address = client.channels.fetch(args.address)
    if args.json:
        print_json(address.to_dict())
        return 0
    ac = address.auto_creation
    lines: list[tuple[str, object]] = [
        ("sid", address.sid),
        ("type", address.type),
        ("address", address.address),
        ("friendly name", address.friendly_name),
        ("auto-creation", _target(address)),
    ]
    if ac is not None and ac.enabled:
        lines.append(("conversation service", ac.conversation_service_sid))
        if ac.webhook_filters:
            lines.append(("webhook filters", ", ".join(ac.webhook_filters)))
        if ac.studio_retry_count is not None:
            lines.append(("studio retry count", ac.studio_retry_count))
    for name, value in lines:
        print(f"{name + ':':<22}{'' if value is None else value}")
    return 0


def _desired(path: str) -> list[DesiredAddress]:
    data = load_document(path, "FILE")
    try:
        return desired_from_mapping(data)
    except ValidationError as exc:
        raise CliError(f"FILE {path}: {exc}", EXIT_USAGE) from None


def _item_json(item: PlanItem, status: str) -> dict[str, Any]:
    return {
        "action": item.action,
        "type": item.type,
        "address": item.address,
        "sid": item.sid,
        "changes": {k: {"old": c.before, "new": c.after} for k, c in item.changes.items()},
        "status": status,
    }


def _plan_json(plan: AddressPlan, *, dry_run: bool, failure: EnsureError | None) -> Any:
    def status(item: PlanItem) -> str:
        if item.action == "unchanged":
            return "unchanged"
        if failure is not None:
            if item is failure.failed:
                return "failed"
            return "applied" if any(item is i for i in failure.applied) else "not attempted"
        return "planned" if dry_run else "applied"

    return {
        "applied": plan.applied,
        "dry_run": dry_run,
        "items": [_item_json(i, status(i)) for i in plan.items],
    }


def _print_stopped(failure: EnsureError) -> None:
    """What a failed ``ensure`` did and did not do, on stdout (the error line follows on stderr)."""
    sections = (
        ("applied", failure.applied),
        ("failed", [failure.failed]),
        ("not attempted", failure.remaining),
    )
    for title, items in sections:
        print(f"{title}:")
        for item in items:
            print("  " + item.describe().replace("\n", "\n  "))
        if not items:
            print("  (none)")
    print(
        f"{len(failure.applied)} applied, 1 failed, {len(failure.remaining)} not attempted",
    )


def _ensure(args: argparse.Namespace) -> int:
    desired = _desired(args.file)
    with client_for(args) as client:
        try:
            plan = client.channels.ensure(desired, prune=args.prune, dry_run=args.dry_run)
        except EnsureError as failure:
            if args.json:
                print_json(_plan_json(failure.plan, dry_run=False, failure=failure))
            else:
                _print_stopped(failure)
            sys.stdout.flush()
            raise
    if args.json:
        print_json(_plan_json(plan, dry_run=args.dry_run, failure=None))
        return 0
    print(plan.describe())
    return 0
