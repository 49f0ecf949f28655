"""An emulated client waits on the emulator's virtual clock: ``wait=True`` never blocks in real
time, and the emulator's time moves by the poll interval."""

from __future__ import annotations

from datetime import timedelta

from flexconv import AsyncFlexConv


async def test_wait_for_a_new_channel_moves_the_virtual_clock() -> None:
    async with AsyncFlexConv.emulated() as client:
        emu = client.emulator
        assert not emu.auto_tick
        before = emu.now()
        workflows = await client.routing.workflows.list(friendly_name="Assign to Anyone").to_list()
        interaction = await client.interactions.start_outbound(
            "+15551230000",
            proxy_address="+15005550006",
            worker="alice",
            workflow_sid=workflows[0].sid,
            wait=True,
            timeout=1,  # virtual seconds: set-up is due at once, so one pause is enough
            poll_interval=0.25,
        )
        channel = await client.interactions.channels.fetch(
            interaction.sid or "", interaction.channel_sid or ""
        )
        assert channel.status == "active"
        assert emu.now() - before == timedelta(seconds=0.25)
