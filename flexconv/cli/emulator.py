"""``flexconv emulator serve``: the Flex emulator on a loopback port."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    """Add the ``emulator`` sub-command group."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "emulator", help="run the local Flex emulator", description="The local Flex emulator."
    )
    sub = parser.add_subparsers(dest="emulator_command", metavar="ACTION", required=True)
    serve = sub.add_parser(
        "serve",
        help="serve the emulator over HTTP on loopback",
        description="Serve the emulator (ASGI, needs the 'emulator' extra) routing by Host "
        "header (conversations.twilio.com ...) or by path prefix (/conversations/v1/...).",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    serve.add_argument("--seed", type=int, default=0, help="seed for SIDs and faults")
    serve.add_argument("--account-sid", help="the emulated account's SID (default: generated)")
    serve.add_argument(
        "--auth-token", help="the emulated account's auth token (default: generated)"
    )
    serve.add_argument(
        "--scenario",
        help="a JSON (or YAML) scenario file to seed; 'default' for the small contact centre",
    )
    serve.add_argument(
        "--clock",
        choices=["wall", "manual"],
        default="wall",
        help="'wall' (default): the virtual clock starts now and follows the wall clock, so "
        "Flex's set-up, routing, timeouts and timers happen on their own; 'manual': time moves "
        "only through the control API (POST /_emulator/v1/Clock/Advance)",
    )
    serve.add_argument(
        "--speed",
        type=_speed,
        default=1.0,
        help="with --clock wall: virtual seconds per wall second (e.g. 60: a minute a second)",
    )
    serve.add_argument(
        "--auto-tick",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="run what is due on the clock before each request, so a poll right after a "
        "change sees its effects (default: on)",
    )
    serve.add_argument(
        "--max-body",
        type=int,
        default=None,
        metavar="BYTES",
        help="refuse request bodies larger than this with 413 (default 4 MiB)",
    )
    serve.set_defaults(handler=_serve)


def _speed(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number above 0, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a number above 0, got {text!r}")
    return value


def _load_scenario(path: str) -> Any:
    text = Path(path).read_text()
    if path.endswith((".yaml", ".yml")):
        import yaml

        return yaml.safe_load(text)
    return json.loads(text)


def _serve(args: argparse.Namespace) -> int:
    from flexconv.emulator import Emulator
    from flexconv.emulator.server import MAX_BODY, serve

    creds = {"account_sid": args.account_sid, "auth_token": args.auth_token}
    if args.scenario == "default":
        emu = Emulator.from_scenario(seed=args.seed, **creds)
    elif args.scenario:
        emu = Emulator.from_scenario(_load_scenario(args.scenario), seed=args.seed, **creds)
    else:
        emu = Emulator(args.seed, **creds)
    token = "as given" if args.auth_token else f"{emu.auth_token} (an emulator-only credential)"
    base = f"http://{args.host}:{args.port}"
    clock = f"wall clock x{args.speed:g}" if args.clock == "wall" else "manual"
    print(
        f"flexconv emulator on {base}\n"
        f"  account SID  {emu.account_sid}\n"
        f"  auth token   {token}\n"
        f"  clock        {clock}\n"
        f"  FlexConv(account_sid, auth_token, base_url='{base}')\n"
        f"  control API  {base}/_emulator/v1/... (see docs/emulator-control.md)",
        file=sys.stderr,
        flush=True,
    )
    serve(
        emu,
        host=args.host,
        port=args.port,
        clock=args.clock,
        speed=args.speed,
        auto_tick=args.auto_tick,
        max_body=args.max_body if args.max_body is not None else MAX_BODY,
    )
    return 0
