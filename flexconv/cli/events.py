"""``flexconv events``: run a receiver for Twilio's callbacks with the lifecycle policies, and
point the account's callbacks at it.

    flexconv events serve --port 8000 --auto-accept --janitor --public-url https://hooks.example.com
    flexconv events wire https://hooks.example.com --dry-run
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

from flexconv._core.redelivery import DEFAULT_RETRY_COUNT, DEFAULT_RETRY_ON

if TYPE_CHECKING:
    from flexconv.lifecycle import ChannelRules
from flexconv.cli._common import EXIT_USAGE, CliError, client_for, print_json, target_options

__all__ = ["build_receiver", "open_store", "register"]


def register(subparsers: Any) -> None:
    """Add the ``events`` sub-command group."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "events",
        help="receive Twilio's callbacks (auto-accept, janitor) and wire the account to them",
        description="Run a receiver for TaskRouter and Conversations callbacks with the "
        "lifecycle policies, or point the account's callbacks at one.",
    )
    actions = parser.add_subparsers(dest="events_action", metavar="ACTION")
    parser.set_defaults(handler=lambda args: _usage(parser, args))

    serve = actions.add_parser(
        "serve",
        parents=[target_options()],
        help="run a receiver with uvicorn",
        description="Serve a receiver (ASGI, uvicorn) that checks Twilio's signatures, runs each "
        "event once and applies the policies you switch on.  Signed with TWILIO_AUTH_TOKEN; the "
        "policies call Twilio (or --base-url) with the TWILIO_* credentials.",
    )
    serve.add_argument("--port", required=True, metavar="N", help="the port to listen on")
    serve.add_argument("--host", default="127.0.0.1", help="the address (default 127.0.0.1)")
    serve.add_argument(
        "--public-url",
        metavar="URL",
        help="the URL Twilio calls, when this server sees another (a proxy, a tunnel)",
    )
    serve.add_argument(
        "--auto-accept",
        action="store_true",
        help='accept reservations whose task has autoAnswer "true", from the backend',
    )
    serve.add_argument(
        "--janitor",
        action="store_true",
        help="close conversations left open without a task",
    )
    serve.add_argument(
        "--janitor-message",
        metavar="TEXT",
        help="what the janitor tells the customer before closing",
    )
    serve.add_argument(
        "--overrides",
        choices=("close", "leave_open"),
        help="add agents of custom tasks on accept; on completion close the conversation or "
        "leave it open",
    )
    serve.add_argument(
        "--wrapup",
        choices=("keep_agent", "remove_agent"),
        help="with --overrides: at wrap-up keep the agent in the conversation (default) or "
        "remove them",
    )
    serve.add_argument(
        "--wrapup-message",
        metavar="TEXT",
        help="with --overrides: what is posted to the conversation when its task wraps up",
    )
    serve.add_argument(
        "--complete-message",
        metavar="TEXT",
        help="with --overrides: what is posted to the conversation when its task completes",
    )
    serve.add_argument(
        "--store",
        default="memory",
        metavar="URL",
        help="where de-duplication records and locks live: memory (default), "
        "sqlite:///path/to/file or redis://host:port/db",
    )
    serve.set_defaults(handler=_serve)

    wire = actions.add_parser(
        "wire",
        parents=[target_options()],
        help="point the workspace's and Conversations' callbacks at a URL",
        description="Set the workspace's EventCallbackUrl and EventsFilter, optionally workflows' "
        "AssignmentCallbackUrl, and the Conversations post-event webhook to URL, changing only "
        "what differs.",
    )
    wire.add_argument("url", help="the receiver's public URL")
    wire.add_argument(
        "--workflow",
        action="append",
        default=[],
        metavar="WW...",
        help="also send this workflow's assignment callbacks there (repeatable)",
    )
    wire.add_argument("--fallback-url", metavar="URL", help="the workflows' fallback URL")
    wire.add_argument(
        "--no-conversations",
        action="store_true",
        help="leave the Conversations webhooks alone",
    )
    wire.add_argument(
        "--retry-count",
        type=int,
        default=DEFAULT_RETRY_COUNT,
        metavar="N",
        help="Twilio's rc override on the TaskRouter URLs: times a failed callback is sent "
        "again, 0-5 (default %(default)s; a URL with its own #fragment keeps it)",
    )
    wire.add_argument(
        "--retry-on",
        default=",".join(DEFAULT_RETRY_ON),
        metavar="LIST",
        help="Twilio's rp override: which failures are sent again, of ct,rt,4xx,5xx or all "
        "(default %(default)s)",
    )
    wire.add_argument("--dry-run", action="store_true", help="print the changes, write nothing")
    wire.set_defaults(handler=_wire)


