"""Conversations' state timers (``Timers.Inactive`` / ``Timers.Closed``) on the virtual clock."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from flexconv.emulator._base import bad_request
from flexconv.emulator.conversations.entities import Conversation, parse_duration
from flexconv.emulator.conversations.events import ConversationsEvents

if TYPE_CHECKING:
    pass


class ConversationsTimers(ConversationsEvents):
    """Schedules and fires a conversation's inactive and closed timers."""

    if TYPE_CHECKING:  # defined by the lifecycle layer, which stacks on this one

        def set_state(
            self,
            conv: Conversation,
            state: str,
            *,
            hooks: bool = True,
            source: str = "API",
            reason: str = "API",
        ) -> None: ...

    def _set_timers(self, conv: Conversation, inactive: str | None, closed: str | None) -> None:
        if inactive:
            d = parse_duration(inactive)
            if d < timedelta(minutes=1):
                raise bad_request("Timers.Inactive must be at least 1 minute (PT1M)")
            conv.timer_inactive = d
        if closed:
            d = parse_duration(closed)
            if d < timedelta(minutes=10):
                raise bad_request("Timers.Closed must be at least 10 minutes (PT10M)")
            conv.timer_closed = d

    def _schedule(self, conv: Conversation) -> None:
        """(Re)start the conversation's timers from now."""
        clock = self.emu.clock
        for timer in conv._timers:
            clock.cancel(timer)
        conv._timers = []
        conv.date_inactive = conv.date_closed = None
        if conv.closed:
            return
        if conv.timer_inactive is not None and conv.state == "active":
            conv.date_inactive = clock.now() + conv.timer_inactive
            conv._timers.append(
                clock.call_at(conv.date_inactive, lambda: self._fire(conv, "inactive"))
            )
        if conv.timer_closed is not None:
            conv.date_closed = clock.now() + conv.timer_closed
            conv._timers.append(clock.call_at(conv.date_closed, lambda: self._fire(conv, "closed")))

    def _fire(self, conv: Conversation, state: str) -> None:
        if conv.sid not in self.conversations or conv.closed or conv.state == state:
            return
        keep_closed = conv.date_closed
        self.set_state(conv, state, hooks=True, source="API", reason="TIMER")
        if state == "inactive" and keep_closed is not None and conv.timer_closed is not None:
            # the closed timer keeps running while the conversation is inactive
            self._schedule_closed_only(conv, keep_closed)

    def _schedule_closed_only(self, conv: Conversation, when: datetime) -> None:
        clock = self.emu.clock
        for timer in conv._timers:
            clock.cancel(timer)
        conv.date_closed = when
        conv._timers = [clock.call_at(when, lambda: self._fire(conv, "closed"))]
