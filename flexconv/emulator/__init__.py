"""A local, stateful Twilio Flex emulator: Flex, Conversations, TaskRouter, Studio, 2010 Messages.

``Emulator`` answers raw HTTP requests (``emu.handle(method, url, headers, body)``), in-process or
through the loopback server (`flexconv.emulator.server`), holds state, enforces Twilio's
invariants and runs on a virtual clock (``emu.advance(seconds)``).  See ``docs/emulator.md``.
"""

from ._base import ApiError, DroppedConnection, EmuRequest, EmuResponse
from .emulator import ApiKey, Emulator
from .faults import Fault, Faults
from .scenario import Seeded, apply_scenario, default_scenario
from .simulation import Inbound, Simulation
from .webhooks import Delivery, WebhookEmitter, WebhookRequest, compute_signature

__all__ = [
    "ApiError",
    "ApiKey",
    "Delivery",
    "DroppedConnection",
    "EmuRequest",
    "EmuResponse",
    "Emulator",
    "Fault",
    "Faults",
    "Inbound",
    "Seeded",
    "Simulation",
    "WebhookEmitter",
    "WebhookRequest",
    "apply_scenario",
    "compute_signature",
    "default_scenario",
]
