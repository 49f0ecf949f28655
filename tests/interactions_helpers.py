"""Helpers for the interactions and routing tests (both colours): a spec-checked emulator seeded
with the default contact centre (alice, bob, the Everyone queue, +15005550006 routed to Flex)."""

from __future__ import annotations

from dataclasses import dataclass

from flexconv.emulator.emulator import Emulator
from tests.checked import CheckedEmulator

SUPPORT_LINE = "+15005550006"
CUSTOMER = "+15551230000"


@dataclass
class Centre:
    """The seeded emulator and the SIDs the tests need."""

    emu: Emulator
    checked: CheckedEmulator
    workspace_sid: str
    workflow_sid: str
    queue_sid: str
    alice: str
    bob: str


def contact_centre(*, auto_tick: bool = True) -> Centre:
    """The default scenario; ``auto_tick`` makes each request run what is due on the clock."""
    emu = Emulator.from_scenario(seed=11)
    emu.auto_tick = auto_tick
    seeded = emu.seeded
    return Centre(
        emu=emu,
        checked=CheckedEmulator(emu),
        workspace_sid=seeded.workspace_sid,
        workflow_sid=seeded.workflows["Assign to Anyone"],
        queue_sid=seeded.task_queues["Everyone"],
        alice=seeded.workers["alice"],
        bob=seeded.workers["bob"],
    )
