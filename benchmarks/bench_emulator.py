"""Emulator benchmark: throughput in-process against over loopback, side by side in one run.

Two workloads, each driven by the same flexconv client code against two transports:

- **fetch**: ``client.configuration.fetch()`` (one GET of the Flex Configuration);
- **workflow**: an inbound conversation up to the agent's acceptance: create a conversation, add
  the customer's SMS binding, create the interaction (Send to Flex), find the task's pending
  reservation and accept it (7 requests).  The task is then completed, untimed, so the agents
  are free for the next one.

In-process, the client calls ``Emulator.handle`` directly (no sockets).  Over loopback, the
emulator's ASGI app runs under uvicorn in a child process (as ``flexconv emulator serve`` does),
so client and server run on separate cores.  Rounds of the two modes are interleaved; the figures
are medians per round and the ratio loopback / in-process.

    python benchmarks/bench_emulator.py            # full run
    python benchmarks/bench_emulator.py --quick    # smoke run
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(HERE), str(REPO)]

from _server import LoopbackServer  # noqa: E402

ACCOUNT_SID = "AC" + "fedcba9876543210" * 2
AUTH_TOKEN = "e" * 32
SEED = 7


def seeded_emulator() -> Any:
    """The default small contact centre; the same seed gives the same SIDs in every process."""
    from flexconv.emulator import Emulator

    emu = Emulator.from_scenario(seed=SEED, account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN)
    emu.auto_tick = True  # interaction channels leave "setup" before the next request
    return emu


def app_factory() -> Any:
    """The ASGI app the loopback child serves (imported there by ``LoopbackServer.asgi``)."""
    from flexconv.emulator.server import create_app

    return create_app(seeded_emulator())


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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few iterations (a smoke run)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    rounds, fetches, workflows = (3, 50, 5) if args.quick else (12, 300, 25)

    from flexconv import FlexConv

    local_emu = seeded_emulator()
    with (
        LoopbackServer.asgi("bench_emulator:app_factory") as server,
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

    results: dict[str, Any] = {}
    for name, data, unit in (("fetch", fetch, "fetches/s"), ("workflow", flow, "workflows/s")):
        med = {m: statistics.median(v) for m, v in data.items()}
        results[name] = {
            "unit": unit,
            "per_second": {m: 1 / t for m, t in med.items()},
            "median_ms": {m: t * 1000 for m, t in med.items()},
            "loopback_over_in_process": med["loopback"] / med["in-process"],
        }
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"Emulator throughput: {rounds} interleaved rounds, medians")
    print(f"  {'workload':<10} {'mode':<11} {'per second':>11} {'ms each':>9} {'time x':>8}")
    for name, res in results.items():
        for mode in ("in-process", "loopback"):
            ratio = 1.0 if mode == "in-process" else res["loopback_over_in_process"]
            print(
                f"  {name:<10} {mode:<11} {res['per_second'][mode]:>11.0f} "
                f"{res['median_ms'][mode]:>9.3f} {ratio:>8.2f}"
            )
    print("  (workflow: conversation, customer binding, interaction, task lookup, acceptance)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
