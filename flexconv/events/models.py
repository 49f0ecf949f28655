"""Typed events Twilio sends, and the typed answers a handler can give.

Three families arrive at a receiver, told apart by their fields:

- [`TaskRouterEvent`][flexconv.events.TaskRouterEvent]: a workspace's ``EventCallbackUrl``
  (``EventType`` such as ``reservation.created``);
- [`AssignmentCallback`][flexconv.events.AssignmentCallback]: a workflow's
  ``AssignmentCallbackUrl`` (no ``EventType``; registered under the name ``"assignment"``),
  answered with an [`Instruction`][flexconv.events.Instruction];
- [`ConversationsEvent`][flexconv.events.ConversationsEvent]: Conversations webhooks, post-events
  (``onMessageAdded``) and pre-events (``onMessageAdd``), the latter answered with a
  [`PreEventAnswer`][flexconv.events.PreEventAnswer].

Every event is a frozen attrs object: the fields Twilio documents are typed (numbers as ``int``,
epoch and ISO dates as timezone-aware ``datetime``, ``*Attributes`` decoded from JSON into dicts);
fields this version does not know are kept verbatim in ``extra``, and ``params`` holds the whole
form as sent.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any, ClassVar

import attrs

__all__ = [
    "ASSIGNMENT",
    "CONVERSATIONS_POST_EVENTS",
    "CONVERSATIONS_PRE_EVENTS",
    "TASKROUTER_EVENT_TYPES",
    "AssignmentCallback",
    "ConversationsEvent",
    "Event",
    "Instruction",
    "PreEventAnswer",
    "TaskRouterEvent",
]

#: The name handlers use for workflow assignment callbacks (``@receiver.on("assignment")``).
ASSIGNMENT = "assignment"

#: Every TaskRouter event type Twilio documents for workspace event callbacks.
TASKROUTER_EVENT_TYPES: frozenset[str] = frozenset(
    {
        "activity.created",
        "activity.updated",
        "activity.deleted",
        "reservation.created",
        "reservation.accepted",
        "reservation.rejected",
        "reservation.timeout",
        "reservation.canceled",
        "reservation.rescinded",
        "reservation.completed",
        "reservation.failed",
        "reservation.wrapup",
        "task.created",
        "task.completed",
        "task.canceled",
        "task.deleted",
        "task.system-deleted",
        "task.updated",
        "task.wrapup",
        "task.transfer-initiated",
        "task.transfer-attempt-failed",
        "task.transfer-failed",
        "task.transfer-canceled",
        "task.transfer-completed",
        "task-channel.created",
        "task-channel.updated",
        "task-channel.deleted",
        "task-queue.created",
        "task-queue.deleted",
        "task-queue.entered",
        "task-queue.timeout",
        "task-queue.moved",
        "task-queue.expression.updated",
        "worker.activity.update",
        "worker.attributes.update",
        "worker.capacity.update",
        "worker.channel.availability.update",
        "worker.created",
        "worker.deleted",
        "workflow.created",
        "workflow.updated",
        "workflow.deleted",
        "workflow.entered",
        "workflow.skipped",
        "workflow.target-matched",
        "workflow.timeout",
        "workspace.created",
        "workspace.updated",
        "workspace.deleted",
    }
)

#: Conversations pre-events: sent before the action; the answer can refuse or modify it.
CONVERSATIONS_PRE_EVENTS: frozenset[str] = frozenset(
    {
        "onMessageAdd",
        "onMessageUpdate",
        "onMessageRemove",
        "onConversationAdd",
        "onConversationUpdate",
        "onConversationRemove",
        "onParticipantAdd",
        "onParticipantUpdate",
        "onParticipantRemove",
        "onUserUpdate",
    }
)

#: Conversations post-events: sent after the action; the answer only acknowledges.
CONVERSATIONS_POST_EVENTS: frozenset[str] = frozenset(
    {
        "onMessageAdded",
        "onMessageUpdated",
        "onMessageRemoved",
        "onConversationAdded",
        "onConversationUpdated",
        "onConversationRemoved",
        "onConversationStateUpdated",
        "onParticipantAdded",
        "onParticipantUpdated",
        "onParticipantRemoved",
        "onDeliveryUpdated",
        "onUserAdded",
        "onUserUpdated",
    }
)

# ----------------------------------------------------------------------------- field decoding


def _int(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        try:
            return int(float(value))
        except ValueError:
            return None


def _epoch(value: str) -> datetime | None:
    try:
        return datetime.fromtimestamp(float(value), tz=timezone.utc)
    except (ValueError, OverflowError, OSError):
        return None


def _iso(value: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return _epoch(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _json_object(value: str) -> dict[str, Any] | None:
    try:
        decoded = json.loads(value) if value else {}
    except ValueError:
        return None
    return decoded if isinstance(decoded, dict) else None


def _json_any(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return None


def _str(value: str) -> str:
    return value


_Decoder = Callable[[str], Any]


def _fields(table: Mapping[str, tuple[str, _Decoder]]) -> dict[str, tuple[str, _Decoder]]:
    return dict(table)


@attrs.frozen(kw_only=True)
class Event:
    """What every event has: its type, the whole form, unknown fields, and its identity."""

    event_type: str
    """The event type: ``reservation.created``, ``assignment``, ``onMessageAdded``, ..."""
    params: Mapping[str, str] = attrs.field(factory=dict, repr=False, eq=False)
    """Every parameter as sent (the last value of a repeated name)."""
    extra: Mapping[str, str] = attrs.field(factory=dict, repr=False, eq=False)
    """Parameters this version of flexconv does not model, verbatim."""
    idempotency_token: str | None = attrs.field(default=None, repr=False)
    """The ``I-Twilio-Idempotency-Token`` header, when Twilio sent one."""

    #: PascalCase parameter -> (attribute, decoder); filled by each subclass.
    _FIELDS: ClassVar[Mapping[str, tuple[str, _Decoder]]] = {}

    @classmethod
    def from_params(
        cls, params: Mapping[str, str], *, event_type: str, idempotency_token: str | None = None
    ) -> Any:
        """Build the event from form parameters (unknown ones go to ``extra``)."""
        kwargs: dict[str, Any] = {}
        extra: dict[str, str] = {}
        table = cls._FIELDS
        for name, value in params.items():
            spec = table.get(name)
            if spec is None:
                if name != "EventType":
                    extra[name] = value
                continue
            decoded = spec[1](value)
            if decoded is None and value:
                extra[name] = value  # kept when it does not decode
            kwargs[spec[0]] = decoded
        return cls(
            event_type=event_type,
            params=params,
            extra=extra,
            idempotency_token=idempotency_token,
            **kwargs,
        )

    @property
    def ordering_key(self) -> str | None:
        """Events with the same key run one at a time (a task, a conversation); ``None``: any."""
        return None

    def dedup_identity(self) -> str:
        """What identifies this event when no idempotency token came with it (see subclasses)."""
        raise NotImplementedError


_COMMON_TR = {
    "AccountSid": ("account_sid", _str),
    "WorkspaceSid": ("workspace_sid", _str),
    "TaskSid": ("task_sid", _str),
    "TaskAttributes": ("task_attributes", _json_object),
    "TaskAge": ("task_age", _int),
    "TaskPriority": ("task_priority", _int),
    "TaskQueueSid": ("task_queue_sid", _str),
    "WorkerSid": ("worker_sid", _str),
    "WorkerAttributes": ("worker_attributes", _json_object),
    "ReservationSid": ("reservation_sid", _str),
    "WorkflowSid": ("workflow_sid", _str),
    "Timestamp": ("timestamp", _epoch),
}


@attrs.frozen(kw_only=True)
class TaskRouterEvent(Event):
    """A workspace event callback (``EventCallbackUrl``): answer 2xx within 15 s."""

    sid: str | None = None
    """The event's SID (``EV…``, ``Sid``) when Twilio sends it."""
    event_description: str | None = attrs.field(default=None, repr=False)
    """``EventDescription``: what happened, in words."""
    account_sid: str | None = attrs.field(default=None, repr=False)
    """``AccountSid``: the account (``AC…``)."""
    workspace_sid: str | None = attrs.field(default=None, repr=False)
    """``WorkspaceSid``: the workspace (``WS…``)."""
    workspace_name: str | None = attrs.field(default=None, repr=False)
    """``WorkspaceName``."""
    resource_type: str | None = attrs.field(default=None, repr=False)
    """``ResourceType``: ``task``, ``reservation``, ``worker``, ``workflow``, ``taskqueue``, ..."""
    resource_sid: str | None = None
    """``ResourceSid``: the resource the event is most relevant to."""
    timestamp: datetime | None = attrs.field(default=None, repr=False)
    """When the event happened, UTC (``TimestampMs`` when sent, else ``Timestamp``)."""
    task_sid: str | None = None
    """``TaskSid`` (``WT…``)."""
    task_attributes: dict[str, Any] | None = attrs.field(default=None, repr=False)
    """``TaskAttributes`` decoded from JSON."""
    task_age: int | None = attrs.field(default=None, repr=False)
    """``TaskAge``: seconds since the task was created."""
    task_priority: int | None = attrs.field(default=None, repr=False)
    """``TaskPriority``."""
    task_assignment_status: str | None = attrs.field(default=None, repr=False)
    """``TaskAssignmentStatus``: ``pending``, ``reserved``, ``assigned``, ``wrapping``, ..."""
    task_canceled_reason: str | None = attrs.field(default=None, repr=False)
    """``TaskCanceledReason`` (``Task TTL Exceeded``, ...)."""
    task_completed_reason: str | None = attrs.field(default=None, repr=False)
    """``TaskCompletedReason``."""
    task_channel_sid: str | None = attrs.field(default=None, repr=False)
    """``TaskChannelSid`` (``TC…``)."""
    task_channel_unique_name: str | None = attrs.field(default=None, repr=False)
    """``TaskChannelUniqueName``: ``chat``, ``voice``, ``sms``, ..."""
    task_queue_sid: str | None = attrs.field(default=None, repr=False)
    """``TaskQueueSid`` (``WQ…``)."""
    task_queue_name: str | None = attrs.field(default=None, repr=False)
    """``TaskQueueName``."""
    task_queue_target_expression: str | None = attrs.field(default=None, repr=False)
    """``TaskQueueTargetExpression``."""
    task_date_created: datetime | None = attrs.field(default=None, repr=False)
    """``TaskDateCreated``, UTC."""
    task_timeout: int | None = attrs.field(default=None, repr=False)
    """``TaskTimeout``: the task's time to live in seconds."""
    task_version: int | None = attrs.field(default=None, repr=False)
    """``TaskVersion``: grows with every change of the task."""
    reservation_sid: str | None = None
    """``ReservationSid`` (``WR…``)."""
    reservation_version: int | None = attrs.field(default=None, repr=False)
    """``ReservationVersion``."""
    worker_sid: str | None = None
    """``WorkerSid`` (``WK…``)."""
    worker_name: str | None = attrs.field(default=None, repr=False)
    """``WorkerName``."""
    worker_attributes: dict[str, Any] | None = attrs.field(default=None, repr=False)
    """``WorkerAttributes`` decoded from JSON."""
    worker_activity_sid: str | None = attrs.field(default=None, repr=False)
    """``WorkerActivitySid`` (``WA…``)."""
    worker_activity_name: str | None = attrs.field(default=None, repr=False)
    """``WorkerActivityName``."""
    worker_previous_activity_sid: str | None = attrs.field(default=None, repr=False)
    """``WorkerPreviousActivitySid``."""
    worker_previous_activity_name: str | None = attrs.field(default=None, repr=False)
    """``WorkerPreviousActivityName``."""
    worker_time_in_previous_activity: int | None = attrs.field(default=None, repr=False)
    """``WorkerTimeInPreviousActivity``, seconds."""
    worker_version: int | None = attrs.field(default=None, repr=False)
    """``WorkerVersion``."""
    workflow_sid: str | None = attrs.field(default=None, repr=False)
    """``WorkflowSid`` (``WW…``)."""
    workflow_name: str | None = attrs.field(default=None, repr=False)
    """``WorkflowName``."""
    activity_sid: str | None = attrs.field(default=None, repr=False)
    """``ActivitySid`` (``WA…``)."""
    activity_name: str | None = attrs.field(default=None, repr=False)
    """``ActivityName``."""
    transfer_sid: str | None = attrs.field(default=None, repr=False)
    """``TransferSid`` of ``task.transfer-*`` events."""
    transfer_mode: str | None = attrs.field(default=None, repr=False)
    """``TransferMode``: ``COLD`` or ``WARM``."""
    transfer_type: str | None = attrs.field(default=None, repr=False)
    """``TransferType``: ``WORKER`` or ``QUEUE``."""
    transfer_to: str | None = attrs.field(default=None, repr=False)
    """``TransferTo``: the worker or queue the task goes to."""

    _FIELDS: ClassVar[Mapping[str, tuple[str, _Decoder]]] = _fields(
        {
            **_COMMON_TR,
            "Sid": ("sid", _str),
            "EventDescription": ("event_description", _str),
            "WorkspaceName": ("workspace_name", _str),
            "ResourceType": ("resource_type", _str),
            "ResourceSid": ("resource_sid", _str),
            "TaskAssignmentStatus": ("task_assignment_status", _str),
            "TaskCanceledReason": ("task_canceled_reason", _str),
            "TaskCompletedReason": ("task_completed_reason", _str),
            "TaskChannelSid": ("task_channel_sid", _str),
            "TaskChannelUniqueName": ("task_channel_unique_name", _str),
            "TaskQueueName": ("task_queue_name", _str),
            "TaskQueueTargetExpression": ("task_queue_target_expression", _str),
            "TaskDateCreated": ("task_date_created", _epoch),
            "TaskTimeout": ("task_timeout", _int),
            "TaskVersion": ("task_version", _int),
            "ReservationVersion": ("reservation_version", _int),
            "WorkerName": ("worker_name", _str),
            "WorkerActivitySid": ("worker_activity_sid", _str),
            "WorkerActivityName": ("worker_activity_name", _str),
            "WorkerPreviousActivitySid": ("worker_previous_activity_sid", _str),
            "WorkerPreviousActivityName": ("worker_previous_activity_name", _str),
            "WorkerTimeInPreviousActivity": ("worker_time_in_previous_activity", _int),
            "WorkerVersion": ("worker_version", _int),
            "WorkflowName": ("workflow_name", _str),
            "ActivitySid": ("activity_sid", _str),
            "ActivityName": ("activity_name", _str),
            "TransferSid": ("transfer_sid", _str),
            "TransferMode": ("transfer_mode", _str),
            "TransferType": ("transfer_type", _str),
            "TransferTo": ("transfer_to", _str),
        }
    )

    @classmethod
    def from_params(
        cls, params: Mapping[str, str], *, event_type: str, idempotency_token: str | None = None
    ) -> Any:
        """Build the event; ``TimestampMs`` wins over ``Timestamp`` when both are sent."""
        event = super().from_params(
            params, event_type=event_type, idempotency_token=idempotency_token
        )
        millis = _int(params.get("TimestampMs", ""))
        if millis is not None:
            precise = _epoch(str(millis / 1000))
            if precise is not None:
                event = attrs.evolve(event, timestamp=precise)
        return event

    @property
    def ordering_key(self) -> str | None:
        """The task when there is one, else the resource the event is about."""
        if self.task_sid:
            return f"task:{self.task_sid}"
        if self.resource_sid:
            return f"resource:{self.resource_sid}"
        return None

    def dedup_identity(self) -> str:
        """The event's identity when no idempotency token came with it.

        The event SID (``Sid``) when sent; otherwise ``EventType``, ``ResourceSid``,
        ``TimestampMs`` (or ``Timestamp``) and the versions of the task, reservation and worker
        it carries, so two different changes of one resource in the same second stay apart.
        """
        p = self.params
        if p.get("Sid"):
            return f"{p.get('AccountSid', '')}:{p['Sid']}"
        parts = [
            p.get("AccountSid", ""),
            self.event_type,
            p.get("ResourceSid", ""),
            p.get("TimestampMs") or p.get("Timestamp", ""),
            p.get("TaskVersion", ""),
            p.get("ReservationVersion", ""),
            p.get("WorkerVersion", ""),
        ]
        return "|".join(parts)


