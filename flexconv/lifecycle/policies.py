"""The policies a receiver installs (``receiver.use(auto_accept())``): each builds, at install
time, the sync or async engine matching ``receiver.client`` and registers its handlers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal

from flexconv._core.errors import ValidationError
from flexconv.lifecycle.rules import ChannelRules, JanitorRules, Predicate, auto_answer

if TYPE_CHECKING:
    from flexconv.events.receiver import Receiver

__all__ = [
    "AutoAcceptPolicy",
    "JanitorPolicy",
    "OverridesPolicy",
    "auto_accept",
    "janitor",
    "overrides",
]


def _flavour(receiver: Receiver) -> tuple[Any, bool]:
    """``(client, is_async)`` of the receiver, or a clear error."""
    from flexconv._async.client import AsyncFlexConv
    from flexconv._sync.client import FlexConv

    client = receiver.client
    if isinstance(client, AsyncFlexConv):
        return client, True
    if isinstance(client, FlexConv):
        return client, False
    raise ValidationError(
        "The lifecycle policies act through the receiver's client: create it with "
        "Receiver(auth_token, client=FlexConv(...)) (or AsyncFlexConv), got "
        f"{type(client).__name__}"
    )


class _Policy:
    #: The engine built at install (`TaskLifecycle`, `AsyncTaskLifecycle`, ...); ``None`` before.
    engine: Any = None

    def _build(self, client: Any, is_async: bool) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def install(self, receiver: Receiver) -> None:
        """Build the engine for ``receiver.client`` and register its handlers."""
        client, is_async = _flavour(receiver)
        self.engine = self._build(client, is_async)
        self.engine.install(receiver)


class AutoAcceptPolicy(_Policy):
    """See [`auto_accept`][flexconv.lifecycle.auto_accept]."""

    def __init__(self, predicate: Predicate, via: tuple[str, ...]) -> None:
        self.predicate = predicate
        self.via = via

    def _build(self, client: Any, is_async: bool) -> Any:
        if is_async:
            from flexconv.lifecycle._async.engine import AsyncAutoAccept

            return AsyncAutoAccept(client, self.predicate, via=self.via)
        from flexconv.lifecycle._sync.engine import AutoAccept

        return AutoAccept(client, self.predicate, via=self.via)

    def __repr__(self) -> str:
        return f"AutoAcceptPolicy(predicate={getattr(self.predicate, '__name__', self.predicate)!r}, via={self.via!r})"


class OverridesPolicy(_Policy):
    """See [`overrides`][flexconv.lifecycle.overrides]; after install, ``policy.engine`` is the
    [`TaskLifecycle`][flexconv.lifecycle.TaskLifecycle] (or its async twin) whose ``wrap_up``
    and ``complete`` your backend calls."""

    def __init__(self, rules: ChannelRules, channels: Mapping[str, ChannelRules]) -> None:
        self.rules = rules
        self.channels = dict(channels)

    def _build(self, client: Any, is_async: bool) -> Any:
        if is_async:
            from flexconv.lifecycle._async.engine import AsyncTaskLifecycle

            return AsyncTaskLifecycle(client, self.rules, channels=self.channels)
        from flexconv.lifecycle._sync.engine import TaskLifecycle

        return TaskLifecycle(client, self.rules, channels=self.channels)

    def __repr__(self) -> str:
        return f"OverridesPolicy(rules={self.rules!r}, channels={sorted(self.channels)!r})"


class JanitorPolicy(_Policy):
    """See [`janitor`][flexconv.lifecycle.janitor]."""

    def __init__(self, rules: JanitorRules) -> None:
        self.rules = rules

    def _build(self, client: Any, is_async: bool) -> Any:
        if is_async:
            from flexconv.lifecycle._async.engine import AsyncJanitor

            return AsyncJanitor(client, self.rules)
        from flexconv.lifecycle._sync.engine import Janitor

        return Janitor(client, self.rules)

    def __repr__(self) -> str:
        return f"JanitorPolicy(rules={self.rules!r})"


def auto_accept(
    predicate: Predicate | None = None,
    *,
    via: Literal["event", "assignment", "both"] = "both",
) -> AutoAcceptPolicy:
    """Accept reservations from your backend, with no Flex UI open.

    ```python
    receiver.use(auto_accept())  # the FAQ's rule: task attribute autoAnswer == "true"
    receiver.use(auto_accept(lambda attrs: attrs.get("vip") is True, via="event"))
    ```

    ``predicate`` gets the task's attributes (default
    [`auto_answer`][flexconv.lifecycle.auto_answer]).  ``via="event"`` accepts on
    ``reservation.created`` through the REST API; ``"assignment"`` answers the workflow's
    assignment callback with ``accept``; ``"both"`` (default) registers both, whichever the
    account is wired for.  Idempotent: a reservation already accepted, canceled, rejected or
    timed out (re-read before acting) is left alone, not an error.
    """
    if predicate is None:
        predicate = auto_answer
    if not callable(predicate):
        raise ValidationError(f"predicate must be callable, got {type(predicate).__name__}")
    modes = {"event": ("event",), "assignment": ("assignment",), "both": ("event", "assignment")}
    if via not in modes:
        raise ValidationError(f"via must be 'event', 'assignment' or 'both', got {via!r}")
    return AutoAcceptPolicy(predicate, modes[via])


def overrides(
    rules: ChannelRules | None = None,
    *,
    channels: Mapping[str, ChannelRules] | Iterable[tuple[str, ChannelRules]] | None = None,
) -> OverridesPolicy:
    """Accept, wrap-up and complete overrides for your own orchestration.

    ```python
    policy = overrides(
        ChannelRules(on_complete="close"),
        channels={"whatsapp": ChannelRules(on_complete="leave_open")},  # post-chat survey
    )
    receiver.use(policy)
    policy.engine.complete(task_sid)  # your backend ends the task
    ```

    On ``reservation.accepted`` the agent joins a custom task's conversation (role ``agent``);
    on ``task.wrapup`` and ``task.completed`` the rules of the task's channel apply (see
    [`ChannelRules`][flexconv.lifecycle.ChannelRules]).  Interactions tasks are ended through
    the Interactions API only.
    """
    base = rules if rules is not None else ChannelRules()
    table = dict(channels or {})
    for name, value in [("rules", base), *table.items()]:
        if not isinstance(value, ChannelRules):
            raise ValidationError(f"{name} must be a ChannelRules, got {type(value).__name__}")
    return OverridesPolicy(base, table)


def janitor(rules: JanitorRules | None = None, **settings: Any) -> JanitorPolicy:
    """Leave no conversation open without a task.

    ```python
    receiver.use(janitor(message="Sorry, nobody could take your request; please write again."))
    receiver.use(janitor(action="reroute", queue_sid="WQ...", workflow_sid="WW..."))
    ```

    Acts on ``task.canceled`` (TTL, workflow timeout), ``workflow.timeout``, ``task.deleted``,
    ``task.system-deleted``, a rejected or timed-out offer whose task ended, and
    ``onParticipantRemoved`` when only the customer is left: when the conversation is still open
    and no task for it is open, it is closed (through its interaction channel for Interactions
    conversations) or re-routed once.  ``settings`` are those of
    [`JanitorRules`][flexconv.lifecycle.JanitorRules].
    """
    if rules is not None and settings:
        raise ValidationError("Pass a JanitorRules or keyword settings, not both")
    if rules is None:
        try:
            rules = JanitorRules(**settings)
        except TypeError as exc:
            raise ValidationError(f"janitor(): {exc}") from None
    if not isinstance(rules, JanitorRules):
        raise ValidationError(f"rules must be a JanitorRules, got {type(rules).__name__}")
    return JanitorPolicy(rules)
