"""Client benchmark: flexconv against bare HTTP clients and the official twilio client.

One run, one loopback server (its own process), every figure a ratio of variants measured side by
side in interleaved rounds.  See benchmarks/README.md for what each figure means.

    python benchmarks/bench_client.py            # full run
    python benchmarks/bench_client.py --quick    # smoke run: few iterations
    python benchmarks/bench_client.py --json     # the results as JSON on stdout
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(HERE), str(REPO)]  # the working tree's flexconv, and _server beside us

from _server import LoopbackServer, json_response  # noqa: E402

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "f" * 32
AUTHORIZATION = "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
CONCURRENCY = 16

#: Ratio goals: imports against twilio's; sync against bare httpx; async against the twilio
#: async client and against bare aiohttp (the floor: what any aiohttp-based client must pay).
GOALS = {"import": 0.5, "sync": 1.10, "async": 1.0, "async_floor": 1.15}


@dataclass(frozen=True)
class Plan:
    """How much to measure."""

    import_runs: int  # fresh interpreters per import statement
    sync_rounds: int
    sync_per_round: int  # calls per variant per round
    sync_warmup: int
    async_rounds: int
    async_per_worker: int  # calls per worker per round, CONCURRENCY workers
    async_warmup: int


FULL = Plan(15, 20, 100, 50, 24, 8, 4)
QUICK = Plan(3, 4, 25, 10, 3, 4, 2)


class BenchError(Exception):
    """A variant answered wrongly: the figures would mean nothing."""


# ------------------------------------------------------------------------------ the body


def _sid(prefix: str, n: int) -> str:
    return f"{prefix}{n:032x}"


def _channel_config(channel: str, **extra: Any) -> dict[str, Any]:
    attachments = {
        "enabled": channel in ("web", "whatsapp", "sms", "messenger"),
        "max_file_size": 16777216 if channel == "whatsapp" else 5242880,
        "max_total_file_size": 20971520,
        "accepted_extensions": ["jpg", "jpeg", "png", "pdf", "txt", "mp4", "heic"],
    }
    return {"channel": channel, "cbm_attachments": attachments, **extra}


def flex_configuration(account_sid: str) -> dict[str, Any]:
    """A Flex Configuration shaped like Twilio's: every field of ``flex.v1.configuration``."""
    workspace = _sid("WS", 0xA1)
    return {
        "account_sid": account_sid,
        "date_created": "2024-03-18T10:21:09Z",
        "date_updated": "2025-10-02T16:45:31Z",
        "attributes": {"main_attribute": "value", "region": "us1", "tier": "enterprise"},
        "status": "ok",
        "taskrouter_workspace_sid": workspace,
        "taskrouter_target_workflow_sid": _sid("WW", 0xB2),
        "taskrouter_target_taskqueue_sid": _sid("WQ", 0xC3),
        "taskrouter_taskqueues": [
            {"sid": _sid("WQ", 0xC3 + i), "targettable": i == 0} for i in range(4)
        ],
        "taskrouter_skills": [
            {"name": name, "multivalue": False, "minimum": None, "maximum": None}
            for name in ("sales", "support", "billing", "spanish", "vip")
        ],
        "taskrouter_worker_channels": {
            "agent": [
                {"name": ch, "availability": True, "capacity": cap}
                for ch, cap in (("voice", 1), ("chat", 3), ("sms", 3), ("email", 2))
            ],
            "supervisor": [{"name": "voice", "availability": True, "capacity": 1}],
        },
        "taskrouter_worker_attributes": {
            "agent": {"roles": ["agent"], "routing": {"skills": ["support"], "levels": {}}},
            "supervisor": {"roles": ["supervisor"], "routing": {"skills": [], "levels": {}}},
        },
        "taskrouter_offline_activity_sid": _sid("WA", 0xD4),
        "runtime_domain": "flex-acme-4821.twil.io",
        "messaging_service_instance_sid": _sid("MG", 0xE5),
        "chat_service_instance_sid": _sid("IS", 0xF6),
        "flex_service_instance_sid": _sid("IS", 0xF7),
        "flex_instance_sid": _sid("GO", 0x108),
        "ui_language": "en",
        "ui_attributes": {
            "colorTheme": {"baseName": "FlexLight"},
            "logLevel": "info",
            "sso": {"accountSid": account_sid},
            "componentProps": {"CRMContainer": {"uriCallback": None}},
        },
        "ui_dependencies": {"react": "17.0.2", "react-dom": "17.0.2", "@twilio/flex-ui": "2.9.1"},
        "ui_version": "2.9.1",
        "service_version": "2.9.1",
        "call_recording_enabled": True,
        "call_recording_webhook_url": "https://acme.example.com/recordings",
        "crm_enabled": True,
        "crm_type": "custom",
        "crm_callback_url": "https://crm.acme.example.com/flex/callback",
        "crm_fallback_url": "https://crm.acme.example.com/flex/fallback",
        "crm_attributes": {"crm_type": "custom", "crm_height": 400, "crm_url": "https://crm.acme"},
        "public_attributes": {"brand": "Acme", "support_email": "help@acme.example.com"},
        "plugin_service_enabled": True,
        "plugin_service_attributes": {"agent-ui": True, "plugins": ["greeting", "crm-panel"]},
        "integrations": [
            {
                "name": "zendesk",
                "type": "crm",
                "active": True,
                "config": json.dumps({"subdomain": "acme", "sso": True}),
                "logo": "https://assets.flex.twilio.com/logos/zendesk.svg",
                "author": "Twilio",
            },
            {
                "name": "salesforce",
                "type": "crm",
                "active": False,
                "config": json.dumps({"instance": "acme.my.salesforce.com"}),
                "logo": "https://assets.flex.twilio.com/logos/salesforce.svg",
                "author": "Twilio",
            },
        ],
        "outbound_call_flows": {
            "default": {
                "workflow_sid": _sid("WW", 0xB2),
                "enabled": True,
                "queue_sid": _sid("WQ", 0xC3),
                "caller_id": "+15558675310",
                "location": "US",
            }
        },
        "serverless_service_sids": [_sid("ZS", 0x200 + i) for i in range(3)],
        "queue_stats_configuration": {
            "default": {
                "service_level_threshold": 20,
                "short_abandoned_threshold": 5,
                "reset_timezone": "America/New_York",
                "reset_time": "00:00",
            },
            "queue_configurations": [
                {"queue_sid": _sid("WQ", 0xC3), "service_level_threshold": 30},
            ],
            "queue_channel_configurations": [],
        },
        "notifications": {"enabled": True, "mode": "whenNotInFocus"},
        "markdown": {"enabled": True, "mode": "readOnly"},
        "url": "https://flex-api.twilio.com/v1/Configuration",
        "flex_insights_hr": {"workspace_id": "wks_acme", "hr_group_id": 12},
        "flex_insights_drilldown": True,
        "flex_url": "https://flex.twilio.com/acme-4821",
        "channel_configs": [
            _channel_config("web", inactivity_timeout=43200),
            _channel_config("sms", default_studio_flow=_sid("FW", 0x301)),
            _channel_config("whatsapp", default_studio_flow=_sid("FW", 0x302)),
            _channel_config("messenger", default_studio_flow=_sid("FW", 0x303)),
            _channel_config("email", address="support@acme.example.com"),
            _channel_config("chat"),
        ],
        "debugger_integration": {"enabled": True, "sink_sid": _sid("DG", 0x400)},
        "flex_ui_status_report": {"enabled": True, "thresholds": {"error": 5}},
        "agent_conv_end_methods": {"wrapup": True, "close_on_transfer": False},
        "citrix_voice_vdi": {"enabled": False, "ice_servers": []},
        "offline_config": {"enabled": True, "offline_message": "We're closed; leave a message."},
    }


