"""Conversations pre-action webhooks (``onMessageAdd``, ...), delivered before the action.

Twilio's "Conversations Webhooks" page: a pre-action webhook "is fired before the action has been
published, and Twilio waits for a response before publishing it"; the post-action webhook fires
only "assuming the action was not rejected by your pre-action webhook response".  How the
answer decides:

- 2xx: the action goes ahead; a 200 whose body is a JSON object changes it (for
  ``onMessageAdd``: ``body``, ``author``, ``attributes``) before it is stored;
- 4xx or 5xx: the action is refused, nothing is stored and no post-action webhook fires;
- no answer (the 5 s timeout, or no connection): the action goes ahead unmodified.

REST API actions fire no pre-action webhook; the emulator fires them for what customers do
through a messaging channel (SMS, WhatsApp): ``emu.simulate.customer_message`` reads the
parameters (`inbound_message_params`) under the emulator's lock and calls `pre_event` *after*
releasing it, so a receiver may call back into the emulator (in-process or through the loopback
server) without deadlocking.  Only the
account-level target (``/v1/Configuration/Webhooks``: ``PreWebhookUrl``, with ``onMessageAdd`` in
its ``Filters``) is called; the delivery is signed and recorded like every other webhook.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flexconv.emulator.conversations.entities import binding_type, json_string

if TYPE_CHECKING:
    from flexconv.emulator.conversations.events import ConversationsEvents
    from flexconv.emulator.webhooks import Delivery

#: The parameters of an ``onMessageAdd`` answer the emulator applies (JSON key: message field).
MESSAGE_CHANGES = ("body", "author", "attributes")


@dataclass
class PreEventOutcome:
    """How a pre-action webhook's answer decided the action."""

    #: False when the answer was 4xx/5xx: the action must not happen.
    allowed: bool = True
    #: Changes from a 200 JSON answer, keyed as Twilio's answer is (``body``, ``author``, ...).
    changes: dict[str, Any] = field(default_factory=dict)
    #: The delivery that was made, or ``None`` when no pre-action webhook was due.
    delivery: Delivery | None = None


def _answer(delivery: Delivery) -> PreEventOutcome:
    if delivery.status is None:  # timeout or no connection: published unmodified
        return PreEventOutcome(True, {}, delivery)
    if not 200 <= delivery.status < 300:
        return PreEventOutcome(False, {}, delivery)
    try:
        parsed = json.loads(delivery.response_body.decode() or "null")
    except (UnicodeDecodeError, ValueError):
        parsed = None
    changes: dict[str, Any] = {}
    if isinstance(parsed, dict):
        for key in MESSAGE_CHANGES:
            if key in parsed and parsed[key] is not None:
                changes[key] = parsed[key]
    return PreEventOutcome(True, changes, delivery)


def pre_event(
    convs: ConversationsEvents, event: str, params: Sequence[tuple[str, str]]
) -> PreEventOutcome:
    """Deliver ``event`` to the account-level pre-action target, if it is filtered in, and wait
    for the answer.  Call it without holding the emulator's lock."""
    svc = convs.service_webhooks
    if svc.target != "webhook" or not svc.pre_webhook_url or event not in svc.filters:
        return PreEventOutcome()
    answers: list[Delivery] = []
    delivery = convs.emu.webhooks.deliver(
        svc.pre_webhook_url,
        [("EventType", event), *params, ("RetryCount", "0")],
        kind="conversations",
        method=svc.method,
        sync=True,
        # the first answer decides; a callback also keeps a refusal from being redelivered
        on_result=answers.append,
    )
    return _answer(answers[0] if answers else delivery)


def inbound_message_params(
    convs: ConversationsEvents, address_to: str, from_: str, body: str | None, media_count: int
) -> tuple[list[tuple[str, str]], str] | None:
    """The ``onMessageAdd`` parameters of a customer's message and the SID of the open
    conversation holding its binding; ``None`` when no conversation holds it yet (a conversation
    auto-created for the message fires no pre-action webhook in the emulator).  Call it under the
    emulator's lock, then `pre_event` after releasing it."""
    held = convs.open_binding(from_, address_to)
    if held is None:
        return None
    conv, participant = held
    params: list[tuple[str, str]] = [
        *convs._common(conv),
        ("ParticipantSid", participant.sid),
        ("Author", from_),
        ("Body", body or ""),
        ("Attributes", "{}"),
        ("Source", binding_type(from_).upper()),
    ]
    if media_count:
        params.append(("MediaCount", str(media_count)))
    return params, conv.sid


def message_changes(outcome: PreEventOutcome) -> dict[str, Any]:
    """The changes as keyword arguments for the inbound path (``body``, ``author``,
    ``attributes`` as a JSON string)."""
    out: dict[str, Any] = {}
    for key, value in outcome.changes.items():
        if key == "attributes":
            out[key] = json_string(value)
        else:
            out[key] = str(value)
    return out
