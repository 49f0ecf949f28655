"""The doctor's scan against a sequential loop with the official twilio client, same reads.

A loopback emulator (in a child process, seeded through its Python API with N conversations of
which 5% are orphans; the healthy ones carry a Studio webhook and 200 of them a waiting task)
adds 50 ms of latency to every request.  Both sides read the open conversations page by page and,
for each conversation, its scoped webhooks and the tasks whose attributes name it, and its
participants when a task does.  Printed: conversations per second for each and the ratio;
the peak RSS of the scanning process (a fresh one for each size) at 1,000 and at 10,000; and the most
requests any endpoint saw in one second (sliding window) against the configured rate.

    python benchmarks/bench_doctor.py            # 1,000 then 10,000 conversations
    python benchmarks/bench_doctor.py --quick    # 200 then 1,000
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import re
import resource
import sys
import time
import urllib.parse
from typing import Any

sys.path.insert(0, os.path.dirname(__file__))

from _server import LoopbackServer

ACCOUNT_SID = "AC" + "d0c" * 10 + "ab"
AUTH_TOKEN = "b" * 32
LATENCY = 0.05
_SID = re.compile(r"/[A-Z]{2}[0-9a-f]{32}")


def app_factory() -> Any:
    """The ASGI app of the loopback child: the default contact centre plus N conversations."""
    from flexconv.emulator import Emulator
    from flexconv.emulator.doctor_scenarios import seed_conversations
    from flexconv.emulator.server import create_app

    total = int(os.environ["BENCH_DOCTOR_N"])
    tasks = int(os.environ.get("BENCH_DOCTOR_TASKS", "200"))
    emu = Emulator.from_scenario(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN)
    seed_conversations(emu, healthy=total - total // 20, orphans=total // 20, with_tasks=tasks)
    emu.faults.latency(LATENCY)
    return create_app(emu)


class RateProbe:
    """The most requests one endpoint (path with SIDs folded) started within one second."""

    def __init__(self) -> None:
        self.windows: dict[str, collections.deque[float]] = collections.defaultdict(
            collections.deque
        )
        self.peak: dict[str, int] = collections.defaultdict(int)

    def hit(self, url: str) -> None:
        key = _SID.sub("/{Sid}", urllib.parse.urlsplit(url).path)
        now = time.monotonic()
        window = self.windows[key]
        window.append(now)
        while window and now - window[0] > 1.0:
            window.popleft()
        self.peak[key] = max(self.peak[key], len(window))


async def doctor_scan(
    url: str, rate: float, concurrency: int, probe: RateProbe
) -> tuple[int, float, int]:
    """The doctor's scan over flexconv's default async transport (aiohttp), every request
    counted by the probe."""
    from flexconv import AsyncFlexConv
    from flexconv._transport import make_async_transport

    inner = make_async_transport()

    class Probed:
        async def send(self, request: Any, timeout: Any) -> Any:
            probe.hit(request.url)
            return await inner.send(request, timeout)

        async def aclose(self) -> None:
            await inner.aclose()

    async with AsyncFlexConv(
        ACCOUNT_SID, AUTH_TOKEN, base_url=url, env={}, transport=Probed()
    ) as client:
        start = time.perf_counter()
        scan = client.doctor.scan(rate=rate, concurrency=concurrency)
        orphans = 0
        async for f in scan:
            orphans += f.kind == "orphaned"
        elapsed = time.perf_counter() - start
        return scan.summary.seen, elapsed, orphans


def twilio_loop(url: str, limit: int) -> tuple[int, float]:
    """The same reads with the official client, one after another, for ``limit`` conversations."""
    from twilio.http.http_client import TwilioHttpClient
    from twilio.rest import Client

    class ToLoopback(TwilioHttpClient):  # type: ignore[misc]
        def request(self, method: str, target: str, *args: Any, **kwargs: Any) -> Any:
            if not target.startswith(url):  # next pages already point at the loopback server
                parts = urllib.parse.urlsplit(target)
                product = parts.netloc.split(".")[0]
                target = f"{url}/{product}{parts.path}"
            return super().request(method, target, *args, **kwargs)

    tw = Client(ACCOUNT_SID, AUTH_TOKEN, http_client=ToLoopback())
    ws = tw.flex_api.v1.configuration().fetch().taskrouter_workspace_sid
    start = time.perf_counter()
    done = 0
    for conv in tw.conversations.v1.conversations.stream(state="active", page_size=100):
        tw.conversations.v1.conversations(conv.sid).webhooks.list()
        tasks = tw.taskrouter.v1.workspaces(ws).tasks.list(
            evaluate_task_attributes=f'conversationSid == "{conv.sid}"'
        )
        if tasks:
            tw.conversations.v1.conversations(conv.sid).participants.list()
        done += 1
        if done >= limit:
            break
    return done, time.perf_counter() - start


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _scan_child(url: str, rate: float, concurrency: int, out: Any) -> None:
    """One scan in a fresh process: its peak RSS is the scan's alone."""
    probe = RateProbe()
    cpu = time.process_time()
    seen, elapsed, orphans = asyncio.run(doctor_scan(url, rate, concurrency, probe))
    cpu = time.process_time() - cpu
    out.send((seen, elapsed, orphans, peak_rss_mb(), dict(probe.peak), cpu))