def check_against_spec(body: dict[str, Any]) -> str:
    """Check that the body has exactly the fields of Twilio's spec (the repository's copy).

    The spec is read as the tests read it (`tests/spec_check.py`): the gzip copy under
    `tests/data/twilio-oai`, or the folder named by `$FLEXCONV_TWILIO_OAI`.
    """
    from tests.spec_check import load_spec, spec_dir

    spec = load_spec("flex-api")
    fields = set(spec["components"]["schemas"]["flex.v1.configuration"]["properties"])
    missing, extra = sorted(fields - set(body)), sorted(set(body) - fields)
    if missing or extra:
        raise BenchError(f"the body does not match the spec: missing {missing}, extra {extra}")
    return f"all {len(fields)} fields of flex.v1.configuration (spec from {spec_dir()})"


# ---------------------------------------------------------------------------- statistics


def quartiles(values: Sequence[float]) -> tuple[float, float, float]:
    if len(values) < 2:
        v = values[0]
        return v, v, v
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q2, q3


@dataclass
class Series:
    """Timings (seconds) of one variant: wall time per call pooled and by round, and the client
    process's CPU time per call by round."""

    name: str
    samples: list[float] = field(default_factory=list)
    round_medians: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def add_round(self, samples: Sequence[float], cpu_per_call: float) -> None:
        self.samples.extend(samples)
        self.round_medians.append(statistics.median(samples))
        self.cpu.append(cpu_per_call)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)


