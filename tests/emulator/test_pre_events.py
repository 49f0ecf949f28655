"""Conversations pre-action webhooks (``onMessageAdd``) decide a message.

Twilio's "Conversations Webhooks" page: a pre-action webhook "is fired before the action has been
published, and Twilio waits for a response before publishing it"; the post-action webhook fires
"assuming the action was not rejected by your pre-action webhook response".  Its table of answers:
200 OK publishes the change unmodified, 200 OK with changed attributes (JSON) publishes it
modified, a 40x or 50x rejects it (no publication), a timeout (5 s) publishes it unmodified.
"""

from __future__ import annotations

import json
from typing import Any

from flexconv.emulator import Emulator
from flexconv.emulator.conversations.entities import Conversation
from flexconv.emulator.webhooks import WebhookRequest
from flexconv.events import ConversationsEvent, PreEventAnswer, Receiver
from tests.emulator.conftest import CONV, Http
from tests.events.servers import asgi_server

LINE = "+15005550006"
CUSTOMER = "+15551230000"
PRE = "https://backend.example.com/pre"
POST = "https://backend.example.com/post"


def _configure(http: Http, *filters: str, pre: str = PRE) -> None:
    http.post(
        f"{CONV}/Configuration/Webhooks",
        [
            ("PreWebhookUrl", pre),
            ("PostWebhookUrl", POST),
            ("Method", "POST"),
            *[("Filters", f) for f in filters],
        ],
    )


def _open_conversation(emu: Emulator) -> Conversation:
    """The customer's first message opens a conversation (Studio sends it to Flex)."""
    first = emu.simulate.customer_message(LINE, CUSTOMER, "Hi, my order?")
    assert first.conversation is not None
    return first.conversation


def _posts(emu: Emulator) -> list[dict[str, str]]:
    return [d.form() for d in emu.webhooks.deliveries(url=POST, event_type="onMessageAdded")]


def test_refused_message_is_not_stored_and_fires_no_post_event(emu: Emulator, http: Http) -> None:
    """ "40x (bad request) | Conversations will reject the change; no publication will occur"
    and the post-action webhook fires only when the action "was not rejected"."""
    conv = _open_conversation(emu)
    before = len(conv.messages)
    asked: list[dict[str, str]] = []

    def refuse(request: WebhookRequest) -> int:
        asked.append(request.form())
        return 403

    emu.webhooks.register(PRE, refuse)
    emu.webhooks.register(POST, lambda r: 200)
    _configure(http, "onMessageAdd", "onMessageAdded")
    inbound = emu.simulate.customer_message(LINE, CUSTOMER, "spam spam")
    assert inbound.refused
    assert inbound.message is None
    assert len(conv.messages) == before
    assert _posts(emu) == []
    assert [(a["EventType"], a["Body"], a["Author"], a["ConversationSid"]) for a in asked] == [
        ("onMessageAdd", "spam spam", CUSTOMER, conv.sid)
    ]
    assert asked[0]["Source"] == "SMS"
    # a refusal is an answer, not a failed delivery: it is not redelivered
    emu.webhooks.configure(retries=2)
    emu.simulate.customer_message(LINE, CUSTOMER, "again")
    assert len(asked) == 2


def test_modified_body_author_and_attributes_are_stored(emu: Emulator, http: Http) -> None:
    """ "200 OK | Changed attributes (JSON) | Conversations will publish the change with
    modifications as given in your response" -- the message is stored, and announced by the
    post-action webhook, as changed."""
    conv = _open_conversation(emu)

    def modify(request: WebhookRequest) -> tuple[int, Any]:
        body = request.form()["Body"].replace("1234", "****")
        return 200, {"body": body, "author": "masked", "attributes": '{"masked":true}'}

    emu.webhooks.register(PRE, modify)
    emu.webhooks.register(POST, lambda r: 200)
    _configure(http, "onMessageAdd", "onMessageAdded")
    inbound = emu.simulate.customer_message(LINE, CUSTOMER, "card 1234")
    assert inbound.message is not None
    assert inbound.message.body == "card ****"
    assert inbound.message.author == "masked"
    assert json.loads(inbound.message.attributes) == {"masked": True}
    assert conv.messages[-1] is inbound.message
    assert _posts(emu)[-1]["Body"] == "card ****"


def test_plain_200_and_no_answer_publish_unmodified(emu: Emulator, http: Http) -> None:
    """ "200 OK | (any) | Conversations will publish the change unmodified" and a request
    timeout publishes it unmodified: a target that does not answer does not block messages."""
    conv = _open_conversation(emu)
    emu.webhooks.register(PRE, lambda r: (200, "thanks"))
    _configure(http, "onMessageAdd")
    ok = emu.simulate.customer_message(LINE, CUSTOMER, "one")
    assert ok.message is not None
    assert ok.message.body == "one"

    def broken(request: WebhookRequest) -> int:
        raise TimeoutError("timed out")

    emu.webhooks.register(PRE, broken)
    late = emu.simulate.customer_message(LINE, CUSTOMER, "two")
    assert late.message is not None
    assert late.message.body == "two"
    assert [m.body for m in conv.messages[-2:]] == ["one", "two"]
    assert emu.webhooks.deliveries(url=PRE)[-1].outcome == "failed"


