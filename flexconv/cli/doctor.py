"""``flexconv doctor``: Twilio's messaging troubleshooting checklist for one flow, a scan of the
whole account, the rescue of orphaned conversations and the legacy-messaging check."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from flexconv._core.doctor.report import Check, Finding, ScanProgress, TraceReport
from flexconv.cli._common import EXIT_FAILURE, CliError, client_for, print_json, target_options

__all__ = ["register"]


def _scenario_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scenario",
        dest="doctor_scenario",
        metavar="NAME",
        help="with --emulator: seed a doctor scenario (planted-failures, orphans, conversations, "
        "legacy, mixed, failure:<name>)",
    )


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``flexconv doctor`` and its actions."""
    parent = target_options()
    parser = subparsers.add_parser(
        "doctor",
        parents=[parent],
        help="troubleshoot messaging: trace one flow, scan the account, rescue orphans",
        description="Walk Twilio's messaging troubleshooting checklist for one customer "
        "(--address) or conversation (--conversation) and print each step with its fix. "
        "Exit 0 when healthy, 1 when a problem was found.",
    )
    _scenario_option(parser)
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--address", metavar="ADDRESS", help="the customer's address (+1…)")
    who.add_argument("--conversation", metavar="CH…", help="a conversation SID")
    parser.add_argument("--flex-number", metavar="NUMBER", help="the number the customer wrote to")
    parser.set_defaults(handler=_trace)
    sub = parser.add_subparsers(dest="doctor_command", metavar="ACTION")

    p_scan = sub.add_parser(
        "scan",
        parents=[parent],
        help="classify every open conversation; progress on stderr, findings and a summary",
    )
    _scenario_option(p_scan)
    p_scan.add_argument("--rate", type=float, default=20, help="requests/s per endpoint (20)")
    p_scan.add_argument("--all", action="store_true", help="list healthy conversations too")
    p_scan.set_defaults(handler=_scan)

    p_rescue = sub.add_parser(
        "rescue",
        parents=[parent],
        help="send orphaned conversations to Flex (dry run unless --apply)",
    )
    _scenario_option(p_rescue)
    p_rescue.add_argument("--apply", action="store_true", help="create the interactions")
    p_rescue.add_argument("--workflow", metavar="WW…", help="route to this workflow")
    p_rescue.add_argument("--queue", metavar="WQ…", help="route to this queue")
    p_rescue.set_defaults(handler=_rescue)

    p_setup = sub.add_parser(
        "setup", parents=[parent], help="Flex Conversations, legacy messaging or a mix?"
    )
    _scenario_option(p_setup)
    p_setup.set_defaults(handler=_setup)


def _row(c: Check) -> str:
    line = f" {c.mark} {c.step or '·'} {c.title}"
    if c.status in ("failed", "warning"):
        line += f"\n     {c.problem}\n     fix: {c.fix}\n     docs: {c.docs}"
    return line


def _trace(args: argparse.Namespace) -> int:
    if not args.address and not args.conversation:
        raise CliError(
            "doctor: pass --address +1… or --conversation CH… (or an action: scan, rescue, setup)",
            2,
        )
    with client_for(args, auto_tick=True) as client:
        report: TraceReport = client.doctor.trace(
            args.address, conversation=args.conversation, flex_number=args.flex_number
        )
    if args.json:
        print_json(report.to_dict())
    else:
        print(f"Setup: {report.setup.kind}. {report.setup.advice}")
        print(f"Customer {report.address} → {report.flex_number or '?'}"
              + (f" ({report.conversation_sid})" if report.conversation_sid else ""))  # fmt: skip
        for c in report.account:
            print(_row(c))
        for c in report.checks:
            print(_row(c))
    return 0 if report.healthy else EXIT_FAILURE


def _progress(p: ScanProgress) -> None:
    problems = sum(n for k, n in p.counts.items() if k != "healthy")
    print(f"\rscanned {p.seen} conversations, {problems} problems", end="", file=sys.stderr)


def _scan(args: argparse.Namespace) -> int:
    with client_for(args) as client:
        scan = client.doctor.scan(rate=args.rate, include_healthy=args.all, on_progress=_progress)
        found: list[Finding] = []
        for f in scan:
            if args.json:
                found.append(f)
            else:
                print(f"{'✓' if f.healthy else '✗'} {f.kind:<24} {f.sid}  {f.problem or ''}")
        print(file=sys.stderr)
        summary = scan.summary
    if args.json:
        print_json({"findings": [f.to_dict() for f in found], "summary": summary.to_dict()})
    else:
        counts = ", ".join(f"{k} {n}" for k, n in summary.counts.items() if n)
        print(f"{summary.seen} conversations: {counts or 'nothing found'}")
    return 0 if summary.problems == 0 else EXIT_FAILURE


def _rescue(args: argparse.Namespace) -> int:
    with client_for(args, auto_tick=True) as client:
        plan = client.doctor.rescue(
            apply=args.apply, workflow_sid=args.workflow, queue_sid=args.queue
        )
    if args.json:
        print_json(plan.to_dict())
    else:
        verb = "created" if plan.applied else "would create"
        for a in plan.actions:
            what = a.interaction_sid or a.reason or ""
            print(f"{a.conversation_sid}  {a.action}  {what}")
        todo = sum(1 for a in plan.actions if a.action == "create_interaction")
        print(f"{len(plan.actions)} orphaned; {verb} {todo} interactions"
              + ("" if plan.applied else " (dry run: --apply to do it)"))  # fmt: skip
    pending = not plan.applied and any(a.action == "create_interaction" for a in plan.actions)
    return EXIT_FAILURE if pending else 0


def _setup(args: argparse.Namespace) -> int:
    with client_for(args) as client:
        setup: Any = client.doctor.fetch_setup()
    if args.json:
        print_json(setup.to_dict())
    else:
        print(f"{setup.kind}: {setup.advice}")
        for address, sid in setup.addresses.items():
            print(f"  address    {address}  {sid}")
        for name, sid in setup.flex_flows.items():
            print(f"  flex flow  {name}  {sid}")
    return 0 if setup.kind == "conversations" else EXIT_FAILURE