def _usage(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from flexconv.cli._common import usage

    return usage(parser, args)


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        port = 0
    if not 0 < port < 65536:
        raise CliError(f"--port takes a number from 1 to 65535, got {value!r}", EXIT_USAGE)
    return port


def open_store(url: str) -> Any:
    """The store a ``--store`` value names: ``memory``, ``sqlite:///path`` or ``redis://…``."""
    from flexconv.events import MemoryStore, RedisStore, SQLiteStore

    if url == "memory":
        return MemoryStore()
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///") :]
        if not path:
            raise CliError(
                "--store sqlite:/// needs a file path: sqlite:///var/flexconv.db", EXIT_USAGE
            )
        return SQLiteStore(path)
    if url.startswith(("redis://", "rediss://", "unix://")):
        try:
            import redis  # noqa: F401
        except ImportError:
            raise CliError(
                "--store redis://... needs redis-py: pip install 'flexconv[redis]'", EXIT_USAGE
            ) from None
        return RedisStore(url)
    raise CliError(
        f"--store takes memory, sqlite:///path or redis://host:port/db, got {url!r}", EXIT_USAGE
    )


#: The ``serve`` flags that set the task overrides' `ChannelRules`: flag, field, args dest.
_OVERRIDE_FLAGS = (
    ("--overrides", "on_complete", "overrides"),
    ("--wrapup", "on_wrapup", "wrapup"),
    ("--wrapup-message", "wrapup_message", "wrapup_message"),
    ("--complete-message", "complete_message", "complete_message"),
)


def _channel_rules(args: argparse.Namespace) -> ChannelRules | None:
    """The task overrides' rules from the ``serve`` flags (``None`` without ``--overrides``);
    a flag ChannelRules refuses, or one given without ``--overrides``, is a usage error naming
    it.  Flags not given keep ChannelRules' defaults."""
    from flexconv.lifecycle import ChannelRules

    given = {
        flag: (field, getattr(args, dest))
        for flag, field, dest in _OVERRIDE_FLAGS
        if getattr(args, dest) is not None
    }
    if not args.overrides:
        for flag in given:
            raise CliError(
                f"{flag} applies to the task overrides: add --overrides close (or leave_open)",
                EXIT_USAGE,
            )
        return None
    for flag, (field, value) in given.items():
        try:  # one flag at a time, so the error names it
            ChannelRules(**{field: value})
        except ValueError as exc:
            raise CliError(f"{flag}: {exc}", EXIT_USAGE) from None
    return ChannelRules(**{field: value for field, value in given.values()})


def _token() -> str:
    token = os.environ.get("TWILIO_AUTH_TOKEN")
    if not token:
        raise CliError(
            "TWILIO_AUTH_TOKEN is not set: the receiver checks Twilio's signatures with the "
            "account's auth token",
            EXIT_USAGE,
        )
    return token


def build_receiver(
    args: argparse.Namespace, client: Any, store: Any, rules: ChannelRules | None
) -> Any:
    """The receiver ``serve`` runs: signed with ``TWILIO_AUTH_TOKEN``, the policies asked for
    (``rules``: the task overrides', from `_channel_rules`)."""
    from flexconv.events import Receiver
    from flexconv.lifecycle import auto_accept, janitor, overrides

    receiver = Receiver(_token(), public_url=args.public_url, store=store, client=client)
    if args.auto_accept:
        receiver.use(auto_accept())
    if rules is not None:
        receiver.use(overrides(rules))
    if args.janitor or args.janitor_message:
        receiver.use(janitor(message=args.janitor_message))
    return receiver


def _serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn
    except ImportError:
        raise CliError(
            "events serve needs uvicorn: pip install 'flexconv[emulator]' (or uvicorn)",
            EXIT_USAGE,
        ) from None
    if args.emulator:
        raise CliError(
            "events serve --emulator: an in-process emulator cannot call this server; serve one "
            "(`flexconv emulator serve`) and pass --base-url",
            EXIT_USAGE,
        )
    _token()
    _port(args.port)
    rules = _channel_rules(args)
    store = open_store(args.store)  # every refusal before anything is opened or sent
    client = client_for(args)
    try:
        receiver = build_receiver(args, client, store, rules)
        policies = [
            name
            for name, on in (
                ("auto-accept", args.auto_accept),
                ("overrides", bool(args.overrides)),
                ("janitor", args.janitor or bool(args.janitor_message)),
            )
            if on
        ]
        where = f"http://{args.host}:{args.port}"
        if args.json:
            print_json({"url": where, "public_url": args.public_url, "policies": policies})
        else:
            print(
                f"flexconv events: receiving on {where} "
                f"(policies: {', '.join(policies) or 'none'}; store: {args.store.split('://')[0]})",
                flush=True,
            )
        sys.stdout.flush()
        uvicorn.run(
            receiver.asgi(),
            host=args.host,
            port=_port(args.port),
            log_level="debug" if args.verbose > 1 else "info" if args.verbose else "warning",
            lifespan="on",
        )
    finally:
        client.close()
    return 0


def _wire(args: argparse.Namespace) -> int:
    from flexconv._core.redelivery import check_retry_count, check_retry_on
    from flexconv.lifecycle import Wiring

    try:  # refused before anything is sent
        check_retry_count(args.retry_count)
    except ValueError as exc:
        raise CliError(f"--retry-count: {exc}", EXIT_USAGE) from None
    try:
        retry_on = check_retry_on([c.strip() for c in args.retry_on.split(",") if c.strip()])
    except ValueError as exc:
        raise CliError(f"--retry-on: {exc}", EXIT_USAGE) from None
    with client_for(args) as client:
        plan = Wiring(client, retry_count=args.retry_count, retry_on=retry_on).ensure(
            args.url,
            workflows=args.workflow,
            fallback_url=args.fallback_url,
            conversations=not args.no_conversations,
            dry_run=args.dry_run,
        )
    if args.json:
        print_json(plan.to_json())
    else:
        print(plan.diff())
        if plan.changes and not args.dry_run:
            print(f"applied {len(plan.changes)} change(s)")
    return 0
