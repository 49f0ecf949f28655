"""The receiver's handlers: which event types they are registered for, checked at registration,
and which of them run for an event type (foreground and background)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, TypeVar

import attrs

from flexconv.events.models import (
    ASSIGNMENT,
    CONVERSATIONS_POST_EVENTS,
    CONVERSATIONS_PRE_EVENTS,
    TASKROUTER_EVENT_TYPES,
)

__all__ = ["Handler", "Registration", "Registry"]

#: A handler: gets the event, returns ``None`` or (assignment callbacks, pre-events) an answer;
#: a plain function or a coroutine function.
Handler = Callable[[Any], Any]
H = TypeVar("H", bound=Handler)

KNOWN_NAMES = (
    TASKROUTER_EVENT_TYPES | CONVERSATIONS_PRE_EVENTS | CONVERSATIONS_POST_EVENTS | {ASSIGNMENT}
)


@attrs.frozen
class Registration:
    """One handler registered for one event type or pattern."""

    name: str
    handler: Handler
    background: bool
    is_async: bool
    ident: str


def check_name(name: object, *, unknown_ok: bool) -> str:
    """``name`` when it is an event type this version knows, a pattern, or ``unknown_ok``."""
    if not isinstance(name, str) or not name:
        raise TypeError(f"An event name must be a non-empty string, got {name!r}")
    if name.endswith("*") or name in KNOWN_NAMES or unknown_ok:
        return name
    import difflib

    close = difflib.get_close_matches(name, sorted(KNOWN_NAMES), n=3)
    hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
    raise ValueError(
        f"Unknown event type {name!r}: expected a TaskRouter event type "
        "('reservation.created', ...), 'assignment', a Conversations webhook ('onMessageAdded', "
        f"'onMessageAdd', ...) or a prefix pattern ending in '*' ('task.*').{hint} "
        "Pass unknown_ok=True for a type this version does not know."
    )


class Registry:
    """The handlers by event type, exact names and prefix patterns, in registration order."""

    def __init__(self) -> None:
        self._exact: dict[str, list[Registration]] = {}
        self._patterns: list[Registration] = []
        self._cache: dict[str, tuple[list[Registration], list[Registration]]] = {}

    def add(
        self,
        name: str,
        handler: Handler,
        *,
        background: bool,
        unknown_ok: bool,
        ident: str | None,
    ) -> None:
        """Check and register ``handler`` for ``name`` (see
        [`Receiver.add_handler`][flexconv.events.Receiver.add_handler])."""
        name = check_name(name, unknown_ok=unknown_ok)
        if not callable(handler):
            raise TypeError(f"A handler must be callable, got {type(handler).__name__}")
        if background and (name == ASSIGNMENT or name in CONVERSATIONS_PRE_EVENTS):
            raise ValueError(
                f"{name!r} is answered by its handler: it cannot run in the background"
            )
        is_async = inspect.iscoroutinefunction(handler) or inspect.iscoroutinefunction(
            getattr(handler, "__call__", None)  # noqa: B004
        )
        reg = Registration(
            name,
            handler,
            background,
            is_async,
            ident
            or f"{getattr(handler, '__module__', '')}.{getattr(handler, '__qualname__', repr(handler))}",
        )
        if name.endswith("*"):
            self._patterns.append(reg)
        else:
            self._exact.setdefault(name, []).append(reg)
        self._cache.clear()

    def handlers(self, event_type: str) -> tuple[list[Registration], list[Registration]]:
        """The foreground and the background handlers for ``event_type``."""
        found = self._cache.get(event_type)
        if found is None:
            regs = list(self._exact.get(event_type, ()))
            regs += [r for r in self._patterns if event_type.startswith(r.name[:-1])]
            found = ([r for r in regs if not r.background], [r for r in regs if r.background])
            self._cache[event_type] = found
        return found

    def __len__(self) -> int:
        return sum(len(v) for v in self._exact.values()) + len(self._patterns)
