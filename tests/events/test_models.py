"""Typed events: fields decoded, unknown ones kept; registration names checked; answers."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from flexconv.events import (
    CONVERSATIONS_POST_EVENTS,
    CONVERSATIONS_PRE_EVENTS,
    TASKROUTER_EVENT_TYPES,
    AssignmentCallback,
    ConversationsEvent,
    Instruction,
    PreEventAnswer,
    Receiver,
    TaskRouterEvent,
)
from tests.events.helpers import ACCOUNT, TOKEN, URL, WORKSPACE, sid, signed, taskrouter_event


def parse(params: list[tuple[str, str]]) -> object:
    return Receiver(TOKEN).parse("POST", URL, *signed(params))


def test_taskrouter_event_fields() -> None:
    params = taskrouter_event(
        "task.canceled",
        TaskCanceledReason="Task TTL Exceeded",
        TimestampMs="1700000000250",
        WorkerSid=sid("WK"),
        WorkerAttributes=json.dumps({"routing": {"skills": ["a"]}}),
        TaskQueueName="Everyone",
        BrandNewField="kept",
    )
    event = parse(params)
    assert isinstance(event, TaskRouterEvent)
    assert event.event_type == "task.canceled"
    assert event.task_attributes == {"autoAnswer": "true", "conversationSid": sid("CH", 1)}
    assert event.worker_attributes == {"routing": {"skills": ["a"]}}
    assert (event.task_age, event.task_priority) == (3, 0)
    assert event.task_canceled_reason == "Task TTL Exceeded"
    assert event.timestamp == datetime(2023, 11, 14, 22, 13, 20, 250000, tzinfo=timezone.utc)
    assert event.extra["BrandNewField"] == "kept"
    assert event.extra["TimestampMs"] == "1700000000250"
    assert event.ordering_key == f"task:{event.task_sid}"
    assert event.idempotency_token
    assert "TaskAttributes" not in repr(event)


def test_undecodable_values_stay_in_extra() -> None:
    event = parse(taskrouter_event("task.updated", TaskAge="soon", WorkerAttributes="{nope"))
    assert isinstance(event, TaskRouterEvent)
    assert event.task_age is None
    assert event.extra["TaskAge"] == "soon"
    assert event.worker_attributes is None
    assert event.extra["WorkerAttributes"] == "{nope"


def test_assignment_callback_and_instructions() -> None:
    params = [
        ("AccountSid", ACCOUNT),
        ("WorkspaceSid", WORKSPACE),
        ("WorkflowSid", sid("WW")),
        ("TaskQueueSid", sid("WQ")),
        ("TaskSid", sid("WT")),
        ("TaskAge", "12"),
        ("TaskPriority", "5"),
        ("TaskAttributes", '{"autoAnswer": "true"}'),
        ("WorkerSid", sid("WK")),
        ("WorkerAttributes", '{"contact_uri": "client:alice"}'),
        ("ReservationSid", sid("WR")),
        ("Timestamp", "1700000000"),
    ]
    event = parse(params)
    assert isinstance(event, AssignmentCallback)
    assert event.event_type == "assignment"
    assert event.task_attributes == {"autoAnswer": "true"}
    assert (event.task_age, event.task_priority) == (12, 5)
    assert Instruction.accept().to_json() == {"instruction": "accept"}
    assert Instruction.reject("WA" + "1" * 32).to_json() == {
        "instruction": "reject",
        "activity_sid": "WA" + "1" * 32,
    }
    assert Instruction.later().to_json() == {}
    assert Instruction("dequeue", {"from": "+15005550006"}).to_json() == {
        "instruction": "dequeue",
        "from": "+15005550006",
    }


def test_assignment_answers_default_to_decide_later() -> None:
    receiver = Receiver(TOKEN)
    receiver.on("assignment")(lambda e: None)
    params = [("AccountSid", ACCOUNT), ("TaskSid", sid("WT")), ("ReservationSid", sid("WR"))]
    answer = receiver.handle("POST", URL, *signed(params))
    assert (answer.status, answer.body) == (200, b"{}")


def test_conversations_events() -> None:
    post = parse(
        [
            ("EventType", "onConversationStateUpdated"),
            ("AccountSid", ACCOUNT),
            ("ConversationSid", sid("CH")),
            ("StateFrom", "active"),
            ("StateTo", "closed"),
            ("Attributes", "{}"),
            ("DateCreated", "2024-01-02T03:04:05Z"),
            ("Source", "API"),
            ("RetryCount", "1"),
        ]
    )
    assert isinstance(post, ConversationsEvent)
    assert not post.is_pre_event
    assert (post.state_from, post.state_to, post.retry_count) == ("active", "closed", 1)
    assert post.date_created == datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert post.ordering_key == f"conversation:{post.conversation_sid}"
    added = parse(
        [
            ("EventType", "onParticipantAdded"),
            ("ConversationSid", sid("CH")),
            ("ParticipantSid", sid("MB")),
            ("MessagingBinding.Address", "+15005550001"),
            ("MessagingBinding.ProxyAddress", "+15005550006"),
        ]
    )
    assert isinstance(added, ConversationsEvent)
    assert added.messaging_binding_address == "+15005550001"


def test_event_type_lists() -> None:
    assert {
        "task.system-deleted",
        "reservation.wrapup",
        "workflow.timeout",
    } <= TASKROUTER_EVENT_TYPES
    assert "task-queue.moved" in TASKROUTER_EVENT_TYPES
    assert "onMessageAdd" in CONVERSATIONS_PRE_EVENTS
    assert {
        "onMessageAdded",
        "onConversationRemoved",
        "onParticipantRemoved",
    } <= CONVERSATIONS_POST_EVENTS


def test_registration_names_are_checked() -> None:
    receiver = Receiver(TOKEN)
    with pytest.raises(ValueError, match=r"reservation\.created"):
        receiver.on("reservation.create")(lambda e: None)
    with pytest.raises(TypeError):
        receiver.on()
    receiver.on("reservation.custom", unknown_ok=True)(lambda e: None)
    hits: list[str] = []
    receiver.on("task.*")(lambda e: hits.append("task"))
    receiver.on("*")(lambda e: hits.append("any"))
    receiver.on("onMessage*")(lambda e: hits.append("message"))
    receiver.handle("POST", URL, *signed(taskrouter_event("task.created")))
    receiver.handle("POST", URL, *signed(taskrouter_event("worker.created")))
    receiver.handle(
        "POST",
        URL,
        *signed([("EventType", "onMessageAdded"), ("ConversationSid", sid("CH"))]),
    )
    assert hits == ["task", "any", "any", "any", "message"]  # registration order


def test_unrecognised_callbacks_are_400() -> None:
    receiver = Receiver(TOKEN)
    assert receiver.handle("POST", URL, *signed([("Hello", "world")])).status == 400


def test_pre_event_answers() -> None:
    assert PreEventAnswer.refuse().status == 403
    with pytest.raises(ValueError, match="4xx or 5xx"):
        PreEventAnswer.refuse(204)
    with pytest.raises(ValueError, match="at least one"):
        PreEventAnswer.modify()
    changed = PreEventAnswer.modify(attributes={"a": 1}, friendly_name="x")
    # the answer's key is the documented `friendly_name` (Conversations Webhooks, Modifiable Fields)
    assert changed.changes == {"attributes": '{"a":1}', "friendly_name": "x"}


def test_policies_install_handlers_and_reach_the_client() -> None:
    client = object()
    seen: list[object] = []

    class AutoThing:
        def install(self, receiver: Receiver) -> None:
            receiver.on("reservation.created")(lambda e: seen.append(receiver.client))

    receiver = Receiver(TOKEN, client=client).use(AutoThing())
    receiver.handle("POST", URL, *signed(taskrouter_event("reservation.created")))
    assert seen == [client]
    with pytest.raises(TypeError):
        receiver.use(42)  # type: ignore[arg-type]