@attrs.frozen(kw_only=True)
class AssignmentCallback(Event):
    """A workflow's assignment callback: answer with an [`Instruction`][flexconv.events.Instruction]
    (``accept``, ``reject``, ...) or with nothing (``{}``: decide later through the REST API)."""

    account_sid: str | None = attrs.field(default=None, repr=False)
    """``AccountSid``: the account (``AC…``)."""
    workspace_sid: str | None = attrs.field(default=None, repr=False)
    """``WorkspaceSid``: the workspace (``WS…``)."""
    workflow_sid: str | None = attrs.field(default=None, repr=False)
    """``WorkflowSid`` (``WW…``)."""
    task_queue_sid: str | None = attrs.field(default=None, repr=False)
    """``TaskQueueSid`` (``WQ…``)."""
    task_sid: str | None = None
    """``TaskSid`` (``WT…``)."""
    task_attributes: dict[str, Any] | None = attrs.field(default=None, repr=False)
    """``TaskAttributes`` decoded from JSON."""
    task_age: int | None = attrs.field(default=None, repr=False)
    """``TaskAge``: seconds since the task was created."""
    task_priority: int | None = attrs.field(default=None, repr=False)
    """``TaskPriority``."""
    worker_sid: str | None = None
    """``WorkerSid`` (``WK…``)."""
    worker_attributes: dict[str, Any] | None = attrs.field(default=None, repr=False)
    """``WorkerAttributes`` decoded from JSON."""
    reservation_sid: str | None = None
    """``ReservationSid`` (``WR…``)."""
    timestamp: datetime | None = attrs.field(default=None, repr=False)
    """When the event happened, UTC (``TimestampMs`` when sent, else ``Timestamp``)."""

    _FIELDS: ClassVar[Mapping[str, tuple[str, _Decoder]]] = _fields(_COMMON_TR)

    @property
    def ordering_key(self) -> str | None:
        """The task."""
        return f"task:{self.task_sid}" if self.task_sid else None

    def dedup_identity(self) -> str:
        """Without an idempotency token: the reservation (one callback per reservation)."""
        return f"{self.params.get('AccountSid', '')}:assignment:{self.reservation_sid or ''}"