def test_filters_are_respected(emu: Emulator, http: Http) -> None:
    """Webhook Configuration `Filters`: "The list of webhook event triggers that are enabled";
    without `onMessageAdd` in it the pre-action URL is not called and the message goes ahead."""
    _open_conversation(emu)
    emu.webhooks.register(PRE, lambda r: 403)
    _configure(http, "onMessageAdded")
    inbound = emu.simulate.customer_message(LINE, CUSTOMER, "hello")
    assert not inbound.refused
    assert emu.webhooks.deliveries(url=PRE) == []
    _configure(http, "onMessageAdded", "onMessageAdd")
    assert emu.simulate.customer_message(LINE, CUSTOMER, "hello again").refused
    assert [d.event_type for d in emu.webhooks.deliveries(url=PRE)] == ["onMessageAdd"]


def test_rest_messages_fire_the_pre_event_only_with_webhooks_enabled(
    emu: Emulator, http: Http
) -> None:
    """REST API actions fire webhooks only with `X-Twilio-Webhook-Enabled: true`; with it, the
    pre-action webhook decides, and a refused change fails the REST call (the answer table
    returns failures "to the SDK (or REST client) that triggered the event")."""
    conv = _open_conversation(emu)
    emu.webhooks.register(PRE, lambda r: 403)
    emu.webhooks.register(POST, lambda r: 200)
    _configure(http, "onMessageAdd", "onMessageAdded")
    url = f"{CONV}/Conversations/{conv.sid}/Messages"
    made = http.post(url, {"Author": "bot", "Body": "quiet"})
    assert made.status == 201
    assert emu.webhooks.deliveries(url=PRE) == []
    refused = http.post(
        url, {"Author": "bot", "Body": "loud"}, headers={"X-Twilio-Webhook-Enabled": "true"}
    )
    assert (refused.status, refused.json["code"]) == (403, 20403)
    assert conv.messages[-1].body == "quiet"
    assert [d.form()["Body"] for d in emu.webhooks.deliveries(url=PRE)] == ["loud"]
    assert _posts(emu) == []


def _receiver(token: str) -> Receiver:
    receiver = Receiver(token)

    @receiver.on("onMessageAdd")
    def moderate(event: ConversationsEvent) -> PreEventAnswer:
        body = event.params["Body"]
        if "spam" in body:
            return PreEventAnswer.refuse()
        return PreEventAnswer.modify(body=body.upper(), attributes={"moderated": True})

    return receiver


def test_receiver_answers_in_process(emu: Emulator, http: Http) -> None:
    """End to end: flexconv's Receiver checks the emulator's signature and its
    `PreEventAnswer.refuse()` / `.modify(...)` answers decide the message as Twilio's table says
    (`body` and `attributes` keys of a 200 JSON answer)."""
    conv = _open_conversation(emu)
    receiver = _receiver(emu.auth_token)

    def adapter(request: WebhookRequest) -> tuple[int, bytes]:
        answer = receiver.handle(request.method, request.url, request.headers, request.body)
        return answer.status, answer.body

    emu.webhooks.register(PRE, adapter)
    _configure(http, "onMessageAdd")
    refused = emu.simulate.customer_message(LINE, CUSTOMER, "buy spam now")
    changed = emu.simulate.customer_message(LINE, CUSTOMER, "where is it?")
    assert refused.refused
    assert changed.message is not None
    assert changed.message.body == "WHERE IS IT?"
    assert json.loads(changed.message.attributes) == {"moderated": True}
    assert [m.body for m in conv.messages].count("buy spam now") == 0
    assert [d.status for d in emu.webhooks.deliveries(url=PRE)] == [403, 200]


def test_receiver_over_http_may_call_back_into_the_emulator() -> None:
    """The pre-action webhook goes out before the emulator takes its lock: a receiver served
    over HTTP that reads the emulator while answering does not deadlock (Twilio waits up to 5 s
    for the answer, then publishes unmodified, so a deadlock would let the spam through)."""
    emu = Emulator.from_scenario()
    http = Http(emu)
    conv = _open_conversation(emu)
    receiver = Receiver(emu.auth_token)
    seen: list[int] = []

    @receiver.on("onMessageAdd")
    def moderate(event: ConversationsEvent) -> PreEventAnswer:
        sid = event.params["ConversationSid"]
        listed = Http(emu).get(f"{CONV}/Conversations/{sid}/Messages")  # takes the lock
        seen.append(len(listed.json["messages"]))
        return PreEventAnswer.refuse()

    with asgi_server(receiver.asgi()) as base:
        _configure(http, "onMessageAdd", pre=base + "/pre")
        before = len(conv.messages)
        inbound = emu.simulate.customer_message(LINE, CUSTOMER, "spam")
    assert inbound.refused
    assert len(conv.messages) == before
    assert seen == [before]
