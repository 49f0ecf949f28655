"""Two processes change attachments of different channels at the same time through the
emulator's loopback server; with a shared Redis lock no change is ever lost."""

from __future__ import annotations

import copy
import itertools
import subprocess
import sys
from pathlib import Path
from typing import Any

from flexconv.emulator import Emulator

ROOT = Path(__file__).resolve().parent.parent
UPDATES = 20


def _by_type(configs: list[Any]) -> dict[str, Any]:
    return {entry["address_type"]: entry for entry in configs}


def _race(redis_url: str) -> tuple[list[list[Any]], dict[str, Any]]:
    """Run two workers (web and sms) against one emulator; return every written
    ``channel_configs`` in the order the emulator applied them, and the final state."""
    from flexconv.emulator.server import ServerThread

    emu = Emulator(seed=7)
    writes: list[list[Any]] = []
    apply = emu.flex.update_configuration

    def recording(changes: dict[str, Any]) -> dict[str, Any]:
        if "channel_configs" in changes:  # under the emulator's lock: in applied order
            writes.append(copy.deepcopy(changes["channel_configs"]))
        return apply(changes)

    emu.flex.update_configuration = recording  # type: ignore[method-assign]
    with ServerThread(emu) as server:
        workers = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.attachments_worker",
                    server.url,
                    emu.account_sid,
                    emu.auth_token,
                    kind,
                    str(UPDATES),
                    redis_url,
                ],
                cwd=ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for kind in ("web", "sms")
        ]
        try:
            for worker in workers:
                assert worker.stdout is not None
                assert worker.stdout.readline().strip() == b"ready"
            for worker in workers:
                assert worker.stdin is not None
                worker.stdin.write(b"go\n")
                worker.stdin.flush()
            for worker in workers:
                _, err = worker.communicate(timeout=300)
                assert worker.returncode == 0, err.decode(errors="replace")
        finally:
            for worker in workers:
                if worker.poll() is None:
                    worker.kill()
                    worker.wait()
    return writes, _by_type(emu.flex.configuration["channel_configs"])


def test_two_processes_with_a_redis_lock_never_lose_a_change(redis_url: str) -> None:
    writes, final = _race(redis_url)
    assert len(writes) == 2 * UPDATES
    # A write based on a stale read would also put back the other process's older value: every
    # write must change exactly one channel's entry compared with the write before it.
    for n, (before, after) in enumerate(itertools.pairwise(writes), start=2):
        old, new = _by_type(before), _by_type(after)
        changed = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
        assert len(changed) == 1, f"write {n} changed {changed}: it reverted the other's change"
    last = (UPDATES - 1) % 2 == 1
    assert final["web"]["cbm_attachments"]["enabled"] is last
    assert final["sms"]["cbm_attachments"]["enabled"] is last
