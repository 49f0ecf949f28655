"""``flexconv interactions show KD…`` and ``flexconv route-to-agent CONVERSATION --worker …``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from flexconv._core.errors import ValidationError
from flexconv._core.sids import check_sid, is_sid
from flexconv.cli._common import client_for, print_json, target_options, usage

if TYPE_CHECKING:
    from flexconv._sync.client import FlexConv

__all__ = ["register"]

#: The friendly name of the workflow ``route-to-agent`` creates when none is given.
KNOWN_AGENT_WORKFLOW = "flexconv: last agent, then queue"


def _target_parent() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False, parents=[target_options()])
    parent.add_argument(
        "--workspace",
        metavar="WS_SID",
        help="TaskRouter workspace (default: the Flex Configuration's taskrouter_workspace_sid)",
    )
    return parent


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``flexconv interactions`` and ``flexconv route-to-agent``."""
    parent = _target_parent()
    parser = subparsers.add_parser(
        "interactions",
        help="Flex interactions: channels, participants, invites and tasks",
        description="Inspect Flex interactions.",
    )
    sub = parser.add_subparsers(dest="interactions_command", metavar="ACTION")
    parser.set_defaults(handler=lambda args: usage(parser, args))
    p_show = sub.add_parser(
        "show",
        parents=[parent],
        help="one interaction: channels, participants, invites and tasks in one view",
    )
    p_show.add_argument("interaction", metavar="KD_SID", help="the interaction SID (KD…)")
    p_show.set_defaults(handler=_show)

    p_route = subparsers.add_parser(
        "route-to-agent",
        parents=[parent],
        help="route a conversation to a specific agent, falling back to a queue",
        description="Create an interaction for CONVERSATION routed through a known-agent "
        "workflow: the named worker is offered the task first; after --timeout seconds anyone "
        "in the queue may take it.",
    )
    p_route.add_argument("conversation", metavar="CONVERSATION", help="the conversation (CH…)")
    p_route.add_argument(
        "--worker", required=True, metavar="NAME_OR_SID", help="worker friendly name or WK SID"
    )
    p_route.add_argument(
        "--workflow",
        metavar="WW_SID",
        help=f"a known-agent workflow (default: find or create {KNOWN_AGENT_WORKFLOW!r})",
    )
    p_route.add_argument(
        "--queue",
        metavar="WQ_SID",
        help="fallback queue for a created workflow (default: Flex's target task queue)",
    )
    p_route.add_argument("--timeout", type=int, default=60, help="seconds for the agent (60)")
    p_route.add_argument("--channel-type", default="sms", help="interaction channel type (sms)")
    p_route.add_argument("--task-channel", default="chat", help="task channel unique name (chat)")
    p_route.add_argument("--no-wait", action="store_true", help="do not wait for the channel")
    p_route.set_defaults(handler=_route)


def _workspace(client: FlexConv, args: argparse.Namespace) -> str:
    if args.workspace:
        return check_sid(args.workspace, "WS", "--workspace")
    ws = client.configuration.fetch().taskrouter_workspace_sid
    if not ws:
        raise ValidationError("No TaskRouter workspace in the Flex Configuration: pass --workspace")
    return ws


def _show(args: argparse.Namespace) -> int:
    check_sid(args.interaction, "KD", "KD_SID")
    with client_for(args, auto_tick=True) as client:
        inter = client.interactions.fetch(args.interaction)
        ws = _workspace(client, args)
        channels: list[dict[str, Any]] = []
        for ch in client.interactions.channels.list(args.interaction):
            sid = ch.sid or ""
            channels.append(
                {
                    "channel": ch,
                    "participants": client.interactions.participants.list(
                        args.interaction, sid
                    ).to_list(),
                    "invites": client.interactions.invites.list(args.interaction, sid).to_list(),
                }
            )
        listed = client.routing.tasks.list(
            evaluate_task_attributes=f"flexInteractionSid == '{args.interaction}'",
            workspace_sid=ws,
        ).to_list()
        tasks = [client.routing.tasks.fetch(t.sid or "", workspace_sid=ws) for t in listed]
    if args.json:
        out: dict[str, Any] = {
            "interaction": inter.to_dict(),
            "channels": [
                {
                    **c["channel"].to_dict(),
                    "participants": [p.to_dict() for p in c["participants"]],
                    "invites": [i.to_dict() for i in c["invites"]],
                }
                for c in channels
            ],
            "tasks": [t.to_dict() for t in tasks],
        }
        print_json(out)
        return 0
    print(f"interaction {inter.sid}")
    media = (inter.channel or {}).get("properties", {}).get("media_channel_sid")
    if media:
        print(f"  conversation    {media}")
    for c in channels:
        ch = c["channel"]
        line = f"  channel {ch.sid}  {ch.type}  {ch.status}"
        if ch.error_code is not None:
            line += f"  error {ch.error_code}: {ch.error_message}"
        print(line)
        for p in c["participants"]:
            print(f"    participant {p.sid}  {p.type}")
        for i in c["invites"]:
            props = (i.routing or {}).get("properties", {})
            who = props.get("worker_sid") or props.get("queue_sid") or "?"
            print(f"    invite {i.sid}  to {who}")
    if not tasks:
        print("  no open or recent task")
    for t in tasks:
        print(
            f"  task {t.sid}  {t.assignment_status}  queue {t.task_queue_friendly_name or '-'}"
            f"  channel {t.task_channel_unique_name or '-'}"
        )
    return 0


def _route(args: argparse.Namespace) -> int:
    from flexconv.models.interactions import RoutingSpec
    from flexconv.models.routing import last_agent_then_queue

    check_sid(args.conversation, "CH", "CONVERSATION")
    if args.workflow is not None:
        check_sid(args.workflow, "WW", "--workflow")
    if args.queue is not None:
        check_sid(args.queue, "WQ", "--queue")
    if args.timeout < 1:
        raise ValidationError("--timeout must be at least 1 second")
    with client_for(args, auto_tick=True) as client:
        ws = _workspace(client, args)
        worker = client.routing.workers.resolve(args.worker, workspace_sid=ws)
        workflow = args.workflow
        if workflow is None:
            queue = args.queue or client.configuration.fetch().taskrouter_target_taskqueue_sid
            if not queue or not is_sid(queue, "WQ"):
                raise ValidationError("No fallback queue: pass --queue WQ… or --workflow WW…")
            config = last_agent_then_queue(queue, timeout=args.timeout)
            existing = client.routing.workflows.list(
                friendly_name=KNOWN_AGENT_WORKFLOW, workspace_sid=ws
            )
            found = next(iter(existing), None)
            if found is None:
                workflow = client.routing.workflows.create(
                    KNOWN_AGENT_WORKFLOW, config, workspace_sid=ws
                ).sid
            else:
                workflow = client.routing.workflows.update(
                    found.sid or "",
                    configuration=config,
                    workspace_sid=ws,
                ).sid
        inter = client.interactions.create_for_conversation(
            args.conversation,
            RoutingSpec(
                workspace_sid=ws,
                workflow_sid=workflow,
                task_channel_unique_name=args.task_channel,
                attributes={"last_agent_sid": worker.sid},
            ),
            channel_type=args.channel_type,
            wait=not args.no_wait,
        )
    if args.json:
        print_json({"interaction": inter.to_dict(), "workflow_sid": workflow})
        return 0
    print(f"interaction {inter.sid}  channel {inter.channel_sid}")
    print(f"routed to {worker.friendly_name} ({worker.sid}) through workflow {workflow}")
    return 0
