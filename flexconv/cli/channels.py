"""``flexconv channels``: list, show and declaratively ensure Conversations addresses."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flexconv._core.channels import ADDRESS_TYPES, desired_from_mapping
from flexconv._core.errors import ConfigurationError, ValidationError
from flexconv.cli._common import client_for, target_options, usage

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
    parser.set_defaults(handler=lambda args: usage(parser))

    p_list = sub.add_parser("list", parents=[parent], help="list address configurations")
    p_list.add_argument("--type", choices=ADDRESS_TYPES, help="only this address type")
    p_list.add_argument("--json", action="store_true", help="print JSON")
    p_list.set_defaults(handler=_list)

    p_show = sub.add_parser("show", parents=[parent], help="show one address configuration")
    p_show.add_argument("address", metavar="ADDRESS", help="the address or its IG… SID")
    p_show.add_argument("--json", action="store_true", help="print JSON")
    p_show.set_defaults(handler=_show)

    p_ensure = sub.add_parser(
        "ensure",
        parents=[parent],
        help="create or update addresses to match a YAML or JSON file",
        description="Bring address configurations to the state FILE describes (YAML or JSON: a "
        "list of addresses, or a mapping with an 'addresses' list) and print the plan.",
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
        print(json.dumps([a.to_dict() for a in items], indent=2))
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
    with client_for(args) as client:
        address = client.channels.fetch(args.address)
    if args.json:
        print(json.dumps(address.to_dict(), indent=2))
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


def _load(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValidationError(f"Cannot read {path}: {exc.strerror}") from None
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except ValueError as exc:
            raise ValidationError(f"{path} is not valid JSON: {exc}") from None
    try:
        import yaml
    except ImportError:
        if path.suffix.lower() in (".yaml", ".yml"):
            raise ConfigurationError(
                "Reading YAML needs PyYAML: pip install 'flexconv[yaml]' (or use a .json file)"
            ) from None
        try:
            return json.loads(text)
        except ValueError as exc:
            raise ValidationError(f"{path} is not valid JSON: {exc}") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValidationError(f"{path} is not valid YAML: {exc}") from None


def _ensure(args: argparse.Namespace) -> int:
    desired = desired_from_mapping(_load(Path(args.file)))
    with client_for(args) as client:
        plan = client.channels.ensure(desired, prune=args.prune, dry_run=args.dry_run)
    print(plan.describe())
    sys.stdout.flush()
    return 0
