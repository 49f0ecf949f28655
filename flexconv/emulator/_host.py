"""What every product needs from the emulator's front object (`Host`).

Each product types its ``emu`` with a protocol built on `Host` (its ``host`` module) that
names only the other products' methods it calls, so a product cannot reach into another's state.
"""

from __future__ import annotations

from typing import Protocol

from flexconv.emulator._base import Clock, EventBus, Router, Sids
from flexconv.emulator.webhooks import WebhookEmitter


class Host(Protocol):
    """The shared services of the front object: clock, SIDs, event bus, router and webhooks."""

    @property
    def account_sid(self) -> str: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def sids(self) -> Sids: ...

    @property
    def bus(self) -> EventBus: ...

    @property
    def router(self) -> Router: ...

    @property
    def webhooks(self) -> WebhookEmitter: ...
