"""What the receiver answers: the [`Response`][flexconv.events.Response] triple, the fixed
answers, the answer built from the handlers' return values, the answers kept for duplicates, and
the log records about them."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from flexconv.events.models import (
    AssignmentCallback,
    ConversationsEvent,
    Event,
    Instruction,
    PreEventAnswer,
    TaskRouterEvent,
)

if TYPE_CHECKING:
    import logging

__all__ = ["Response"]

#: Seconds Twilio waits for an answer: TaskRouter callbacks 15 s, Conversations webhooks 5 s.
BUDGETS = {"taskrouter": 15.0, "assignment": 15.0, "conversations": 5.0}


class Response(NamedTuple):
    """What [`Receiver.handle`][flexconv.events.Receiver.handle] returns."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


def logger() -> logging.Logger:
    """The ``flexconv.events`` logger (``logging`` is imported on first use)."""
    import logging

    return logging.getLogger("flexconv.events")


def text(status: int, message: str) -> Response:
    """A plain-text answer."""
    return Response(status, [("content-type", "text/plain; charset=utf-8")], message.encode())


JSON = [("content-type", "application/json")]
EMPTY_204 = Response(204, JSON, b"")
EMPTY_200 = Response(200, [("content-type", "text/plain; charset=utf-8")], b"")
EMPTY_OBJECT = Response(200, JSON, b"{}")
FORBIDDEN = text(403, "Forbidden: the X-Twilio-Signature does not match")
TOO_LARGE = text(413, "Payload Too Large")
BUSY = text(503, "Busy with the same event or key: deliver again later")
STORE_FAILED = text(503, "The event store is unavailable: deliver again later")

#: What follows a 5xx answer (see `failure_route`).
FailureRoute = Literal["redeliver", "refuse", "retry"]


def encode(response: Response) -> bytes:
    """A response as the store keeps it for duplicates."""
    ctype = next((v for k, v in response.headers if k == "content-type"), "")
    return f"{response.status}\n{ctype}\n".encode() + response.body


def decode(stored: bytes) -> Response:
    """The response a store kept (see `encode`)."""
    status, ctype, body = stored.split(b"\n", 2)
    headers = [("content-type", ctype.decode())] if ctype else []
    return Response(int(status), headers, body)


def family(event: Event) -> str:
    """Which kind of callback the event is: a key of `BUDGETS`."""
    if isinstance(event, TaskRouterEvent):
        return "taskrouter"
    if isinstance(event, AssignmentCallback):
        return "assignment"
    return "conversations"


def default(event: Event) -> Response:
    """The answer when no handler answers."""
    if isinstance(event, TaskRouterEvent):
        return EMPTY_204
    if isinstance(event, AssignmentCallback):
        return EMPTY_OBJECT
    return EMPTY_200


def answer(event: Event, results: Iterable[Any]) -> Response:
    """The response from the handlers' return values (the first answer wins)."""
    for result in results:
        if result is None:
            continue
        if isinstance(event, AssignmentCallback) and isinstance(result, Instruction):
            return Response(200, JSON, json.dumps(result.to_json(), separators=(",", ":")).encode())
        if (
            isinstance(event, ConversationsEvent)
            and event.is_pre_event
            and isinstance(result, PreEventAnswer)
        ):
            if result.status != 200:
                return text(result.status, "Refused")
            if not result.changes:
                return EMPTY_200
            return Response(
                200, JSON, json.dumps(dict(result.changes), separators=(",", ":")).encode()
            )
        expected = (
            "an Instruction or None"
            if isinstance(event, AssignmentCallback)
            else "a PreEventAnswer or None"
            if isinstance(event, ConversationsEvent) and event.is_pre_event
            else "None"
        )
        raise TypeError(
            f"A handler for {event.event_type!r} returned {type(result).__name__}; "
            f"expected {expected}"
        )
    return default(event)


def budget_check(event: Event, started: float) -> None:
    """Warn when the handlers took longer than Twilio waits for this kind of callback."""
    budget = BUDGETS[family(event)]
    elapsed = time.monotonic() - started
    if elapsed > budget:
        logger().warning(
            "flexconv.events: handlers for %s took %.1fs, longer than Twilio waits (%gs); "
            "register slow work with background=True",
            event.event_type,
            elapsed,
            budget,
        )


def failure_route(event: Event) -> FailureRoute:
    """What follows a 5xx answer to ``event`` (a handler failed, the store failed, or its key
    stayed busy): ``"redeliver"``: Twilio sends a TaskRouter callback again (with the connection
    overrides `Wiring` writes); ``"refuse"``: Twilio refuses the action of a Conversations
    pre-event (the answer is its decision); ``"retry"``: Twilio never sends a Conversations
    webhook again, so a post-event is acknowledged and retried in the background instead."""
    if not isinstance(event, ConversationsEvent):
        return "redeliver"
    return "refuse" if event.is_pre_event else "retry"


#: How each route reads in the log, after the reason for the 5xx.
_THEN: dict[FailureRoute, str] = {
    "redeliver": "answering {status} so Twilio delivers it again",
    "refuse": "answering {status}, which refuses the action",
    "retry": "acknowledged, retrying it in the background (Twilio does not deliver it again)",
}


def store_failed(event: Event, exc: BaseException) -> Response:
    """Log a store failure; the answer is `STORE_FAILED` (a 503; see `failure_route` for what
    follows it)."""
    logger().error(
        "flexconv.events: the store failed (%s) for %s; %s",
        type(exc).__name__,
        event.event_type,
        _THEN[failure_route(event)].format(status=STORE_FAILED.status),
        exc_info=exc,
    )
    return STORE_FAILED


def failed(event: Event, exc: BaseException) -> Response:
    """Log a handler failure; the answer is a 500 (see `failure_route` for what follows it)."""
    logger().error(
        "flexconv.events: a handler for %s failed; %s",
        event.event_type,
        _THEN[failure_route(event)].format(status=500),
        exc_info=exc,
    )
    return text(500, "A handler failed; deliver again")


def busy_deferred(event: Event, key: str) -> None:
    """Log that a Conversations post-event whose key stayed busy was acknowledged and left to a
    background retry (a handler or store failure is logged where it happens, once)."""
    logger().warning(
        "flexconv.events: %s (%s) found its key busy; %s",
        event.event_type,
        key,
        _THEN["retry"],
    )


def lost(event: Event, key: str, attempts: int) -> None:
    """Log a Conversations post-event whose background retries all failed: it is lost."""
    logger().error(
        "flexconv.events: %s LOST (idempotency token %s, key %s): its handlers failed, the "
        "store failed or its task or conversation stayed busy through %d background retries, "
        "and Twilio does not deliver Conversations webhooks again",
        event.event_type,
        event.idempotency_token or "none",
        key,
        attempts,
    )
