"""Events per second of the flexconv receiver against a bare Starlette endpoint.

One uvicorn (in a child process, see ``_server.py``) serves three routes side by side:

- ``/bare``: a Starlette endpoint that reads the form and calls twilio's ``RequestValidator``,
  nothing else (no typed event, no de-duplication, no handler);
- ``/memory/…``: ``Receiver(...).asgi()`` mounted with the default in-memory store: signature,
  typed event, claim/finish in the store, per-task lock, one async handler;
- ``/redis/…``: the same receiver with a ``RedisStore`` (a ``redis-server`` started here on a
  free loopback port; skipped when the binary or redis-py is missing).

Every request is a distinct, signed ``reservation.created`` callback (about 1 KB of form, as
TaskRouter sends it) with its own idempotency token.  A small raw-socket client keeps
``--connections`` keep-alive connections busy; variants run interleaved, in rotated order, for
``--rounds`` rounds, and the table shows the median events per second and the ratio to the bare
endpoint.  Every answer is checked (204 expected) outside the timed region: a variant that
refused requests cannot post a flattering figure.  Exit status 0 whatever the ratios.

    python benchmarks/bench_events.py [--quick] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._server import LoopbackServer  # noqa: E402

TOKEN = "0123456789abcdef0123456789abcdef"


def make_app(redis_url: str | None = None) -> Any:
    """The Starlette app served in the child process."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Mount, Route
    from twilio.request_validator import RequestValidator

    from flexconv.events import Receiver, RedisStore

    validator = RequestValidator(TOKEN)

    async def bare(request: Request) -> Response:
        body = await request.body()
        params = dict(urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        signature = request.headers.get("x-twilio-signature", "")
        if not validator.validate(str(request.url), params, signature):
            return Response(status_code=403)
        return Response(status_code=204)

    handled = 0

    async def on_event(event: Any) -> None:
        nonlocal handled
        handled += 1

    memory = Receiver(TOKEN)
    memory.on("*")(on_event)
    routes: list[Any] = [
        Route("/bare", bare, methods=["POST"]),
        Mount("/memory", app=memory.asgi()),
    ]
    if redis_url:
        redis = Receiver(TOKEN, store=RedisStore(redis_url, prefix=f"bench:{uuid.uuid4().hex}:"))
        redis.on("*")(on_event)
        routes.append(Mount("/redis", app=redis.asgi()))
    return Starlette(routes=routes)


def _form(n: int) -> list[tuple[str, str]]:
    task = f"WT{uuid.uuid4().hex}"
    return [
        ("Sid", f"EV{uuid.uuid4().hex}"),
        ("EventType", "reservation.created"),
        ("AccountSid", "AC" + "a" * 32),
        ("WorkspaceSid", "WS" + "b" * 32),
        ("WorkspaceName", "Flex Task Assignment"),
        ("EventDescription", f"Reservation WR{n:032x} created for Worker alice"),
        ("ResourceType", "reservation"),
        ("ResourceSid", f"WR{n:032x}"),
        ("Timestamp", str(1_700_000_000 + n)),
        ("TaskSid", task),
        (
            "TaskAttributes",
            json.dumps(
                {
                    "conversationSid": f"CH{uuid.uuid4().hex}",
                    "channelType": "sms",
                    "from": "+15005550001",
                    "autoAnswer": "true",
                    "customers": {"phone": "+15005550001", "name": "Pat"},
                }
            ),
        ),
        ("TaskAge", "2"),
        ("TaskPriority", "0"),
        ("TaskAssignmentStatus", "reserved"),
        ("TaskChannelSid", "TC" + "c" * 32),
        ("TaskChannelUniqueName", "chat"),
        ("TaskQueueSid", "WQ" + "d" * 32),
        ("TaskQueueName", "Everyone"),
        ("WorkflowSid", "WW" + "e" * 32),
        ("WorkflowName", "Assign to Anyone"),
        ("ReservationSid", f"WR{n:032x}"),
        ("WorkerSid", "WK" + "f" * 32),
        ("WorkerName", "alice"),
        (
            "WorkerAttributes",
            json.dumps({"contact_uri": "client:alice", "routing": {"skills": ["support"]}}),
        ),
        ("WorkerActivitySid", "WA" + "1" * 32),
        ("WorkerActivityName", "Available"),
    ]


def _requests(base: str, path: str, count: int, start: int) -> list[bytes]:
    from twilio.request_validator import RequestValidator

    validator = RequestValidator(TOKEN)
    host = base.split("://", 1)[1]
    url = base + path
    out = []
    for i in range(count):
        form = _form(start + i)
        body = urllib.parse.urlencode(form).encode()
        signature = validator.compute_signature(url, dict(form))
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {host}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\nX-Twilio-Signature: {signature}\r\n"
            f"I-Twilio-Idempotency-Token: {uuid.uuid4()}\r\nUser-Agent: TwilioProxy/1.1\r\n\r\n"
        )
        out.append(head.encode("latin-1") + body)
    return out


