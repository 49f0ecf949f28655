"""Conversations pre-action webhooks (``onConversationAdd``, ``onMessageAdd``, ...).

Source: https://www.twilio.com/docs/conversations/conversations-webhooks (the pairs of pre- and
post-action webhooks, "Using Pre-Action Webhooks to Modify or Reject Changes", "Modifiable
Fields" and the request parameters of each pre-action webhook).

A pre-action webhook goes out before the action, and the action waits for the answer:

- 2xx: the action goes ahead; a JSON object in a 200 answer changes the fields `MODIFIABLE`
  lists for the event (other keys are ignored); a changed value that fails validation fails the
  action with the usual error;
- 4xx or 5xx: the action is refused; nothing is stored and no post-action webhook fires.  The
  REST caller gets `PreEventRefused` (HTTP 403, code 20403): the page says the change is
  rejected but names no error for the caller, so the status and code are the emulator's choice;
- no answer within 5 s (or no connection): the action goes ahead unmodified.

Which actions send one: what customers do through a messaging channel (``emu.simulate``), what
agents do through the SDK, and REST requests that carry ``X-Twilio-Webhook-Enabled: true`` (the
page's answer table returns a failed change "to the SDK (or REST client) that triggered the
event").  Flex's and Studio's own actions inside the emulator send none.  The target is the
account-level ``PreWebhookUrl`` (``/v1/Configuration/Webhooks``), called only for the events in
its ``Filters`` and only with ``Target`` ``webhook``; conversation-scoped webhooks carry
post-action events only, and service-level webhook configurations are not modelled.

Redelivery: Twilio's connection overrides (``#rc``, ``#rp``, ``#ct``, ``#rt``, ``#tt`` on the
URL) are "available on all product webhooks except for Twilio Conversations and Twilio
Frontline" (https://www.twilio.com/docs/usage/webhooks/webhooks-connection-overrides), and the
Conversations page documents no retries: a pre-action webhook is sent once and never
redelivered (a refusal is an answer; a timeout publishes the change).  The fragment is not part
of the URL Twilio calls nor of the signature.

The delivery is made with the emulator's lock released (`ConversationsHost.unlocked`), so a
receiver may call back into the emulator, in-process or through the loopback server.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from flexconv.emulator._base import ApiError
from flexconv.emulator.conversations.entities import (
    Conversation,
    Message,
    Participant,
    binding_type,
    json_string,
)

if TYPE_CHECKING:
    from flexconv.emulator.conversations.events import ConversationsEvents
    from flexconv.emulator.webhooks import Delivery

#: The pre-action webhooks the emulator sends (``onUserUpdate`` needs users, not modelled).
PRE_EVENTS = (
    "onConversationAdd",
    "onConversationUpdate",
    "onConversationRemove",
    "onParticipantAdd",
    "onParticipantUpdate",
    "onParticipantRemove",
    "onMessageAdd",
    "onMessageUpdate",
    "onMessageRemove",
)

_T = TypeVar("_T")

#: What a 200 JSON answer may change, per pre-action webhook (the page's "Modifiable Fields");
#: the keys are the answer's.  The other pre-action webhooks can only allow or refuse.
MODIFIABLE: dict[str, tuple[str, ...]] = {
    "onConversationAdd": ("friendly_name",),
    "onConversationUpdate": ("friendly_name",),
    "onMessageAdd": ("body", "author", "attributes"),
    "onMessageUpdate": ("body", "author", "attributes"),
}


class PreEventRefused(ApiError):
    """A pre-action webhook answered 4xx/5xx: the action did not happen."""

    def __init__(self, event: str, status: int | None) -> None:
        super().__init__(
            403, 20403, f"The {event} pre-action webhook refused the change (it answered {status})"
        )
        self.event = event
        self.answer_status = status


def _changes(event: str, delivery: Delivery) -> dict[str, str]:
    """The documented fields of a 200 JSON answer, as strings; raises `PreEventRefused`."""
    if delivery.status is None:  # timeout or no connection: published unmodified
        return {}
    if not 200 <= delivery.status < 300:
        raise PreEventRefused(event, delivery.status)
    try:
        parsed = json.loads(delivery.response_body.decode() or "null")
    except (UnicodeDecodeError, ValueError):
        return {}
    if not isinstance(parsed, dict):
        return {}
    out: dict[str, str] = {}
    for key in MODIFIABLE.get(event, ()):
        value = parsed.get(key)
        if value is None:
            continue
        out[key] = json_string(value) if key == "attributes" else str(value)
    return out


def message_changes(
    changes: Mapping[str, str], body: str | None, author: str | None, attributes: _T
) -> tuple[str | None, str | None, _T | str]:
    """``body``, ``author`` and ``attributes`` (the fields a message action's answer may
    change, `MODIFIABLE`) after the ``changes`` `send_pre_event` returned."""
    return (
        changes.get("body", body),
        changes.get("author", author),
        changes.get("attributes", attributes),
    )


def send_pre_event(
    convs: ConversationsEvents,
    event: str,
    params: Sequence[tuple[str, str]],
    *,
    source: str,
    identity: str | None = None,
) -> dict[str, str]:
    """Deliver ``event`` to the account-level pre-action target, when it is filtered in, and wait
    for the answer with the emulator's lock released.  Returns the changes to apply (keys of
    `MODIFIABLE`); raises `PreEventRefused` when the answer refuses the action.  ``identity``
    goes out as ``ClientIdentity`` for SDK actions only (``source == "SDK"``)."""
    svc = convs.service_webhooks
    if svc.target != "webhook" or not svc.pre_webhook_url or event not in svc.filters:
        return {}
    full = [("AccountSid", convs.account_sid), ("EventType", event), *params, ("Source", source)]
    if identity is not None and source == "SDK":
        full.append(("ClientIdentity", identity))
    full.append(("RetryCount", "0"))
    answers: list[Delivery] = []
    with convs.emu.unlocked():
        delivery = convs.emu.webhooks.deliver(
            svc.pre_webhook_url,
            full,
            kind="conversations",
            method=svc.method,
            sync=True,
            # the first answer decides (a duplicate's is ignored); being synchronous, it is
            # never redelivered
            on_result=answers.append,
        )
    return _changes(event, answers[0] if answers else delivery)


# ------------------------------------------------------------------------ request parameters
def _binding(address: str | None, proxy_address: str | None) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if address is not None:
        out.append(("MessagingBinding.Address", address))
        out.append(("MessagingBinding.ProxyAddress", proxy_address or ""))
    return out


def conversation_add_params(
    convs: ConversationsEvents,
    *,
    friendly_name: str | None,
    unique_name: str | None,
    attributes: str,
    state: str,
    messaging_service_sid: str,
    first_message: Sequence[tuple[str, str]] = (),
) -> list[tuple[str, str]]:
    """``onConversationAdd``: the conversation to be (no SID yet); ``first_message`` holds the
    binding, ``MessageBody`` and ``Media`` of a conversation auto-created for a message."""
    out = [
        ("ChatServiceSid", convs.chat_service_sid),
        ("MessagingServiceSid", messaging_service_sid),
    ]
    if friendly_name is not None:
        out.append(("FriendlyName", friendly_name))
    if unique_name is not None:
        out.append(("UniqueName", unique_name))
    return [*out, ("Attributes", attributes), ("State", state), *first_message]


def conversation_params(convs: ConversationsEvents, conv: Conversation) -> list[tuple[str, str]]:
    """``onConversationUpdate`` / ``onConversationRemove``: the conversation as it would be."""
    return [*convs._common(conv), *convs._conv_params(conv)]


def participant_add_params(
    convs: ConversationsEvents,
    conv: Conversation,
    *,
    identity: str | None,
    address: str | None,
    proxy_address: str | None,
    projected_address: str | None,
    attributes: str,
    role_sid: str | None,
) -> list[tuple[str, str]]:
    """``onParticipantAdd``: the participant to be (no SID yet)."""
    out = [*convs._common(conv)]
    if identity is not None:
        out.append(("Identity", identity))
    if role_sid is not None:
        out.append(("RoleSid", role_sid))
    out.append(("Attributes", attributes))
    out.extend(_binding(address, proxy_address))
    if projected_address is not None:
        out.append(("MessagingBinding.ProjectedAddress", projected_address))
    kind = binding_type(address).upper() if address is not None else "CHAT"
    return [*out, ("MessagingBinding.Type", kind)]


def participant_params(
    convs: ConversationsEvents, conv: Conversation, p: Participant
) -> list[tuple[str, str]]:
    """``onParticipantUpdate`` / ``onParticipantRemove``: the participant as it would be."""
    return [*convs._common(conv), *convs._participant_params(p)]


def message_add_params(
    convs: ConversationsEvents,
    conv: Conversation,
    *,
    author: str,
    body: str | None,
    attributes: str,
    participant_sid: str | None,
    media: Sequence[Any] = (),
) -> list[tuple[str, str]]:
    """``onMessageAdd``: the message to be (no SID or index yet)."""
    out = [*convs._common(conv), ("Body", body or ""), ("Author", author)]
    if participant_sid is not None:
        out.append(("ParticipantSid", participant_sid))
    out.append(("Attributes", attributes))
    if media:
        out.append(("Media", json.dumps([m.to_json() for m in media])))
    return out


def message_params(
    convs: ConversationsEvents, conv: Conversation, m: Message
) -> list[tuple[str, str]]:
    """``onMessageUpdate`` / ``onMessageRemove``: the message as it would be."""
    return [*convs._common(conv), *convs._message_params(m)]
