"""Plain settings of the lifecycle policies (no I/O): what to do on accept, wrap-up and completion
per task channel, which reservations to auto-accept, what the janitor does with an orphan."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal

import attrs

__all__ = [
    "KEEP_OPEN_ATTRIBUTE",
    "OPEN_TASK_STATUSES",
    "REROUTED_ATTRIBUTE",
    "ChannelRules",
    "JanitorRules",
    "Predicate",
    "auto_answer",
    "rules_for",
]

#: Task assignment statuses in which a task still holds its conversation.
OPEN_TASK_STATUSES = ("pending", "reserved", "assigned", "wrapping")

#: The conversation attribute the policies set when a conversation is deliberately left open
#: after its task completed (a post-chat survey); the janitor leaves such conversations alone.
KEEP_OPEN_ATTRIBUTE = "flexconvKeepOpen"

#: The conversation attribute the janitor sets when it re-routes a conversation, so that it
#: re-routes each conversation once, whichever task's end (or late event) it sees next.
REROUTED_ATTRIBUTE = "flexconvRerouted"

#: Decides from a task's attributes whether a reservation is accepted by the backend.
Predicate = Callable[[Mapping[str, Any]], bool]


def auto_answer(attributes: Mapping[str, Any]) -> bool:
    """The FAQ's rule: the task attribute ``autoAnswer`` is ``"true"`` (a JSON ``true`` counts)."""
    value = attributes.get("autoAnswer")
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _one_of(*choices: str) -> Callable[[Any, Any, Any], None]:
    def check(_: Any, attribute: Any, value: Any) -> None:
        if value not in choices:
            raise ValueError(
                f"{attribute.name} must be one of {', '.join(map(repr, choices))}, got {value!r}"
            )

    return check


def _optional_text(_: Any, attribute: Any, value: Any) -> None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise ValueError(f"{attribute.name} must be a non-empty string or None, got {value!r}")


@attrs.frozen(kw_only=True)
class ChannelRules:
    """What the task overrides do for tasks of one channel (every field is a keyword)."""

    add_agent: bool = True
    """On accept, add the agent to the conversation (chat identity, role `role`).  Custom
    TaskRouter tasks only: for Interactions tasks Flex adds the agent itself."""
    on_wrapup: Literal["keep_agent", "remove_agent"] = attrs.field(
        default="keep_agent", validator=_one_of("keep_agent", "remove_agent")
    )
    """``"keep_agent"`` (the agent stays to finish notes) or ``"remove_agent"`` at wrap-up.

    For a custom task the agent's chat participant is removed and the task stays ``wrapping``.
    For an Interactions task the only way out of the conversation is the agent's interaction
    participant going to ``closed``, which completes their task as well: the wrap-up ends there
    and the completion rules (`on_complete`) apply next."""
    wrapup_message: str | None = attrs.field(default=None, validator=_optional_text)
    """Posted to the conversation (once) when the task goes to wrap-up."""
    on_complete: Literal["close", "leave_open"] = attrs.field(
        default="close", validator=_one_of("close", "leave_open")
    )
    """``"close"`` the conversation, or ``"leave_open"`` (a post-chat survey: the agent leaves,
    the conversation stays, marked with `KEEP_OPEN_ATTRIBUTE`)."""
    complete_message: str | None = attrs.field(default=None, validator=_optional_text)
    """Posted to the conversation (once) when the task completes, before closing."""
    role: str = "agent"
    """The Conversations role the agent gets (Flex's ``agent``)."""
    author: str | None = attrs.field(default=None, validator=_optional_text)
    """The author of the posted messages (``None``: Twilio's default, ``system``)."""


def rules_for(
    default: ChannelRules,
    channels: Mapping[str, ChannelRules],
    task_channel: str | None,
    attributes: Mapping[str, Any] | None,
) -> ChannelRules:
    """The rules for a task: by its ``channelType`` attribute (``sms``, ``whatsapp``, your
    custom channel), else by its task channel's unique name (``chat``, ``sms``), else ``default``."""
    channel_type = (attributes or {}).get("channelType")
    if isinstance(channel_type, str) and channel_type in channels:
        return channels[channel_type]
    if task_channel and task_channel in channels:
        return channels[task_channel]
    return default


@attrs.frozen(kw_only=True)
class JanitorRules:
    """What the janitor does with a conversation left open without a task."""

    action: Literal["close", "reroute"] = attrs.field(
        default="close", validator=_one_of("close", "reroute")
    )
    """``"close"`` the conversation, or ``"reroute"`` it once: an invite to `queue_sid` for an
    Interactions conversation, a TaskRouter task through `workflow_sid` for a custom one.  The
    new task carries the ended task's attributes with ``rerouted: true``, and the conversation
    is marked with `REROUTED_ATTRIBUTE`; when a re-routed conversation is orphaned again, it is
    closed."""
    message: str | None = attrs.field(default=None, validator=_optional_text)
    """Posted to the customer (once) before closing."""
    author: str | None = attrs.field(default=None, validator=_optional_text)
    """The author of that message."""
    workflow_sid: str | None = None
    """The workflow re-routed tasks go through (``None``: the workspace's only workflow)."""
    queue_sid: str | None = None
    """The queue an Interactions conversation is re-routed to (required to re-route one)."""
    participant_removed: bool = True
    """Also act on ``onParticipantRemoved`` when no agent and no open task is left (two agents
    leaving at once)."""