async def _drive(port: int, requests: list[bytes], connections: int) -> tuple[float, list[int]]:
    """Send every request over ``connections`` keep-alive connections; (seconds, statuses)."""
    statuses: list[int] = []
    queue = list(reversed(requests))

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        while queue:
            writer.write(queue.pop())
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if length:
                await reader.readexactly(length)
            statuses.append(status)
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    return time.perf_counter() - started, statuses


def _start_redis() -> tuple[subprocess.Popen[bytes], str, tempfile.TemporaryDirectory[str]] | None:
    binary = shutil.which("redis-server")
    try:
        import redis  # noqa: F401
    except ImportError:
        return None
    if binary is None:
        return None
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    workdir = tempfile.TemporaryDirectory()
    proc = subprocess.Popen(
        [
            binary,
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            workdir.name,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return proc, f"redis://127.0.0.1:{port}/0", workdir
        except OSError:
            time.sleep(0.05)
    proc.kill()
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run (noisy figures)")
    parser.add_argument("--json", action="store_true", help="results as JSON on stdout")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=1500, help="per variant and round")
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.requests = 2, 200
    redis = _start_redis()
    if redis is None:
        print("redis-server or redis-py missing: the Redis variant is skipped", file=sys.stderr)
    os.environ.setdefault("PYTHONPATH", str(ROOT))
    paths = {"bare": "/bare", "memory": "/memory/events"}
    if redis is not None:
        paths["redis"] = "/redis/events"
    failures = 0
    rates: dict[str, list[float]] = {name: [] for name in paths}
    try:
        with LoopbackServer.asgi(
            "benchmarks.bench_events:make_app", redis_url=redis[1] if redis else None
        ) as server:
            names = list(paths)
            counter = 0
            warm = _requests(server.url, paths["memory"], 50, 10**9)
            asyncio.run(_drive(server.port, warm, args.connections))
            for round_no in range(args.rounds):
                order = names[round_no % len(names) :] + names[: round_no % len(names)]
                for name in order:
                    batch = _requests(server.url, paths[name], args.requests, counter)
                    counter += args.requests
                    seconds, statuses = asyncio.run(_drive(server.port, batch, args.connections))
                    bad = [s for s in statuses if s != 204]
                    if bad or len(statuses) != len(batch):
                        failures += 1
                        print(
                            f"{name}: {len(bad)} answers were not 204: {bad[:5]}", file=sys.stderr
                        )
                    rates[name].append(len(batch) / seconds)
                    print(
                        f"round {round_no + 1} {name}: {len(batch) / seconds:,.0f}/s",
                        file=sys.stderr,
                    )
    finally:
        if redis is not None:
            redis[0].terminate()
            redis[0].wait(10)
            redis[2].cleanup()
    medians = {name: statistics.median(values) for name, values in rates.items()}
    result = {
        name: {
            "events_per_s": round(medians[name]),
            "ratio_to_bare": round(medians[name] / medians["bare"], 3),
        }
        for name in medians
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{'variant':<10}{'events/s':>12}{'x bare':>10}")
        for name, row in result.items():
            print(f"{name:<10}{row['events_per_s']:>12,}{row['ratio_to_bare']:>10.2f}")
        print("goal: memory >= 0.80x bare")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