def summary(series: Series, base: Series) -> dict[str, float]:
    """Medians, their ratios to ``base``, and the quartiles of the per-round ratios (the spread)."""
    per_round = [a / b for a, b in zip(series.round_medians, base.round_medians, strict=True)]
    q1, q2, q3 = quartiles(per_round)
    cpu = statistics.median(series.cpu)
    return {
        "median_us": series.median * 1e6,
        "ratio": series.median / base.median,
        "round_q1": q1,
        "round_med": q2,
        "round_q3": q3,
        "cpu_us": cpu * 1e6,
        "cpu_ratio": cpu / statistics.median(base.cpu),
    }


def interleave(names: Sequence[str], rounds: int) -> list[list[str]]:
    """One order per round, rotated so no variant always runs first (A,B,C  B,C,A  C,A,B ...)."""
    n = len(names)
    return [[names[(r + i) % n] for i in range(n)] for r in range(rounds)]


# --------------------------------------------------------------------------------- imports

IMPORTS = {
    "python -c pass": "pass",
    "import flexconv": "import flexconv",
    "from flexconv import FlexConv": "from flexconv import FlexConv",
    "from twilio.rest import Client": "from twilio.rest import Client",
}
IMPORT_BASE = "from twilio.rest import Client"


def _import_child(statement: str) -> str:
    return f"import time\nt = time.perf_counter()\n{statement}\nprint(time.perf_counter() - t)\n"


def bench_imports(runs: int) -> dict[str, Any]:
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])
    )
    env.pop("PYTHONDONTWRITEBYTECODE", None)

    def run(statement: str) -> tuple[float, float]:
        start = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", _import_child(statement)],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.perf_counter() - start
        if out.returncode != 0:
            raise BenchError(f"{statement!r} failed in a fresh interpreter:\n{out.stderr}")
        return wall, float(out.stdout.strip())

    for statement in IMPORTS.values():  # warm the bytecode caches
        run(statement)
    wall: dict[str, list[float]] = {name: [] for name in IMPORTS}
    inner: dict[str, list[float]] = {name: [] for name in IMPORTS}
    for order in interleave(list(IMPORTS), runs):
        for name in order:
            w, i = run(IMPORTS[name])
            wall[name].append(w)
            inner[name].append(i)

    bare = statistics.median(wall["python -c pass"])
    base_gross = statistics.median(wall[IMPORT_BASE])
    base_self = statistics.median(inner[IMPORT_BASE])
    rows = {}
    for name in IMPORTS:
        gross = statistics.median(wall[name])
        self_timed = statistics.median(inner[name])
        rows[name] = {
            "gross_ms": gross * 1e3,
            "gross_min_ms": min(wall[name]) * 1e3,
            "net_ms": (gross - bare) * 1e3,
            "self_timed_ms": self_timed * 1e3,
            "gross_ratio": gross / base_gross,
            "net_ratio": (gross - bare) / (base_gross - bare),
            "self_timed_ratio": self_timed / base_self,
        }
    return {"runs": runs, "rows": rows}


# ------------------------------------------------------------------------------ sync fetch


def _rebase(url: str, base: str) -> str:
    """``https://flex-api.twilio.com/v1/...`` -> ``{base}/v1/...``."""
    return base + url[url.index("/", len("https://")) :]


def _checked(response: Any) -> Any:
    """The twilio client's HTTP response, refused unless it is a 200."""
    if response.status_code != 200:
        raise BenchError(f"twilio client: got status {response.status_code}")
    return response


