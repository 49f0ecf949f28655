"""The served emulator's clock: wall-clock time or manual time (see ``ClockDriver``)."""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Literal

from ._base import bad_request, iso

if TYPE_CHECKING:
    from .emulator import Emulator

ClockMode = Literal["wall", "manual"]
CLOCK_MODES: tuple[str, ...] = ("wall", "manual")


class ClockDriver:
    """Moves the emulator's virtual clock with the wall clock, or leaves it alone.

    ``mode="wall"``: a daemon thread advances the clock every ``interval`` seconds by the wall
    time elapsed times ``speed`` (``emu.advance``, so under the emulator's lock; webhooks go out
    after it).  Advancing by hand (``Emulator.advance``) adds to that.  ``mode="manual"``:
    the thread does nothing.  ``from_now=True`` first moves the clock forward to the current UTC
    time (when it is behind), so dates look like today's.
    """

    def __init__(
        self,
        emu: Emulator,
        mode: ClockMode = "manual",
        *,
        speed: float = 1.0,
        interval: float = 0.05,
        from_now: bool = False,
    ) -> None:
        _check_mode(mode)
        _check_speed(speed)
        self.emu = emu
        self.mode: ClockMode = mode
        self.speed = float(speed)
        self.interval = interval
        self.from_now = from_now
        self._last = time.monotonic()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._guard = threading.Lock()

    def start(self) -> None:
        """Start the ticker thread (once)."""
        if self._thread is not None:
            return
        if self.mode == "wall" and self.from_now:
            self.catch_up_with_today()
        self._last = time.monotonic()
        self._stop.clear()
        thread = threading.Thread(target=self._run, name="flexconv-emulator-clock", daemon=True)
        self._thread = thread
        thread.start()

    def stop(self) -> None:
        """Stop the ticker thread and wait for it."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=10)

    def configure(self, mode: ClockMode | None = None, speed: float | None = None) -> None:
        """Switch mode and/or speed; time elapsed so far counts at the old settings."""
        if mode is not None:
            _check_mode(mode)
        if speed is not None:
            _check_speed(speed)
        with self._guard:
            owed = self._elapsed()
            if mode is not None:
                self.mode = mode
            if speed is not None:
                self.speed = float(speed)
        self._advance(owed)

    def catch_up_with_today(self) -> None:
        """Move the virtual clock forward to the current UTC time, if it is behind."""
        behind = datetime.now(timezone.utc) - self.emu.now()
        if behind.total_seconds() > 0:
            self.emu.advance(behind.total_seconds())

    def tick(self) -> None:
        """Advance by the wall time elapsed since the last tick (in ``wall`` mode)."""
        with self._guard:
            owed = self._elapsed()
        self._advance(owed)

    def _elapsed(self) -> float:
        """Virtual seconds owed since the last tick, at the current settings (under the guard)."""
        now = time.monotonic()
        elapsed, self._last = now - self._last, now
        return elapsed * self.speed if self.mode == "wall" and elapsed > 0 else 0.0

    def _advance(self, seconds: float) -> None:
        # outside the guard: the emulator's lock is never taken while the guard is held
        if seconds > 0:
            self.emu.advance(seconds)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.tick()
            except Exception:  # a failing timer must not stop time
                logging.getLogger("flexconv.emulator").exception("a clock tick failed")

    def state(self) -> dict[str, Any]:
        """The clock as the control API reports it."""
        return {
            "now": iso(self.emu.now()),
            "mode": self.mode,
            "speed": self.speed,
            "pending_timers": self.emu.clock.pending(),
        }


def _check_mode(mode: str) -> None:
    if mode not in CLOCK_MODES:
        raise bad_request(f"Invalid clock mode {mode!r}: expected one of {', '.join(CLOCK_MODES)}")


def _check_speed(speed: float) -> None:
    if isinstance(speed, bool) or not isinstance(speed, (int, float)) or not speed > 0:
        raise bad_request(f"Invalid clock speed {speed!r}: expected a number above 0")
