"""Receive Twilio's callbacks safely: TaskRouter event and assignment callbacks, Conversations
webhooks.

A [`Receiver`][flexconv.events.Receiver] checks ``X-Twilio-Signature`` (403 when missing or
forged, before any handler runs), refuses oversized bodies (413), parses the request into a
typed event, runs the handlers registered for its type exactly once (duplicates get the first
answer; events of one task or conversation run one at a time) and answers within Twilio's
budget.  The modules: ``models`` (events and answers), ``receiver``, ``stores``, ``signature``
and ``adapters`` (ASGI, WSGI); everything public is importable from ``flexconv.events``.
"""

from flexconv.events.adapters import ASGIApp, WSGIApp
from flexconv.events.models import (
    ASSIGNMENT,
    CONVERSATIONS_POST_EVENTS,
    CONVERSATIONS_PRE_EVENTS,
    TASKROUTER_EVENT_TYPES,
    AssignmentCallback,
    ConversationsEvent,
    Event,
    Instruction,
    PreEventAnswer,
    TaskRouterEvent,
)
from flexconv.events.receiver import Handler, Policy, Receiver, Response
from flexconv.events.signature import SignatureChecker
from flexconv.events.stores import AsyncStore, Claim, MemoryStore, RedisStore, SQLiteStore, Store

__all__ = [
    "ASSIGNMENT",
    "CONVERSATIONS_POST_EVENTS",
    "CONVERSATIONS_PRE_EVENTS",
    "TASKROUTER_EVENT_TYPES",
    "ASGIApp",
    "AssignmentCallback",
    "AsyncStore",
    "Claim",
    "ConversationsEvent",
    "Event",
    "Handler",
    "Instruction",
    "MemoryStore",
    "Policy",
    "PreEventAnswer",
    "Receiver",
    "RedisStore",
    "Response",
    "SQLiteStore",
    "SignatureChecker",
    "Store",
    "TaskRouterEvent",
    "WSGIApp",
]