def sync_variants(base: str) -> dict[str, tuple[Callable[[], tuple[int, str]], Callable[[], None]]]:
    """name -> (one call returning (status, account_sid), close)."""
    import httpx
    from twilio.http.http_client import TwilioHttpClient
    from twilio.rest import Client

    import flexconv

    url = f"{base}/flex-api/v1/Configuration"
    headers = {"Authorization": AUTHORIZATION, "Accept": "application/json"}
    bare = httpx.Client()

    def bare_call() -> tuple[int, str]:
        resp = bare.get(url, headers=headers)
        return resp.status_code, resp.json().get("account_sid")

    fc = flexconv.FlexConv(ACCOUNT_SID, AUTH_TOKEN, base_url=base, env={})

    def flexconv_call() -> tuple[int, str]:
        cfg = fc.configuration.fetch()
        return flexconv.response_of(cfg).status_code, cfg.account_sid

    class LoopbackHttpClient(TwilioHttpClient):
        def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
            return _checked(super().request(method, _rebase(url, base), *args, **kwargs))

    tw_http = LoopbackHttpClient()
    tw = Client(ACCOUNT_SID, AUTH_TOKEN, http_client=tw_http)

    def twilio_call() -> tuple[int, str]:
        cfg = tw.flex_api.v1.configuration().fetch()
        return 200, cfg.account_sid  # _checked saw the status

    def close_twilio() -> None:
        tw_http.session.close()

    return {
        "httpx.Client (bare)": (bare_call, bare.close),
        "flexconv FlexConv": (flexconv_call, fc.close),
        "twilio Client": (twilio_call, close_twilio),
    }


SYNC_BASE = "httpx.Client (bare)"


def check(name: str, results: Sequence[tuple[int, str]]) -> None:
    for status, sid in results:
        if status != 200 or sid != ACCOUNT_SID:
            raise BenchError(f"{name}: got status {status} and account_sid {sid!r}")


def bench_sync(base: str, rounds: int, per_round: int, warmup: int) -> dict[str, Any]:
    variants = sync_variants(base)
    try:
        for name, (call, _) in variants.items():
            check(name, [call() for _ in range(warmup)])
        series = {name: Series(name) for name in variants}
        clock = time.perf_counter
        for order in interleave(list(variants), rounds):
            for name in order:
                call = variants[name][0]
                times: list[float] = []
                results = []
                cpu_start = time.process_time()
                for _ in range(per_round):
                    start = clock()
                    result = call()
                    times.append(clock() - start)
                    results.append(result)
                cpu = (time.process_time() - cpu_start) / per_round
                check(name, results)
                series[name].add_round(times, cpu)
    finally:
        for _, close in variants.values():
            close()
    base_series = series[SYNC_BASE]
    return {
        "calls_per_variant": rounds * per_round,
        "rounds": rounds,
        "rows": {name: summary(s, base_series) for name, s in series.items()},
    }


# ----------------------------------------------------------------------------- async fetch

AsyncCall = Callable[[], Any]


async def async_variants(base: str) -> dict[str, tuple[AsyncCall, Callable[[], Any]]]:
    """name -> (coroutine function returning (status, account_sid), async close)."""
    import aiohttp
    import httpx
    from twilio.http.async_http_client import AsyncTwilioHttpClient
    from twilio.rest import Client

    import flexconv

    url = f"{base}/flex-api/v1/Configuration"
    headers = {"Authorization": AUTHORIZATION, "Accept": "application/json"}

    session = aiohttp.ClientSession()

    async def aiohttp_call() -> tuple[int, str]:
        async with session.get(url, headers=headers) as resp:
            body = await resp.read()
            return resp.status, json.loads(body).get("account_sid")

    hx = httpx.AsyncClient()

    async def httpx_call() -> tuple[int, str]:
        resp = await hx.get(url, headers=headers)
        return resp.status_code, resp.json().get("account_sid")

    def flexconv_fetch(client: Any) -> AsyncCall:
        async def call() -> tuple[int, str]:
            cfg = await client.configuration.fetch()
            return flexconv.response_of(cfg).status_code, cfg.account_sid

        return call

    fc = flexconv.AsyncFlexConv(ACCOUNT_SID, AUTH_TOKEN, base_url=base, env={})
    fc_hx_client = httpx.AsyncClient()
    fc_hx = flexconv.AsyncFlexConv(
        ACCOUNT_SID, AUTH_TOKEN, base_url=base, env={}, http_client=fc_hx_client
    )

    class LoopbackAsyncHttpClient(AsyncTwilioHttpClient):
        async def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
            return _checked(await super().request(method, _rebase(url, base), *args, **kwargs))

    # twilio's async client passes aiohttp's deprecated auth=; the warning is twilio's, not ours
    warnings.filterwarnings("ignore", message="The 'auth' parameter is deprecated")
    tw_http = LoopbackAsyncHttpClient()
    tw = Client(ACCOUNT_SID, AUTH_TOKEN, http_client=tw_http)

    async def twilio_call() -> tuple[int, str]:
        cfg = await tw.flex_api.v1.configuration().fetch_async()
        return 200, cfg.account_sid  # _checked saw the status

    return {
        "aiohttp (bare)": (aiohttp_call, session.close),
        "httpx.AsyncClient (bare)": (httpx_call, hx.aclose),
        "flexconv AsyncFlexConv": (flexconv_fetch(fc), fc.aclose),
        "flexconv over httpx.AsyncClient": (flexconv_fetch(fc_hx), fc_hx_client.aclose),
        "twilio async client": (twilio_call, tw_http.close),
    }


