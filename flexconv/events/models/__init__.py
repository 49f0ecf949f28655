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

The families live in modules of their own (``models.taskrouter``, ``models.assignment``,
``models.conversations``, on the shared ``models.base``); everything is importable from here.
"""

from flexconv.events.models.assignment import ASSIGNMENT, AssignmentCallback, Instruction
from flexconv.events.models.base import Event
from flexconv.events.models.conversations import (
    CONVERSATIONS_POST_EVENTS,
    CONVERSATIONS_PRE_EVENTS,
    ConversationsEvent,
    PreEventAnswer,
)
from flexconv.events.models.taskrouter import TASKROUTER_EVENT_TYPES, TaskRouterEvent

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
