"""Emulator benchmark: throughput in-process against over loopback, side by side in one run.

Two workloads, each driven by the same flexconv client code against two transports:

- **fetch**: ``client.configuration.fetch()`` (one GET of the Flex Configuration);
- **fetch, c=16**: the same fetch from 16 concurrent tasks of the async client (``AsyncFlexConv``),
  the shape of an integration suite or a backend under load;
- **workflow**: an inbound conversation up to the agent's acceptance: create a conversation, add
  the customer's SMS binding, create the interaction (Send to Flex), find the task's pending
  reservation and accept it (7 requests).  The task is then completed, untimed, so the agents
  are free for the next one.

In-process, the client calls ``Emulator.handle`` directly (no sockets).  Over loopback, the
server is ``flexconv emulator serve`` itself in a child process (manual clock, ``--auto-tick``),
so client and server run on separate cores.  Rounds of the two modes are interleaved; the figures
are medians per round and the ratio loopback / in-process (time per request; the last column
of the table is its inverse for throughput, i.e. loopback's share of the in-process rate).

    python benchmarks/bench_emulator.py            # full run
    python benchmarks/bench_emulator.py --quick    # smoke run
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(REPO)]

ACCOUNT_SID = "AC" + "fedcba9876543210" * 2
AUTH_TOKEN = "e" * 32
SEED = 7


def seeded_emulator() -> Any:
    """The default small contact centre; the same seed gives the same SIDs in every process."""
    from flexconv.emulator import Emulator

    emu = Emulator.from_scenario(seed=SEED, account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN)
    emu.auto_tick = True  # interaction channels leave "setup" before the next request
    return emu


class Served:
    """``flexconv emulator serve`` in a child process on a free loopback port (a context manager).

    The same seed, scenario and credentials as :func:`seeded_emulator`, a manual clock and
    ``--auto-tick``, so both modes see the same account and the same timing rules.
    """

    def __init__(self) -> None:
        self.proc: subprocess.Popen[bytes] | None = None
        self.url = ""

    def __enter__(self) -> Served:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        self.url = f"http://127.0.0.1:{port}"
        command = [sys.executable, "-m", "flexconv", "emulator", "serve", "--port", str(port),
                   "--seed", str(SEED), "--scenario", "default", "--clock", "manual",
                   "--auto-tick", "--account-sid", ACCOUNT_SID, "--auth-token", AUTH_TOKEN]  # fmt: skip
        self.proc = subprocess.Popen(command, cwd=REPO, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return self
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    self.__exit__()
                    raise SystemExit("flexconv emulator serve did not start") from None
                time.sleep(0.05)

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc = None


class Workload:
    """The client-side steps, identical for both transports."""

    def __init__(self, client: Any, seeded: Any) -> None:
        from flexconv.models.interactions import RoutingSpec

        self.client = client
        self.ws = seeded.workspace_sid
        self.routing = RoutingSpec(
            workspace_sid=self.ws,
            workflow_sid=seeded.workflows["Assign to Anyone"],
            task_channel_unique_name="chat",
        )
        self.customers = 0

    def fetch(self) -> None:
        config = self.client.configuration.fetch()
        if config.account_sid != ACCOUNT_SID:
            raise SystemExit(f"wrong account in the configuration: {config.account_sid}")

    def workflow(self) -> float:
        """Seconds from the first request to the accepted reservation; then clean up."""
        self.customers += 1
        customer = f"+1555{self.customers:07d}"
        conversations = self.client.conversations
        start = time.perf_counter()
        conv = conversations.create(friendly_name=customer)
        conversations.participants.create(conv.sid, address=customer, proxy_address="+15005550006")
        inter = self.client.interactions.create_for_conversation(conv.sid, self.routing)
        task_sid = self._reserved_task(inter.sid)
        (pending,) = self.client.routing.reservations.list(
            task_sid,
            reservation_status="pending",
            workspace_sid=self.ws,
        ).to_list()
        accepted = self.client.routing.reservations.accept(
            task_sid, pending.sid, workspace_sid=self.ws
        )
        elapsed = time.perf_counter() - start
        if str(accepted.reservation_status) != "accepted":
            raise SystemExit(f"reservation not accepted: {accepted.reservation_status}")
        tasks = self.client.routing.tasks
        tasks.update(task_sid, assignment_status="wrapping", workspace_sid=self.ws)
        tasks.update(task_sid, assignment_status="completed", reason="done", workspace_sid=self.ws)
        return elapsed

    def _reserved_task(self, interaction_sid: str) -> str:
        expression = f"flexInteractionSid == '{interaction_sid}'"
        tasks = self.client.routing.tasks.list(
            assignment_status="reserved",
            evaluate_task_attributes=expression,
            workspace_sid=self.ws,
        ).to_list()
        if len(tasks) != 1:
            raise SystemExit(f"expected one reserved task for {interaction_sid}, got {len(tasks)}")
        sid: str = tasks[0].sid
        return sid


def measure(fn: Callable[[], Any], count: int) -> float:
    start = time.perf_counter()
    for _ in range(count):
        fn()
    return (time.perf_counter() - start) / count


def measure_workflows(workload: Workload, count: int) -> float:
    return sum(workload.workflow() for _ in range(count)) / count


CONCURRENCY = 16


async def measure_concurrent(client: Any, count: int, concurrency: int = CONCURRENCY) -> float:
    """Seconds per fetch with ``concurrency`` tasks sharing ``count`` fetches."""
    import asyncio

    left = count

    async def worker() -> None:
        nonlocal left
        while left > 0:
            left -= 1
            config = await client.configuration.fetch()
            if config.account_sid != ACCOUNT_SID:
                raise SystemExit(f"wrong account in the configuration: {config.account_sid}")

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return (time.perf_counter() - start) / count


def process_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) a process has used, from ``/proc`` (``None`` elsewhere)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def concurrent_rounds(
    url: str, emu: Any, rounds: int, count: int, server_pid: int
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Interleaved rounds of `measure_concurrent`, in-process and over loopback.

    Returns the seconds per fetch and the CPU seconds per fetch (``client`` for this process
    in each mode, ``server`` for the loopback server's process).
    """
    from flexconv import AsyncFlexConv

    out: dict[str, list[float]] = {"in-process": [], "loopback": []}
    cpu: dict[str, list[float]] = {"in-process": [], "loopback": [], "server": []}
    async with (
        AsyncFlexConv.emulated(emu) as inproc,
        AsyncFlexConv(ACCOUNT_SID, AUTH_TOKEN, base_url=url, env={}) as http,
    ):
        clients = {"in-process": inproc, "loopback": http}
        for client in clients.values():
            await measure_concurrent(client, 100)
        for r in range(rounds):
            order = list(clients) if r % 2 == 0 else list(reversed(clients))
            for mode in order:
                server_before = process_cpu(server_pid)
                client_before = time.process_time()
                out[mode].append(await measure_concurrent(clients[mode], count))
                cpu[mode].append((time.process_time() - client_before) / count)
                server_after = process_cpu(server_pid)
                if mode == "loopback" and server_before is not None and server_after is not None:
                    cpu["server"].append((server_after - server_before) / count)
    return out, cpu


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few iterations (a smoke run)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    rounds, fetches, workflows = (3, 50, 5) if args.quick else (12, 300, 25)
    concurrent_fetches = 200 if args.quick else 2000

    from flexconv import FlexConv

    local_emu = seeded_emulator()
    with (
        Served() as server,
        FlexConv.emulated(local_emu) as inproc_client,
        FlexConv(ACCOUNT_SID, AUTH_TOKEN, base_url=server.url, env={}) as http_client,
    ):
        modes = {
            "in-process": Workload(inproc_client, local_emu.seeded),
            "loopback": Workload(http_client, local_emu.seeded),  # same seed, same SIDs
        }
        for workload in modes.values():  # warm up both paths
            measure(workload.fetch, 20)
            measure_workflows(workload, 2)
        fetch: dict[str, list[float]] = {m: [] for m in modes}
        flow: dict[str, list[float]] = {m: [] for m in modes}
        for r in range(rounds):
            order = list(modes) if r % 2 == 0 else list(reversed(modes))
            for mode in order:
                fetch[mode].append(measure(modes[mode].fetch, fetches))
                flow[mode].append(measure_workflows(modes[mode], workflows))
            print(f"round {r + 1}/{rounds}", file=sys.stderr)
        import asyncio

        assert server.proc is not None
        fetch16, cpu16 = asyncio.run(
            concurrent_rounds(server.url, local_emu, rounds, concurrent_fetches, server.proc.pid)
        )

    results: dict[str, Any] = {}
    for name, data, unit in (
        ("fetch", fetch, "fetches/s"),
        (f"fetch c={CONCURRENCY}", fetch16, "fetches/s"),
        ("workflow", flow, "workflows/s"),
    ):
        med = {m: statistics.median(v) for m, v in data.items()}
        results[name] = {
            "unit": unit,
            "per_second": {m: 1 / t for m, t in med.items()},
            "median_ms": {m: t * 1000 for m, t in med.items()},
            "loopback_over_in_process": med["loopback"] / med["in-process"],
        }
    us = {k: statistics.median(v) * 1e6 for k, v in cpu16.items() if v}
    if args.json:
        print(json.dumps({**results, "cpu_us_per_fetch_c16": us}, indent=2))
        return 0
    print(f"Emulator throughput: {rounds} interleaved rounds, medians")
    print(
        f"  {'workload':<12} {'mode':<11} {'per second':>11} {'ms each':>9} {'time x':>8}"
        f" {'rate x':>7}"
    )
    for name, res in results.items():
        for mode in ("in-process", "loopback"):
            ratio = 1.0 if mode == "in-process" else res["loopback_over_in_process"]
            print(
                f"  {name:<12} {mode:<11} {res['per_second'][mode]:>11.0f} "
                f"{res['median_ms'][mode]:>9.3f} {ratio:>8.2f} {1 / ratio:>7.2f}"
            )
    print("  (workflow: conversation, customer binding, interaction, task lookup, acceptance)")
    server_cpu = f" + server {us['server']:.0f}" if "server" in us else ""
    print(
        f"CPU per fetch at c={CONCURRENCY} (us, medians): in-process {us['in-process']:.0f}"
        f" (client and emulator); loopback: client {us['loopback']:.0f}{server_cpu}"
    )
    share = 1 / results[f"fetch c={CONCURRENCY}"]["loopback_over_in_process"]
    print(f"loopback/in-process throughput, fetch at c={CONCURRENCY}: {share:.2f} (goal >= 0.30)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