ASYNC_BASE = "twilio async client"
ASYNC_FLOOR = "aiohttp (bare)"
ASYNC_SUBJECT = "flexconv AsyncFlexConv"


async def _concurrent(
    call: AsyncCall, per_worker: int
) -> tuple[float, float, list[tuple[int, str]]]:
    """CONCURRENCY workers, each making ``per_worker`` calls; wall and CPU time per call."""
    results: list[tuple[int, str]] = []

    async def worker() -> None:
        for _ in range(per_worker):
            results.append(await call())

    start, cpu_start = time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    calls = CONCURRENCY * per_worker
    return elapsed / calls, cpu / calls, results


async def _bench_async(base: str, rounds: int, per_worker: int, warmup: int) -> dict[str, Any]:
    variants = await async_variants(base)
    try:
        for name, (call, _) in variants.items():
            _, _, results = await _concurrent(call, warmup)
            check(name, results)
        series = {name: Series(name) for name in variants}
        for order in interleave(list(variants), rounds):
            for name in order:
                per_call, cpu, results = await _concurrent(variants[name][0], per_worker)
                check(name, results)
                series[name].add_round([per_call], cpu)
    finally:
        for _, close in variants.values():
            await close()
    base_series = series[ASYNC_BASE]
    rows = {name: summary(s, base_series) for name, s in series.items()}
    for name, s in series.items():  # the same figures against the floor, bare aiohttp
        floor = summary(s, series[ASYNC_FLOOR])
        rows[name].update({f"floor_{k}": floor[k] for k in ("ratio", "round_med", "cpu_ratio")})
    return {
        "concurrency": CONCURRENCY,
        "calls_per_variant": rounds * per_worker * CONCURRENCY,
        "rounds": rounds,
        "rows": rows,
    }


def bench_async(base: str, rounds: int, per_worker: int, warmup: int) -> dict[str, Any]:
    return asyncio.run(_bench_async(base, rounds, per_worker, warmup))


# ---------------------------------------------------------------------------------- report


