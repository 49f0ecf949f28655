"""The default workspace under concurrency: first calls made at the same time all succeed."""

from __future__ import annotations

import asyncio
import threading

from flexconv import AsyncFlexConv, FlexConv
from flexconv.emulator import Emulator


async def test_concurrent_first_async_calls_share_one_default_workspace() -> None:
    emu = Emulator.from_scenario()
    async with AsyncFlexConv.emulated(emu) as client:
        results = await asyncio.gather(
            client.routing.workflows.list().to_list(),
            client.routing.workers.resolve("alice"),
            client.task_channels.fetch("chat"),
            client.routing.tasks.list().to_list(),
        )
    flows, alice, chat, tasks = results
    assert flows
    assert tasks == []
    assert alice.workspace_sid == chat.workspace_sid == emu.seeded.workspace_sid


def test_concurrent_first_sync_calls_from_threads() -> None:
    emu = Emulator.from_scenario()
    found: list[str | None] = []
    errors: list[BaseException] = []
    with FlexConv.emulated(emu) as client:

        def work() -> None:
            try:
                found.append(client.routing.workers.resolve("bob").workspace_sid)
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
    assert found == [emu.seeded.workspace_sid] * 4