def scan_in_child(url: str, rate: float, concurrency: int) -> tuple[Any, ...]:
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_scan_child, args=(url, rate, concurrency, child))
    proc.start()
    result: tuple[Any, ...] = parent.recv()
    proc.join()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 then 1,000 conversations")
    parser.add_argument("--rate", type=float, default=100, help="requests/s per endpoint")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--baseline", type=int, default=150, help="conversations for twilio")
    parser.add_argument("--tasks", type=int, default=200, help="waiting tasks seeded")
    args = parser.parse_args()
    small, big = (200, 1000) if args.quick else (1000, 10000)

    results = {}
    peaks: dict[str, int] = {}
    baseline: tuple[int, float] | None = None
    os.environ["BENCH_DOCTOR_TASKS"] = str(args.tasks)
    for total in (small, big):
        os.environ["BENCH_DOCTOR_N"] = str(total)
        seed_start = time.perf_counter()
        server = LoopbackServer.asgi("bench_doctor:app_factory").start(timeout=900)
        try:
            seeded = time.perf_counter() - seed_start
            seen, elapsed, orphans, rss, peak, cpu = scan_in_child(
                server.url, args.rate, args.concurrency
            )
            for key, value in peak.items():
                peaks[key] = max(peaks.get(key, 0), value)
            results[total] = (seen, elapsed, orphans, rss)
            print(
                f"doctor scan  {total:>6} conversations (server seeded in {seeded:.0f} s): "
                f"{seen} classified, {orphans} orphans, {elapsed:.1f} s, "
                f"{seen / elapsed:.1f} conv/s, peak RSS {results[total][3]:.1f} MB, "
                f"client CPU {cpu / max(seen, 1) * 1000:.1f} ms/conversation",
                flush=True,
            )
            # the sequential loop's rate is constant, so a sample gives it; it is measured
            # after each scan, on the same server, and the two samples are pooled
            done, took = twilio_loop(server.url, min(args.baseline, total))
            print(
                f"twilio loop  {done:>6} conversations of the {total}: {took:.1f} s, "
                f"{done / took:.2f} conv/s (sequential)",
                flush=True,
            )
            old = baseline or (0, 0.0)
            baseline = (old[0] + done, old[1] + took)
        finally:
            server.stop()
    assert baseline is not None
    ours = results[big][0] / results[big][1]
    theirs = baseline[0] / baseline[1]
    print(f"throughput ratio (doctor at {big} / twilio loop): {ours / theirs:.1f}x (goal >= 10x)")
    growth = results[big][3] / results[small][3] - 1
    print(
        f"peak RSS {results[small][3]:.1f} MB at {small} -> {results[big][3]:.1f} MB at {big}: "
        f"{growth * 100:+.1f}% (goal within 10%)"
    )
    worst = max(peaks.values())
    print(
        f"max requests/s on one endpoint: {worst} (configured {args.rate:g}/s per endpoint); "
        + ", ".join(f"{k} {v}" for k, v in sorted(peaks.items(), key=lambda kv: -kv[1])[:4])
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
