"""Pure building blocks for TaskRouter routing: a typed workflow configuration (rendered to the
JSON TaskRouter expects and parsed back from it), the known-agent recipe, task attribute builders
and the checks that keep interaction tasks out of TaskRouter's cancel/delete.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, TypeVar

import attrs

from flexconv._core.errors import FlexConvError, ValidationError
from flexconv._core.sids import check_sid, is_sid

__all__ = [
    "ASSIGNMENT_STATUSES",
    "InteractionTaskError",
    "RoutingFilter",
    "RoutingTarget",
    "WorkerLookupError",
    "WorkflowConfiguration",
    "check_assignment_statuses",
    "check_task_timeout",
    "conversation_task_attributes",
    "interaction_of_task",
    "last_agent_then_queue",
    "pick_one_worker",
]

W = TypeVar("W")

ASSIGNMENT_STATUSES = ("pending", "reserved", "assigned", "canceled", "completed", "wrapping")


class InteractionTaskError(FlexConvError):
    """A task that belongs to a Flex interaction may not be canceled or deleted through TaskRouter."""

    def __init__(self, task_sid: str, interaction_sid: str | None, channel_sid: str | None) -> None:
        self.task_sid = task_sid
        self.interaction_sid = interaction_sid
        self.channel_sid = channel_sid
        where = f"interaction {interaction_sid}" if interaction_sid else "a Flex interaction"
        chan = f" channel {channel_sid}" if channel_sid else " channel"
        super().__init__(
            f"Task {task_sid} belongs to {where}: close the interaction{chan} instead "
            "(client.interactions.channels.close(...) or .deactivate(...)); canceling or "
            "deleting it through TaskRouter leaves the interaction inconsistent"
        )


class WorkerLookupError(FlexConvError, LookupError):
    """No worker, or more than one, matched a lookup.  ``candidates`` holds the SIDs found."""

    def __init__(self, message: str, candidates: Sequence[str] = ()) -> None:
        self.candidates = list(candidates)
        super().__init__(message)


#: TaskRouter's longest task time to live, in seconds (14 days; the default is one day).
TASK_TIMEOUT_MAX = 1_209_600


def check_task_timeout(value: object, name: str = "timeout") -> int:
    """A task's time to live: whole seconds from 1 to 1,209,600 (TaskRouter's maximum).

    Raises:
        TypeError: not an int.
        ValidationError: out of range.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a whole number of seconds, got {type(value).__name__}")
    if not 1 <= value <= TASK_TIMEOUT_MAX:
        raise ValidationError(
            f"{name} must be between 1 and {TASK_TIMEOUT_MAX} seconds (TaskRouter's maximum, 14 "
            f"days), got {value}"
        )
    return value


def _positive_int(value: object, name: str, *, allow_zero: bool = True) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < (0 if allow_zero else 1):
        raise ValidationError(
            f"{name} must be a {'non-negative' if allow_zero else 'positive'} integer, got {value!r}"
        )
    return value


