"""``flexconv emulator serve``: the Flex emulator on a loopback port."""

from __future__ import annotations

import argparse
import errno
import socket
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from flexconv.cli._common import EXIT_FAILURE, EXIT_USAGE, CliError, load_document, print_json

if TYPE_CHECKING:
    from flexconv.emulator import Emulator


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
        type=_max_body,
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


def _max_body(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of bytes, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of bytes above 0, got {text!r}")
    return value


_SCENARIO_LISTS = ("flows", "addresses")
_SCENARIO_MAPPINGS = ("workspace", "flex", "conversation_webhooks")


def _check_scenario(data: Any, path: str) -> Mapping[str, Any]:
    """The scenario's shape, checked enough to name the key at fault before seeding."""
    where = f"--scenario {path}"
    if not isinstance(data, Mapping):
        raise CliError(
            f"{where}: expected a mapping with keys such as workspace, flex, flows, addresses; "
            f"got {type(data).__name__}",
            EXIT_USAGE,
        )
    for key in _SCENARIO_MAPPINGS:
        if data.get(key) is not None and not isinstance(data[key], Mapping):
            raise CliError(f"{where}: {key} must be a mapping", EXIT_USAGE)
    for key in _SCENARIO_LISTS:
        entries = data.get(key)
        if entries is None:
            continue
        if not isinstance(entries, list):
            raise CliError(f"{where}: {key} must be a list", EXIT_USAGE)
        for n, entry in enumerate(entries):
            if not isinstance(entry, Mapping):
                raise CliError(f"{where}: {key}[{n}] must be a mapping", EXIT_USAGE)
            needed = ("friendly_name",) if key == "flows" else ("type", "address")
            for name in needed:
                if name not in entry:
                    raise CliError(f"{where}: {key}[{n}] needs {name!r}", EXIT_USAGE)
    return data


def _seeded(args: argparse.Namespace, creds: dict[str, Any]) -> Emulator:
    from flexconv.emulator import Emulator
    from flexconv.emulator._base import ApiError

    if args.scenario is None:
        return Emulator(args.seed, **creds)
    if args.scenario == "default":
        return Emulator.from_scenario(seed=args.seed, **creds)
    scenario = _check_scenario(load_document(args.scenario, "--scenario"), args.scenario)
    try:
        return Emulator.from_scenario(scenario, seed=args.seed, **creds)
    except KeyError as exc:
        problem = f"a {exc.args[0]!r} key is missing" if exc.args else "a key is missing"
    except ApiError as exc:
        problem = exc.message
    except (TypeError, ValueError, AttributeError) as exc:
        problem = str(exc)
    raise CliError(f"--scenario {args.scenario}: {problem}", EXIT_USAGE)


def _check_port(host: str, port: int) -> None:
    """Refuse a port another process listens on, before printing that the server is up."""
    if not 1 <= port <= 65535:
        raise CliError(f"--port {port}: expected 1-65535", EXIT_USAGE)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise CliError(f"--host {host}: {exc.strerror}", EXIT_USAGE) from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            sock.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise CliError(
                    f"port {port} on {host} is already in use: pick another with --port "
                    f"(e.g. --port {port + 1 if port < 65535 else 8080})",
                    EXIT_FAILURE,
                ) from None
            if exc.errno == errno.EACCES:
                raise CliError(
                    f"port {port} on {host}: permission denied; use --port 1024 or above",
                    EXIT_FAILURE,
                ) from None
            raise CliError(
                f"cannot listen on {host} port {port} ({exc.strerror}): check --host and --port",
                EXIT_FAILURE,
            ) from None


def _serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn  # noqa: F401
    except ImportError:
        raise CliError(
            "`flexconv emulator serve` needs the emulator extra (uvicorn): "
            "pip install 'flexconv[emulator]'",
            EXIT_FAILURE,
        ) from None
    from flexconv.emulator.server import MAX_BODY, serve

    creds = {"account_sid": args.account_sid, "auth_token": args.auth_token}
    emu = _seeded(args, creds)
    _check_port(args.host, args.port)
    url = f"http://{args.host}:{args.port}"
    control = f"{url}/_emulator/v1"
    if args.json:
        print_json(
            {
                "url": url,
                "account_sid": emu.account_sid,
                "auth_token": emu.auth_token,
                "clock": args.clock,
                "speed": args.speed,
                "control_url": control,
            }
        )
    else:
        token = "as given" if args.auth_token else f"{emu.auth_token} (an emulator-only credential)"
        clock = f"wall clock x{args.speed:g}" if args.clock == "wall" else "manual"
        print(
            f"flexconv emulator on {url}\n"
            f"  account SID  {emu.account_sid}\n"
            f"  auth token   {token}\n"
            f"  clock        {clock}\n"
            f"  FlexConv(account_sid, auth_token, base_url='{url}')\n"
            f"  control API  {control}/... (docs: emulator-control.md)",
            file=sys.stderr,
            flush=True,
        )
    levels = {0: "warning", 1: "info"}
    serve(
        emu,
        host=args.host,
        port=args.port,
        clock=args.clock,
        speed=args.speed,
        auto_tick=args.auto_tick,
        max_body=args.max_body if args.max_body is not None else MAX_BODY,
        log_level=levels.get(args.verbose, "debug"),
    )
    return 0