def goals(results: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    if "imports" in results:
        rows = results["imports"]["rows"]
        for name in ("import flexconv", "from flexconv import FlexConv"):
            out.append(
                {
                    "what": f"{name} (net)",
                    "value": rows[name]["net_ratio"],
                    "goal": GOALS["import"],
                }
            )
    if "sync" in results:
        out.append(
            {
                "what": "sync: flexconv / bare httpx",
                "value": results["sync"]["rows"]["flexconv FlexConv"]["ratio"],
                "goal": GOALS["sync"],
            }
        )
    if "async" in results:
        out.append(
            {
                "what": f"async x{CONCURRENCY}: flexconv / twilio",
                "value": results["async"]["rows"][ASYNC_SUBJECT]["ratio"],
                "goal": GOALS["async"],
            }
        )
        out.append(
            {
                "what": f"async x{CONCURRENCY}: flexconv / bare aiohttp",
                "value": results["async"]["rows"][ASYNC_SUBJECT]["floor_ratio"],
                "goal": GOALS["async_floor"],
            }
        )
    for g in out:
        g["met"] = g["value"] <= g["goal"]
    return out


def render(results: dict[str, Any]) -> str:
    lines = [
        "flexconv client benchmark  " + "  ".join(f"{k} {v}" for k, v in results["env"].items()),
        f"body: {results['body']}",
    ]
    if "imports" in results:
        imp = results["imports"]
        lines += [
            "",
            f"Import time: fresh interpreters, {imp['runs']} interleaved runs each, medians;"
            " ratios against `from twilio.rest import Client`",
            f"  {'statement':<32}{'gross ms':>9}{'net ms':>8}{'self ms':>8}"
            f"{'gross x':>9}{'net x':>7}{'self x':>8}",
        ]
        for name, r in imp["rows"].items():
            if name == "python -c pass":
                lines.append(f"  {name:<32}{r['gross_ms']:9.1f}{'':>8}{'':>8}")
                continue
            lines.append(
                f"  {name:<32}{r['gross_ms']:9.1f}{r['net_ms']:8.1f}{r['self_timed_ms']:8.1f}"
                f"{r['gross_ratio']:9.2f}{r['net_ratio']:7.2f}{r['self_timed_ratio']:8.2f}"
            )
    for key, title, base in (
        ("sync", "Sync fetch: one call at a time", SYNC_BASE),
        ("async", f"Async fetch: {CONCURRENCY} concurrent", ASYNC_BASE),
    ):
        if key not in results:
            continue
        part = results[key]
        floor = key == "async"
        lines += [
            "",
            f"{title}, {part['calls_per_variant']} calls per variant in {part['rounds']}"
            f" interleaved rounds; ratios against {base}"
            + (f"; 'x floor' columns against {ASYNC_FLOOR}" if floor else ""),
            f"  {'variant':<34}{'median us':>10}{'ratio':>7}  {'rounds q1-med-q3':<17}"
            f"{'CPU us':>8}{'CPU x':>7}"
            + (f"{'x floor':>9}{'rnd med':>8}{'CPU':>6}" if floor else ""),
        ]
        for name, r in part["rows"].items():
            lines.append(
                f"  {name:<34}{r['median_us']:10.1f}{r['ratio']:7.2f}"
                f"  {r['round_q1']:.2f}-{r['round_med']:.2f}-{r['round_q3']:.2f}   "
                f"{r['cpu_us']:8.1f}{r['cpu_ratio']:7.2f}"
                + (
                    f"{r['floor_ratio']:9.2f}{r['floor_round_med']:8.2f}{r['floor_cpu_ratio']:6.2f}"
                    if floor
                    else ""
                )
            )
    lines += ["", "Goals (ratios; imports against the twilio import)"]
    for g in results["goals"]:
        verdict = "PASS" if g["met"] else "MISS"
        lines.append(f"  {g['what']:<36}{g['value']:7.3f}  goal <= {g['goal']:<5} {verdict}")
    return "\n".join(lines)


def environment() -> dict[str, str]:
    def version(dist: str) -> str:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return "-"

    env = {"python": platform.python_version()}
    env.update({dist: version(dist) for dist in ("httpx", "aiohttp", "twilio", "requests")})
    env["cpus"] = str(os.cpu_count())
    return env


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a fast smoke run: few iterations")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument(
        "--only",
        choices=("imports", "sync", "async"),
        action="append",
        help="run only this part (repeatable)",
    )
    args = parser.parse_args(argv)
    parts = args.only or ["imports", "sync", "async"]
    plan = QUICK if args.quick else FULL

    body = flex_configuration(ACCOUNT_SID)
    results: dict[str, Any] = {"env": environment(), "body": check_against_spec(body)}
    payload = json.dumps(body).encode()
    results["body"] += f", {len(payload)} bytes"
    response = json_response(payload, headers={"Twilio-Request-Id": _sid("RQ", 0x51)})
    routes = {"/flex-api/v1/Configuration": response, "/v1/Configuration": response}

    def progress(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    if "imports" in parts:
        progress("imports ...")
        results["imports"] = bench_imports(plan.import_runs)
    if "sync" in parts or "async" in parts:
        with LoopbackServer.static(routes, authorization=AUTHORIZATION) as server:
            if "sync" in parts:
                progress(f"sync fetch against {server.url} ...")
                results["sync"] = bench_sync(
                    server.url, plan.sync_rounds, plan.sync_per_round, plan.sync_warmup
                )
            if "async" in parts:
                progress(f"async fetch x{CONCURRENCY} against {server.url} ...")
                results["async"] = bench_async(
                    server.url, plan.async_rounds, plan.async_per_worker, plan.async_warmup
                )
    results["goals"] = goals(results)
    print(json.dumps(results, indent=2) if args.json else render(results))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"bench_client: {exc}", file=sys.stderr)
        sys.exit(1)