def _text(value: object, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{name} must be a non-empty string, got {value!r}")
    return value


_TARGET_KEYS = (
    "queue",
    "expression",
    "timeout",
    "priority",
    "known_worker_sid",
    "known_worker_friendly_name",
    "order_by",
    "skip_if",
)


@attrs.define(frozen=True, kw_only=True)
class RoutingTarget:
    """One target of a workflow filter: a queue, optionally narrowed to one known worker.

    ``known_worker_sid`` / ``known_worker_friendly_name`` name a *task attribute*
    (``"task.last_agent_sid"``) or a literal value; the worker must belong to ``queue``.
    ``timeout`` is how long (seconds) the target is tried before the next one.
    Unknown keys go in ``extra`` and survive a round-trip.
    """

    queue: str
    """SID (`WQ…`) of the queue the target routes to."""
    expression: str | None = None
    """Worker expression narrowing the queue's workers (`worker.skills HAS "es"`)."""
    timeout: int | None = None
    """Seconds this target is tried before the next one."""
    priority: int | None = None
    """Priority given to the task while at this target."""
    known_worker_sid: str | None = None
    """A task attribute (`task.last_agent_sid`) or literal SID naming the one worker to offer the
    task to.
    """
    known_worker_friendly_name: str | None = None
    """Like `known_worker_sid`, by the worker's friendly name."""
    order_by: str | None = None
    """Worker ordering expression (`worker.level DESC`)."""
    skip_if: str | None = None
    """Expression that makes TaskRouter skip this target (`workers.available == 0`)."""
    extra: dict[str, Any] = attrs.field(factory=dict)
    """Other keys of the target, kept on a round-trip."""

    def __attrs_post_init__(self) -> None:
        check_sid(self.queue, "WQ", "target queue")
        if self.timeout is not None:
            _positive_int(self.timeout, "target timeout")
        if self.priority is not None:
            _positive_int(self.priority, "target priority")
        if self.known_worker_sid is not None and self.known_worker_friendly_name is not None:
            raise ValidationError("Give known_worker_sid or known_worker_friendly_name, not both")
        for name in ("expression", "known_worker_sid", "known_worker_friendly_name"):
            value = getattr(self, name)
            if value is not None:
                _text(value, name)
        if self.known_worker_sid is not None and not (
            self.known_worker_sid.startswith("task.") or is_sid(self.known_worker_sid, "WK")
        ):
            raise ValidationError(
                "known_worker_sid must be a task attribute (task.<name>) or a WK SID, "
                f"got {self.known_worker_sid!r}"
            )

    def to_dict(self) -> dict[str, Any]:
        """The target as TaskRouter's JSON object."""
        out: dict[str, Any] = {}
        for key in _TARGET_KEYS:
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        out.update(self.extra)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RoutingTarget:
        """Parse a target object, keeping unknown keys in ``extra``."""
        if not isinstance(data, Mapping):
            raise ValidationError(f"A workflow target must be an object, got {data!r}")
        known = {k: data[k] for k in _TARGET_KEYS if k in data}
        if "queue" not in known:
            raise ValidationError(f"A workflow target needs a queue, got {dict(data)!r}")
        return cls(**known, extra={k: v for k, v in data.items() if k not in _TARGET_KEYS})


_FILTER_KEYS = ("filter_friendly_name", "expression", "targets")


@attrs.define(frozen=True, kw_only=True)
class RoutingFilter:
    """A workflow filter: tasks whose attributes match ``expression`` try ``targets`` in turn."""

    expression: str
    """TaskRouter expression on the task's attributes (`channelType == "sms"`)."""
    targets: tuple[RoutingTarget, ...]
    """Targets tried in turn for a matching task."""
    friendly_name: str | None = None
    """A readable name for the filter."""
    extra: dict[str, Any] = attrs.field(factory=dict)
    """Other keys of the filter, kept on a round-trip."""

    def __attrs_post_init__(self) -> None:
        _text(self.expression, "filter expression")
        if not self.targets:
            raise ValidationError("A workflow filter needs at least one target")
        for t in self.targets:
            if not isinstance(t, RoutingTarget):
                raise ValidationError(
                    f"targets must be RoutingTarget values, got {type(t).__name__}"
                )

    def to_dict(self) -> dict[str, Any]:
        """The filter as TaskRouter's JSON object."""
        out: dict[str, Any] = {}
        if self.friendly_name is not None:
            out["filter_friendly_name"] = self.friendly_name
        out["expression"] = self.expression
        out["targets"] = [t.to_dict() for t in self.targets]
        out.update(self.extra)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RoutingFilter:
        """Parse a filter object, keeping unknown keys in ``extra``."""
        if not isinstance(data, Mapping):
            raise ValidationError(f"A workflow filter must be an object, got {data!r}")
        targets = data.get("targets")
        if not isinstance(targets, list):
            raise ValidationError(f"A workflow filter needs a targets list, got {targets!r}")
        return cls(
            expression=data.get("expression"),  # type: ignore[arg-type]
            targets=tuple(RoutingTarget.from_dict(t) for t in targets),
            friendly_name=data.get("filter_friendly_name"),
            extra={k: v for k, v in data.items() if k not in _FILTER_KEYS},
        )


@attrs.define(frozen=True, kw_only=True)
class WorkflowConfiguration:
    """A TaskRouter workflow configuration: filters tried top to bottom, then ``default_queue``.

    [`to_json()`][flexconv._core.routing.WorkflowConfiguration.to_json] renders the JSON TaskRouter expects (``{"task_routing": {...}}``);
    [`from_json()`][flexconv._core.routing.WorkflowConfiguration.from_json] parses it back, keeping keys flexconv does not model.
    """

    filters: tuple[RoutingFilter, ...] = ()
    """The filters, tried in order; the first whose expression matches routes the task."""
    #: The queue of ``default_filter``: where a task goes when no filter (or target) takes it.
    default_queue: str | None = None
    #: Other keys of ``default_filter``.
    default_filter_extra: dict[str, Any] = attrs.field(factory=dict)
    #: Other keys of ``task_routing``.
    task_routing_extra: dict[str, Any] = attrs.field(factory=dict)
    #: Other top-level keys.
    extra: dict[str, Any] = attrs.field(factory=dict)

    def __attrs_post_init__(self) -> None:
        if self.default_queue is not None:
            check_sid(self.default_queue, "WQ", "default_queue")
        for f in self.filters:
            if not isinstance(f, RoutingFilter):
                raise ValidationError(
                    f"filters must be RoutingFilter values, got {type(f).__name__}"
                )

    def to_dict(self) -> dict[str, Any]:
        """The configuration as a JSON-ready dict."""
        routing: dict[str, Any] = {"filters": [f.to_dict() for f in self.filters]}
        if self.default_queue is not None or self.default_filter_extra:
            default: dict[str, Any] = {}
            if self.default_queue is not None:
                default["queue"] = self.default_queue
            default.update(self.default_filter_extra)
            routing["default_filter"] = default
        routing.update(self.task_routing_extra)
        out: dict[str, Any] = {"task_routing": routing}
        out.update(self.extra)
        return out

    def to_json(self) -> str:
        """The configuration as the compact JSON string sent as ``Configuration``."""
        return json.dumps(self.to_dict(), separators=(",", ":"))

    @classmethod
    def from_json(cls, data: str | Mapping[str, Any]) -> WorkflowConfiguration:
        """Parse a workflow's ``configuration`` (JSON string or decoded object)."""
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError as exc:
                raise ValidationError(f"Workflow configuration is not JSON: {exc}") from None
        if not isinstance(data, Mapping):
            raise ValidationError("Workflow configuration must be a JSON object")
        routing = data.get("task_routing")
        if not isinstance(routing, Mapping):
            raise ValidationError("Workflow configuration needs a task_routing object")
        filters = routing.get("filters")
        if filters is None:
            filters = []
        if not isinstance(filters, list):
            raise ValidationError("task_routing.filters must be a list")
        default = routing.get("default_filter")
        default_extra: dict[str, Any] = {}
        default_queue = None
        if isinstance(default, Mapping):
            default_extra = {k: v for k, v in default.items() if k != "queue"}
            default_queue = default.get("queue")
        return cls(
            filters=tuple(RoutingFilter.from_dict(f) for f in filters),
            default_queue=default_queue,
            default_filter_extra=default_extra,
            task_routing_extra={
                k: v for k, v in routing.items() if k not in ("filters", "default_filter")
            },
            extra={k: v for k, v in data.items() if k != "task_routing"},
        )


def _attribute_name(attribute: str) -> str:
    _text(attribute, "attribute")
    name = attribute[5:] if attribute.startswith("task.") else attribute
    if not all(part.replace("_", "").isalnum() for part in name.split(".")):
        raise ValidationError(
            f"attribute must be a task attribute name (letters, digits, _ and dots), got {attribute!r}"
        )
    return name


def last_agent_then_queue(
    queue_sid: str,
    *,
    timeout: int = 30,
    attribute: str = "last_agent_sid",
    by: str = "sid",
    default_queue: str | None = None,
    friendly_name: str = "Last agent, then queue",
) -> WorkflowConfiguration:
    """Route to the customer's last agent; after ``timeout`` seconds fall back to the queue.

    Tasks carrying ``attribute`` (a WK SID, or with ``by="friendly_name"`` a worker's friendly
    name) are offered to that worker only, within ``queue_sid`` (the worker must be in that
    queue), for ``timeout`` seconds, then to anyone in the queue.  Tasks without the attribute go
    straight to ``default_queue`` (``queue_sid`` unless given).  Prefer this to a worker-targeted
    invite: a declined invite leaves the conversation without an agent.
    """
    check_sid(queue_sid, "WQ", "queue_sid")
    _positive_int(timeout, "timeout", allow_zero=False)
    name = _attribute_name(attribute)
    if by not in ("sid", "friendly_name"):
        raise ValidationError(f'by must be "sid" or "friendly_name", got {by!r}')
    first = RoutingTarget(
        queue=queue_sid,
        timeout=timeout,
        known_worker_sid=f"task.{name}" if by == "sid" else None,
        known_worker_friendly_name=f"task.{name}" if by == "friendly_name" else None,
    )
    return WorkflowConfiguration(
        filters=(
            RoutingFilter(
                friendly_name=friendly_name,
                expression=f"{name} != null",
                targets=(
                    first,
                    RoutingTarget(queue=queue_sid),
                ),
            ),
        ),
        default_queue=default_queue or queue_sid,
    )


def conversation_task_attributes(
    conversation_sid: str,
    *,
    channel_type: str | None = None,
    customer_address: str | None = None,
    name: str | None = None,
    direction: Literal["inbound", "outbound"] = "inbound",
    known_worker_sid: str | None = None,
    known_worker_attribute: str = "last_agent_sid",
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The attributes of a task for a conversation: the one builder for custom orchestration,
    on Flex's ``chat`` task channel or a custom one.

    ``conversationSid`` and ``conversations.media`` let the Flex UI load the conversation;
    ``channelType`` (``sms``, ``whatsapp``, or a custom channel's name) picks the Flex UI task
    channel definition that renders it as chat; ``direction`` is ``inbound`` or ``outbound``;
    ``customer_address`` is shown as ``from``/``customerAddress`` and ``name`` (which defaults
    to it); ``known_worker_sid`` is stored under ``known_worker_attribute`` for a known-agent
    workflow ([`last_agent_then_queue()`][flexconv._core.routing.last_agent_then_queue]).
    ``extra`` adds your routing data; it may not
    replace the keys above.
    """
    check_sid(conversation_sid, "CH", "conversation_sid")
    if direction not in ("inbound", "outbound"):
        raise ValidationError(f"direction must be inbound or outbound, got {direction!r}")
    attrs_: dict[str, Any] = {
        "conversationSid": conversation_sid,
        "conversations": {
            "media": [{"type": "ChatTranscript", "conversation_sid": conversation_sid}]
        },
        "direction": direction,
    }
    if channel_type is not None:
        attrs_["channelType"] = _channel_type(channel_type)
    if customer_address is not None:
        _text(customer_address, "customer_address")
        attrs_["customerAddress"] = customer_address
        attrs_["from"] = customer_address
    if name is not None or customer_address is not None:
        attrs_["name"] = _text(name, "name") if name is not None else customer_address
    if known_worker_sid is not None:
        check_sid(known_worker_sid, "WK", "known_worker_sid")
        attrs_[_attribute_name(known_worker_attribute)] = known_worker_sid
    if extra:
        if not isinstance(extra, Mapping):
            raise ValidationError("extra must be a mapping of more task attributes")
        clash = sorted(set(extra) & set(attrs_))
        if clash:
            raise ValidationError(f"extra may not replace {', '.join(clash)}")
        attrs_.update(extra)
    try:
        json.dumps(attrs_)
    except (TypeError, ValueError):
        raise ValidationError("task attributes must be JSON-serialisable") from None
    return attrs_


def _channel_type(value: object) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", value):
        raise ValidationError(
            "channel_type must be 1-64 letters, digits, '_', '.' or '-' (like 'sms' or "
            f"'custom1'), got {value!r}"
        )
    return value


def interaction_of_task(attributes: Any) -> tuple[str | None, str | None] | None:
    """``(interaction_sid, channel_sid)`` when a task's attributes say it belongs to a Flex
    interaction (``flexInteractionSid`` / ``flexInteractionChannelSid``), else ``None``."""
    if isinstance(attributes, str):
        try:
            attributes = json.loads(attributes)
        except ValueError:
            return None
    if not isinstance(attributes, Mapping):
        return None
    inter = attributes.get("flexInteractionSid")
    chan = attributes.get("flexInteractionChannelSid")
    if inter is None and chan is None:
        return None
    return (inter if isinstance(inter, str) else None, chan if isinstance(chan, str) else None)


def check_assignment_statuses(value: str | Iterable[str] | None) -> list[str] | None:
    """``AssignmentStatus`` filter values (one or several), checked."""
    if value is None:
        return None
    values = [value] if isinstance(value, str) else list(value)
    for v in values:
        if v not in ASSIGNMENT_STATUSES:
            raise ValidationError(
                f"assignment_status must be among {', '.join(ASSIGNMENT_STATUSES)}, got {v!r}"
            )
    return values


def pick_one_worker(matches: Sequence[W], what: str) -> W:
    """The single worker of a lookup; [`WorkerLookupError`][flexconv._core.routing.WorkerLookupError] for none or several."""
    if not matches:
        raise WorkerLookupError(f"No worker matches {what}")
    if len(matches) > 1:
        sids = [getattr(w, "sid", "?") for w in matches]
        raise WorkerLookupError(
            f"{len(matches)} workers match {what} ({', '.join(map(str, sids))}); use a worker SID",
            sids,
        )
    return matches[0]