@attrs.frozen(kw_only=True)
class ConversationsEvent(Event):
    """A Conversations webhook, pre-event (``onMessageAdd``) or post-event (``onMessageAdded``).

    Conversations webhooks time out after 5 s.  ``attributes`` is the ``Attributes`` parameter
    decoded: the conversation's, the participant's or the message's, after the event's kind.
    """

    account_sid: str | None = attrs.field(default=None, repr=False)
    """``AccountSid``: the account (``AC…``)."""
    chat_service_sid: str | None = attrs.field(default=None, repr=False)
    """``ChatServiceSid`` (``IS…``)."""
    conversation_sid: str | None = None
    """``ConversationSid`` (``CH…``)."""
    messaging_service_sid: str | None = attrs.field(default=None, repr=False)
    """``MessagingServiceSid`` (``MG…``)."""
    source: str | None = attrs.field(default=None, repr=False)
    """``Source``: ``SDK``, ``API``, ``SMS``, ``WHATSAPP``, ..."""
    client_identity: str | None = attrs.field(default=None, repr=False)
    """``ClientIdentity``: the SDK user who acted."""
    retry_count: int | None = attrs.field(default=None, repr=False)
    """``RetryCount``: how many times Twilio retried this webhook."""
    webhook_sid: str | None = attrs.field(default=None, repr=False)
    """``WebhookSid`` of a conversation-scoped webhook."""
    friendly_name: str | None = attrs.field(default=None, repr=False)
    """``FriendlyName``."""
    unique_name: str | None = attrs.field(default=None, repr=False)
    """``UniqueName``."""
    attributes: dict[str, Any] | None = attrs.field(default=None, repr=False)
    """``Attributes`` decoded from JSON: the conversation's, participant's or message's."""
    date_created: datetime | None = attrs.field(default=None, repr=False)
    """``DateCreated``, UTC."""
    date_updated: datetime | None = attrs.field(default=None, repr=False)
    """``DateUpdated``, UTC."""
    state: str | None = attrs.field(default=None, repr=False)
    """``State``: ``active``, ``inactive``, ``closed``."""
    state_from: str | None = attrs.field(default=None, repr=False)
    """``StateFrom`` (``onConversationStateUpdated``)."""
    state_to: str | None = attrs.field(default=None, repr=False)
    """``StateTo`` (``onConversationStateUpdated``)."""
    reason: str | None = attrs.field(default=None, repr=False)
    """``Reason`` (``onConversationStateUpdated``)."""
    participant_sid: str | None = None
    """``ParticipantSid`` (``MB…``)."""
    identity: str | None = attrs.field(default=None, repr=False)
    """``Identity``: the participant's chat identity."""
    role_sid: str | None = attrs.field(default=None, repr=False)
    """``RoleSid`` (``RL…``)."""
    messaging_binding_address: str | None = attrs.field(default=None, repr=False)
    """``MessagingBinding.Address``: the customer's address."""
    messaging_binding_proxy_address: str | None = attrs.field(default=None, repr=False)
    """``MessagingBinding.ProxyAddress``: your Twilio address."""
    messaging_binding_projected_address: str | None = attrs.field(default=None, repr=False)
    """``MessagingBinding.ProjectedAddress``."""
    message_sid: str | None = None
    """``MessageSid`` (``IM…``)."""
    index: int | None = attrs.field(default=None, repr=False)
    """``Index`` of the message in the conversation."""
    author: str | None = attrs.field(default=None, repr=False)
    """``Author`` of the message."""
    body: str | None = attrs.field(default=None, repr=False)
    """``Body`` of the message."""
    media: Any = attrs.field(default=None, repr=False)
    """``Media`` of a message, decoded from JSON."""

    _FIELDS: ClassVar[Mapping[str, tuple[str, _Decoder]]] = _fields(
        {
            "AccountSid": ("account_sid", _str),
            "ChatServiceSid": ("chat_service_sid", _str),
            "ConversationSid": ("conversation_sid", _str),
            "MessagingServiceSid": ("messaging_service_sid", _str),
            "Source": ("source", _str),
            "ClientIdentity": ("client_identity", _str),
            "RetryCount": ("retry_count", _int),
            "WebhookSid": ("webhook_sid", _str),
            "FriendlyName": ("friendly_name", _str),
            "UniqueName": ("unique_name", _str),
            "Attributes": ("attributes", _json_object),
            "DateCreated": ("date_created", _iso),
            "DateUpdated": ("date_updated", _iso),
            "State": ("state", _str),
            "StateFrom": ("state_from", _str),
            "StateTo": ("state_to", _str),
            "Reason": ("reason", _str),
            "ParticipantSid": ("participant_sid", _str),
            "Identity": ("identity", _str),
            "RoleSid": ("role_sid", _str),
            "MessagingBinding.Address": ("messaging_binding_address", _str),
            "MessagingBinding.ProxyAddress": ("messaging_binding_proxy_address", _str),
            "MessagingBinding.ProjectedAddress": ("messaging_binding_projected_address", _str),
            "MessageSid": ("message_sid", _str),
            "Index": ("index", _int),
            "Author": ("author", _str),
            "Body": ("body", _str),
            "Media": ("media", _json_any),
        }
    )

    @property
    def is_pre_event(self) -> bool:
        """Whether Twilio waits for the answer before acting (``onMessageAdd``, ...)."""
        return self.event_type in CONVERSATIONS_PRE_EVENTS

    @property
    def ordering_key(self) -> str | None:
        """The conversation."""
        return f"conversation:{self.conversation_sid}" if self.conversation_sid else None

    def dedup_identity(self) -> str:
        """Without an idempotency token: every parameter but ``RetryCount``, hashed."""
        import hashlib

        digest = hashlib.sha256()
        for name in sorted(self.params):
            if name != "RetryCount":
                digest.update(f"{name}={self.params[name]}\n".encode())
        return f"{self.params.get('AccountSid', '')}:conv:{digest.hexdigest()}"


