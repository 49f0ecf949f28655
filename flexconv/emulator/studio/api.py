"""Studio's Python API: `Studio` (the object behind ``emu.studio``) and the entity types
it hands out.  Other products import Studio names from this module only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flexconv.emulator.studio.entities import (
    DEFAULT_BASE,
    PRODUCT,
    Execution,
    Flow,
    Step,
    messaging_flow_definition,
    render,
)
from flexconv.emulator.studio.routes import StudioRoutes

if TYPE_CHECKING:
    from flexconv.emulator.studio.host import StudioHost

__all__ = [
    "DEFAULT_BASE",
    "PRODUCT",
    "Execution",
    "Flow",
    "Step",
    "Studio",
    "messaging_flow_definition",
    "render",
]


class Studio(StudioRoutes):
    """The Studio product: flows, executions, steps and a small flow runner.

    The public methods come from the layers it stacks: `create_flow`, `get_flow` and `snapshot`
    from `state`, `on_conversation_message` from `runner`.
    """

    def __init__(self, emu: StudioHost) -> None:
        super().__init__(emu)
        self._register()
