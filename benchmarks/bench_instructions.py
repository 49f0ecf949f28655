"""Client CPU cost per call, counted in instructions: deterministic where wall time is noisy.

Each variant runs in its own interpreter under ``valgrind --tool=callgrind`` twice, once with
only the warm-up and once with ``N`` more calls; the difference divided by ``N`` is what one call
costs the client process (instructions, not seconds: the same on a busy or an idle machine).  The
server runs in a separate, uncounted process, so these ratios are an upper bound on the wall-time
ratios of bench_client.py, where server and kernel time are shared by every variant.

    python benchmarks/bench_instructions.py          # 200 calls per variant
    python benchmarks/bench_instructions.py --calls 50
    python benchmarks/bench_instructions.py --only aiohttp --only flexconv-async

Needs valgrind (Debian's package); prints a note and exits 0 without it.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(HERE), str(REPO)]

from _server import LoopbackServer, json_response  # noqa: E402
from bench_client import ACCOUNT_SID, AUTH_TOKEN, AUTHORIZATION, flex_configuration  # noqa: E402

VARIANTS = ("httpx", "flexconv", "twilio")
#: Async variants: 16 concurrent workers on one event loop, as in bench_client.py.
ASYNC_VARIANTS = ("aiohttp", "flexconv-async")
CONCURRENCY = 16
WARMUP = 50


def _call(variant: str, base: str) -> object:
    """A zero-argument function doing one fetch of the Flex Configuration with ``variant``."""
    if variant == "httpx":
        import httpx

        client = httpx.Client()
        url = f"{base}/flex-api/v1/Configuration"
        headers = {"Authorization": AUTHORIZATION}
        return lambda: client.get(url, headers=headers).json()
    if variant == "flexconv":
        import flexconv

        return flexconv.FlexConv(ACCOUNT_SID, AUTH_TOKEN, base_url=base, env={}).configuration.fetch
    from twilio.http.http_client import TwilioHttpClient
    from twilio.rest import Client

    class ToLoopback(TwilioHttpClient):  # type: ignore[misc]
        def request(self, method: str, url: str, *args: object, **kwargs: object) -> object:
            return super().request(
                method, url.replace("https://flex-api.twilio.com", base), *args, **kwargs
            )

    twilio = Client(ACCOUNT_SID, AUTH_TOKEN, http_client=ToLoopback())
    return lambda: twilio.flex_api.v1.configuration().fetch()


def _async_child(variant: str, base: str, calls: int) -> None:
    """``WARMUP + calls`` fetches spread over CONCURRENCY workers on one event loop."""
    import asyncio

    async def main() -> None:
        if variant == "aiohttp":
            import aiohttp

            session = aiohttp.ClientSession()
            url = f"{base}/flex-api/v1/Configuration"
            headers = {"Authorization": AUTHORIZATION, "Accept": "application/json"}

            async def call() -> object:
                async with session.get(url, headers=headers) as resp:
                    return json.loads(await resp.read())

            close = session.close
        else:
            import flexconv

            client = flexconv.AsyncFlexConv(ACCOUNT_SID, AUTH_TOKEN, base_url=base, env={})
            call, close = client.configuration.fetch, client.aclose

        async def worker(n: int) -> None:
            for _ in range(n):
                await call()

        total = WARMUP + calls
        shares = [total // CONCURRENCY + (i < total % CONCURRENCY) for i in range(CONCURRENCY)]
        await asyncio.gather(*(worker(n) for n in shares))
        await close()

    asyncio.run(main())


def child(variant: str, base: str, calls: int) -> None:
    """Run inside valgrind: warm up, then ``calls`` more calls."""
    if variant in ASYNC_VARIANTS:
        _async_child(variant, base, calls)
        return
    fn = _call(variant, base)
    for _ in range(WARMUP + calls):
        fn()  # type: ignore[operator]


def count(variant: str, base: str, calls: int) -> int:
    out = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            __file__,
            "--child",
            variant,
            base,
            str(calls),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"Collected : (\d+)", out.stderr)
    if found is None:
        raise SystemExit(f"no instruction count from valgrind for {variant}:\n{out.stderr[-2000:]}")
    return int(found.group(1))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200, help="counted calls per variant")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument(
        "--only",
        action="append",
        choices=VARIANTS + ASYNC_VARIANTS,
        help="count only these variants (repeatable; a ratio needs its baseline too)",
    )
    args = parser.parse_args(argv)
    if args.child:
        variant, base, calls = args.child
        child(variant, base, int(calls))
        return 0
    if shutil.which("valgrind") is None:
        print("valgrind is not installed: apt-get install valgrind (nothing measured)")
        return 0
    body = json.dumps(flex_configuration(ACCOUNT_SID)).encode()
    routes = {
        "/flex-api/v1/Configuration": json_response(body),
        "/v1/Configuration": json_response(body),
    }
    chosen = [v for v in VARIANTS + ASYNC_VARIANTS if not args.only or v in args.only]
    per_call: dict[str, float] = {}
    with LoopbackServer.static(routes, authorization=AUTHORIZATION) as server:
        for variant in chosen:
            base_count = count(variant, server.url, 0)
            with_calls = count(variant, server.url, args.calls)
            per_call[variant] = (with_calls - base_count) / args.calls
            print(f"counted {variant}", file=sys.stderr)
    nan = float("nan")
    ratios = {
        v: per_call[v] / per_call.get("httpx" if v in VARIANTS else "aiohttp", nan) for v in chosen
    }
    if args.json:
        print(json.dumps({"instructions_per_call": per_call, "ratio_to_bare": ratios}, indent=2))
        return 0
    print(f"Client instructions per fetch ({args.calls} calls each, callgrind)")
    print(f"  {'variant':<15} {'instructions':>13} {'ratio':>7}")
    for v in (v for v in VARIANTS if v in chosen):
        print(f"  {v:<15} {per_call[v]:>13,.0f} {ratios[v]:>7.3f}  (sync, against bare httpx)")
    for v in (v for v in ASYNC_VARIANTS if v in chosen):
        print(
            f"  {v:<15} {per_call[v]:>13,.0f} {ratios[v]:>7.3f}"
            f"  (async x{CONCURRENCY}, against bare aiohttp)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
