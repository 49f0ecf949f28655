"""Pure building blocks for the Interactions API: typed ``Channel`` and ``Routing`` values,
the channel close rules, wait outcomes and the open-conversation check.

Nothing here sends anything; `flexconv._async.interactions` calls these with plain values.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal

import attrs

from flexconv._core.checks import check_seconds
from flexconv._core.errors import FlexConvError, ValidationError
from flexconv._core.routing import check_task_timeout
from flexconv._core.sids import check_sid, is_sid

__all__ = [
    "CHANNEL_STATUSES",
    "CHANNEL_TYPES",
    "ChannelFailedError",
    "ChannelSpec",
    "ChannelWaitTimeoutError",
    "CustomerAddress",
    "ExistingConversationError",
    "RoutingSpec",
    "channel_outcome",
    "check_wait",
    "closing_values",
    "transfer_body",
]

CHANNEL_TYPES = ("voice", "sms", "email", "web", "whatsapp", "chat", "messenger", "gbm")
CHANNEL_STATUSES = ("setup", "active", "failed", "closed", "inactive", "pause", "transfer")
INITIATED_BY = ("customer", "agent", "api")
PARTICIPANT_STATUSES = ("closed", "wrapup")
PARTICIPANT_TYPES = ("supervisor", "customer", "external", "agent", "unknown")
TRANSFER_TYPES = ("warm", "cold", "external")
TRANSFER_STATUSES = ("active", "failed", "completed")


class ChannelFailedError(FlexConvError):
    """An interaction channel ended in ``failed``: ``code`` and ``message`` are Twilio's."""

    def __init__(
        self, interaction_sid: str, channel_sid: str, code: int | None, message: str | None
    ) -> None:
        self.interaction_sid = interaction_sid
        self.channel_sid = channel_sid
        self.code = code
        self.message = message or "no message"
        shown = f"Twilio error {code}" if code is not None else "no error code"
        super().__init__(
            f"Interaction channel {channel_sid} of {interaction_sid} failed ({shown}): {self.message}"
        )


class ChannelWaitTimeoutError(FlexConvError, TimeoutError):
    """The channel was still not ``active`` (nor ``failed``) when the wait timed out."""

    def __init__(self, interaction_sid: str, channel_sid: str, status: str, timeout: float) -> None:
        self.interaction_sid = interaction_sid
        self.channel_sid = channel_sid
        self.status = status
        self.timeout = timeout
        super().__init__(
            f"Interaction channel {channel_sid} of {interaction_sid} is still {status!r} after "
            f"{timeout:g}s; it may still become active: fetch it later"
        )


class ExistingConversationError(FlexConvError):
    """The customer is still in a non-closed conversation (``on_existing="refuse"``).

    ``conversation_sid`` and ``state`` name it; reuse it (``on_existing="reuse"``) or close it.
    """

    def __init__(self, address: str, conversation_sid: str, state: str | None) -> None:
        self.address = address
        self.conversation_sid = conversation_sid
        self.state = state
        super().__init__(
            f"{address} is still in conversation {conversation_sid} (state {state!r}); a new "
            "interaction would leave the agent an empty conversation.  Reuse it "
            '(on_existing="reuse") or close it first'
        )