# ------------------------------------------------------------------------------------- answers


@attrs.frozen
class Instruction:
    """The answer to an assignment callback.

    ``Instruction.accept()``, ``Instruction.reject()``, ``Instruction.later()`` (``{}``: decide
    later through the REST API), or any other instruction Twilio knows
    (``Instruction("dequeue", {"from": "+1..."})``: ``call``, ``redirect``, ``conference``).
    """

    name: str | None
    """``accept``, ``reject``, ``dequeue``, ``call``, ``redirect``, ``conference``; ``None``: ``{}``."""
    params: Mapping[str, Any] = attrs.field(factory=dict)
    """Every parameter as sent (the last value of a repeated name)."""

    @classmethod
    def accept(cls) -> Instruction:
        """Accept the reservation now."""
        return cls("accept")

    @classmethod
    def reject(cls, activity_sid: str | None = None) -> Instruction:
        """Reject the reservation; ``activity_sid`` moves the worker to that activity."""
        return cls("reject", {"activity_sid": activity_sid} if activity_sid else {})

    @classmethod
    def later(cls) -> Instruction:
        """Answer ``{}``: the reservation stays pending until the REST API (or its timeout)."""
        return cls(None)

    def to_json(self) -> dict[str, Any]:
        """The JSON object Twilio expects."""
        if self.name is None:
            return {}
        return {"instruction": self.name, **self.params}