def _choice(value: object, allowed: tuple[str, ...], name: str) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise ValidationError(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
    return value


def _dict(value: object, name: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise ValidationError(f"{name} must be a mapping, got {type(value).__name__}")
    return dict(value)


@attrs.define(frozen=True, kw_only=True)
class CustomerAddress:
    """A customer to reach in an agent-initiated interaction: ``address`` (``+1555…``,
    ``whatsapp:+1555…``) and the ``proxy_address`` it talks to (your Twilio number)."""

    address: str
    """The customer's address (`+1555…`, `whatsapp:+1555…`)."""
    proxy_address: str | None = None
    """Your Twilio address the customer talks to."""
    #: Other keys of the participant entry, sent as given.
    extra: dict[str, Any] = attrs.field(factory=dict)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.address, str) or not self.address.strip():
            raise ValidationError(f"address must be a non-empty string, got {self.address!r}")

    def to_wire(self) -> dict[str, Any]:
        """The ``Channel.participants[]`` entry."""
        out: dict[str, Any] = {"address": self.address}
        if self.proxy_address is not None:
            out["proxy_address"] = self.proxy_address
        out.update(self.extra)
        return out


_CHANNEL_KNOWN = ("type", "initiated_by", "properties", "participants")


@attrs.define(frozen=True, kw_only=True)
class ChannelSpec:
    """The ``Channel`` of an interaction create, built from typed values.

    Customer-initiated: ``ChannelSpec(type="sms", media_channel_sid="CH…")`` binds the interaction
    to an existing conversation.  Agent-initiated: ``initiated_by="agent"`` with either
    ``media_channel_sid`` (reuse a conversation) or ``participants`` (a new conversation).
    Keys flexconv does not model go in ``properties`` / ``extra`` and are kept on parsing.
    """

    type: str
    """Channel type of the interaction (`sms`, `whatsapp`, `chat`, `email`…)."""
    initiated_by: str = "customer"
    """Who starts the interaction: `customer`, `agent` or `api`."""
    media_channel_sid: str | None = None
    """SID (`CH…`) of an existing conversation to bind the interaction to."""
    participants: tuple[CustomerAddress, ...] = ()
    """For an agent-initiated interaction without a conversation: the customers to reach."""
    #: Other keys of ``Channel.properties``.
    properties: dict[str, Any] = attrs.field(factory=dict)
    #: Other top-level keys of ``Channel``.
    extra: dict[str, Any] = attrs.field(factory=dict)

    def __attrs_post_init__(self) -> None:
        _choice(self.type, CHANNEL_TYPES, "Channel type")
        _choice(self.initiated_by, INITIATED_BY, "initiated_by")
        if self.media_channel_sid is not None:
            check_sid(self.media_channel_sid, "CH", "media_channel_sid")
        if self.media_channel_sid is None and not self.participants:
            raise ValidationError(
                "A Channel needs media_channel_sid (an existing conversation, CH…) or participants"
            )
        if self.media_channel_sid is not None and self.participants:
            raise ValidationError("Give media_channel_sid or participants, not both")
        for p in self.participants:
            if not isinstance(p, CustomerAddress):
                raise ValidationError(
                    f"participants must hold CustomerAddress values, got {type(p).__name__}"
                )

    def to_wire(self) -> dict[str, Any]:
        """The JSON object sent as ``Channel``."""
        props = dict(self.properties)
        if self.media_channel_sid is not None:
            props["media_channel_sid"] = self.media_channel_sid
        out: dict[str, Any] = {"type": self.type, "initiated_by": self.initiated_by}
        if props:
            out["properties"] = props
        if self.participants:
            out["participants"] = [p.to_wire() for p in self.participants]
        out.update(self.extra)
        return out

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> ChannelSpec:
        """Parse a ``Channel`` object (as sent or as echoed by Twilio), keeping unknown keys."""
        data = _dict(data, "Channel")
        props = _dict(data.get("properties") or {}, "Channel.properties")
        media = props.pop("media_channel_sid", None)
        parts = []
        for entry in data.get("participants") or []:
            entry = _dict(entry, "Channel.participants[]")
            parts.append(
                CustomerAddress(
                    address=entry.pop("address", ""),
                    proxy_address=entry.pop("proxy_address", None),
                    extra=entry,
                )
            )
        return cls(
            type=data.get("type"),  # type: ignore[arg-type]
            initiated_by=data.get("initiated_by") or "customer",
            media_channel_sid=media,
            participants=tuple(parts),
            properties=props,
            extra={k: v for k, v in data.items() if k not in _CHANNEL_KNOWN},
        )


_ROUTING_KEYS = (
    "workspace_sid",
    "workflow_sid",
    "task_channel_unique_name",
    "task_channel_sid",
    "worker_sid",
    "queue_sid",
    "attributes",
    "priority",
    "timeout",
)
_ROUTING_SIDS = {
    "workspace_sid": "WS",
    "workflow_sid": "WW",
    "task_channel_sid": "TC",
    "worker_sid": "WK",
    "queue_sid": "WQ",
}


@attrs.define(frozen=True, kw_only=True)
class RoutingSpec:
    """The ``Routing`` of an interaction create or invite: ``{"properties": {...}}``.

    Everything here is copied onto the TaskRouter task; ``attributes`` become task attributes.
    Unknown keys go in ``properties`` (inside) or ``extra`` (top level) and survive parsing.
    """

    workspace_sid: str | None = None
    """SID (`WS…`) of the TaskRouter workspace that gets the task."""
    workflow_sid: str | None = None
    """SID (`WW…`) of the workflow that routes the task."""
    task_channel_unique_name: str | None = None
    """Unique name of the task channel (`chat`, `sms`, a custom one…)."""
    task_channel_sid: str | None = None
    """SID (`TC…`) of the task channel, instead of its unique name."""
    worker_sid: str | None = None
    """SID (`WK…`) of the worker to invite directly (invites only)."""
    queue_sid: str | None = None
    """SID (`WQ…`) of the queue to invite (invites only)."""
    attributes: dict[str, Any] | None = None
    """Task attributes to set on the new task."""
    priority: int | None = None
    """Priority of the new task; higher is assigned first."""
    timeout: int | None = None
    """Seconds the task may wait for assignment."""
    properties: dict[str, Any] = attrs.field(factory=dict)
    """Other keys of `Routing.properties`, sent as given."""
    extra: dict[str, Any] = attrs.field(factory=dict)
    """Other top-level keys of `Routing`, sent as given."""

    def __attrs_post_init__(self) -> None:
        for key, prefix in _ROUTING_SIDS.items():
            value = getattr(self, key)
            if value is not None:
                check_sid(value, prefix, key)
        if self.attributes is not None:
            _dict(self.attributes, "attributes")
        for key in ("priority", "timeout"):
            value = getattr(self, key)
            if value is not None and (
                not isinstance(value, int) or isinstance(value, bool) or value < 0
            ):
                raise ValidationError(f"{key} must be a non-negative integer, got {value!r}")
        if self.timeout is not None:
            check_task_timeout(self.timeout)

    def to_wire(self) -> dict[str, Any]:
        """The JSON object sent as ``Routing``."""
        props: dict[str, Any] = {}
        for key in _ROUTING_KEYS:
            value = getattr(self, key)
            if value is not None:
                props[key] = value
        props.update(self.properties)
        out: dict[str, Any] = {"properties": props}
        out.update(self.extra)
        return out

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> RoutingSpec:
        """Parse a ``Routing`` object, keeping unknown keys."""
        data = _dict(data, "Routing")
        props = _dict(data.get("properties") or {}, "Routing.properties")
        if isinstance(props.get("attributes"), str):
            # Twilio answers the created task there, its attributes a JSON string.
            try:
                props["attributes"] = json.loads(props["attributes"])
            except ValueError:
                raise ValidationError("Routing.properties.attributes is not valid JSON") from None
        known = {k: props.pop(k) for k in _ROUTING_KEYS if k in props}
        return cls(
            **known,
            properties=props,
            extra={k: v for k, v in data.items() if k != "properties"},
        )


def check_wait(timeout: object, poll_interval: object) -> None:
    """A wait's ``timeout`` and ``poll_interval``: finite seconds, at most a day.

    Raises:
        TypeError: not numbers.
        ValidationError: NaN, infinite, negative or absurdly long values.
    """
    check_seconds(timeout, "timeout")
    check_seconds(poll_interval, "poll_interval")


def closing_values(status: Literal["closed", "inactive"]) -> dict[str, Any]:
    """The ``Status``/``Routing`` values of a channel update.

    ``inactive`` always carries ``Routing={"status": "closed"}``: without it Twilio moves the
    tasks to wrapping and they stay there.
    """
    _choice(status, ("closed", "inactive"), "Channel status")
    if status == "inactive":
        return {"status": "inactive", "routing": {"status": "closed"}}
    return {"status": "closed"}


def channel_outcome(status: str | None) -> Literal["pending", "active", "failed", "ended"]:
    """Where a channel stands for a creator waiting on it."""
    if status == "active":
        return "active"
    if status == "failed":
        return "failed"
    if status in ("closed", "inactive"):
        return "ended"
    return "pending"


def transfer_body(
    *,
    type: str,
    from_: str | None,
    to: str,
    note_sid: str | None = None,
    summary_sid: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The JSON body of a transfer create (warm/cold to ``WK…``/``WQ…``, external to an address)."""
    _choice(type, TRANSFER_TYPES, "Transfer type")
    if not isinstance(to, str) or not to:
        raise ValidationError(f"to must be a non-empty string, got {to!r}")
    if type in ("warm", "cold") and not (is_sid(to, "WK") or is_sid(to, "WQ")):
        raise ValidationError(
            f"A {type} transfer goes to a worker (WK…) or a queue (WQ…), got {to!r}"
        )
    body: dict[str, Any] = {"type": type, "to": to}
    if from_ is not None:
        body["from"] = from_
    if note_sid is not None:
        body["note_sid"] = note_sid
    if summary_sid is not None:
        body["summary_sid"] = summary_sid
    body.update(extra or {})
    return body