@attrs.frozen
class PreEventAnswer:
    """The answer to a Conversations pre-event (``onMessageAdd``, ...).

    Twilio refuses the action when the answer is 4xx or 5xx, and applies the fields of a 200
    JSON answer to it.  Which fields can change depends on the event (the "Modifiable Fields" of
    https://www.twilio.com/docs/conversations/conversations-webhooks): ``friendly_name`` for
    ``onConversationAdd`` and ``onConversationUpdate``; ``body``, ``author`` and ``attributes``
    for ``onMessageAdd`` and ``onMessageUpdate``; nothing for the others.  They are sent as given.
    """

    status: int = 200
    """The HTTP status: 200 lets the action proceed, anything else refuses it."""
    changes: Mapping[str, Any] = attrs.field(factory=dict)
    """Parameters to change, sent as a JSON object with a 200 answer."""

    @classmethod
    def allow(cls) -> PreEventAnswer:
        """Let the action proceed unchanged."""
        return cls()

    @classmethod
    def refuse(cls, status: int = 403) -> PreEventAnswer:
        """Refuse the action (any status outside 2xx; 403 by default)."""
        if not isinstance(status, int) or 200 <= status < 300 or not 400 <= status < 600:
            raise ValueError(f"refuse() needs a 4xx or 5xx status, got {status!r}")
        return cls(status)

    @classmethod
    def modify(
        cls,
        changes: Mapping[str, Any] | None = None,
        *,
        body: str | None = None,
        author: str | None = None,
        attributes: Mapping[str, Any] | None = None,
        friendly_name: str | None = None,
    ) -> PreEventAnswer:
        """Let the action proceed with changed parameters (``body``, ``author``, ...)."""
        merged: dict[str, Any] = dict(changes or {})
        if body is not None:
            merged["body"] = body
        if author is not None:
            merged["author"] = author
        if attributes is not None:
            merged["attributes"] = json.dumps(dict(attributes), separators=(",", ":"))
        if friendly_name is not None:
            merged["friendly_name"] = friendly_name
        if not merged:
            raise ValueError("modify() needs at least one parameter to change")
        return cls(200, merged)
