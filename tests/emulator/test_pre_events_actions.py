"""Every Conversations pre-action webhook the emulator models, and what its answer does.

Source: https://www.twilio.com/docs/conversations/conversations-webhooks -- the table of
pre-/post-action pairs, "Using Pre-Action Webhooks to Modify or Reject Changes" (200 publishes,
a 200 JSON object modifies, 40x/50x reject, no answer publishes unmodified), "Modifiable
Fields" (``friendly_name`` for conversation actions; ``body``, ``author``, ``attributes`` for
message actions) and the "Pre-action Webhooks Request Parameters" of each event, which
`DOCUMENTED` copies by name.  REST requests send them with ``X-Twilio-Webhook-Enabled: true``
(the answer table returns a failed change "to the SDK (or REST client) that triggered the
event"); the page names no error for a refusal, so the emulator's 403 / 20403 is its own choice.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from flexconv.emulator import Emulator
from flexconv.emulator.server import ServerThread
from flexconv.emulator.webhooks import WebhookRequest
from flexconv.events import ConversationsEvent, PreEventAnswer, Receiver
from tests.emulator.conftest import CONV, Http
from tests.events.servers import asgi_server

PRE = "https://backend.example.com/pre"
POST = "https://backend.example.com/post"
LINE = "+15005550006"  # the scenario's support line: auto-creation through Studio
CUSTOMER = "+15551230000"
ON = {"X-Twilio-Webhook-Enabled": "true"}

COMMON = {"AccountSid", "EventType", "Source"}
_CONV = {"FriendlyName", "UniqueName", "Attributes", "ChatServiceSid", "MessagingServiceSid"}
_CONV_EXISTING = {*_CONV, "ConversationSid", "DateCreated", "DateUpdated", "State"}
_PART = {"ConversationSid", "Identity", "RoleSid", "Attributes", "MessagingBinding.Type"}
_PART_EXISTING = {*_PART, "ParticipantSid", "DateCreated", "DateUpdated"}
_MSG = {"ConversationSid", "Body", "Author", "ParticipantSid", "Attributes"}
_MSG_EXISTING = {*_MSG, "MessageSid", "Index", "DateCreated", "DateUpdated"}
#: The request parameters the docs list for each pre-action webhook (optional ones included
#: where the action below sets them: a friendly name, a chat participant as the author).
DOCUMENTED = {
    "onConversationAdd": {*_CONV, "State"},
    "onConversationUpdate": _CONV_EXISTING,
    "onConversationRemove": _CONV_EXISTING,
    "onParticipantAdd": _PART,
    "onParticipantUpdate": _PART_EXISTING,
    "onParticipantRemove": _PART_EXISTING,
    "onMessageAdd": _MSG,
    "onMessageUpdate": _MSG_EXISTING,
    "onMessageRemove": _MSG_EXISTING,
}

#: The pre-action webhooks of the docs' table that the emulator has actions for (not
#: ``onUserUpdate``: users are not modelled).
PRE_EVENTS = tuple(DOCUMENTED)

Answer = Callable[[ConversationsEvent], "PreEventAnswer | None"]


def configure(http: Http, *filters: str, pre: str = PRE, target: str = "webhook") -> None:
    made = http.post(
        f"{CONV}/Configuration/Webhooks",
        [
            ("PreWebhookUrl", pre),
            ("PostWebhookUrl", POST),
            ("Method", "POST"),
            ("Target", target),
            *[("Filters", f) for f in filters],
        ],
    )
    assert made.status == 200


def receiver_for(emu: Emulator, answer: Answer, seen: list[ConversationsEvent]) -> None:
    """flexconv's Receiver, in-process at `PRE`: it checks every signature (a bad one answers
    403, which would refuse the action) and records the typed events."""
    receiver = Receiver(emu.auth_token)

    @receiver.on("on*")
    def handle(event: ConversationsEvent) -> PreEventAnswer | None:
        seen.append(event)
        return answer(event)

    def adapter(request: WebhookRequest) -> tuple[int, bytes]:
        got = receiver.handle(request.method, request.url, request.headers, request.body)
        return got.status, got.body

    emu.webhooks.register(PRE, adapter)
    emu.webhooks.register(POST, lambda r: 200)


def allow(event: ConversationsEvent) -> None:
    return None


class Walk:
    """Every action that has a pre-action webhook, through the REST API with webhooks on."""

    def __init__(self, emu: Emulator, http: Http) -> None:
        self.emu, self.http = emu, http
        self.conv = self.part = self.msg = ""

    def add_conversation(self, headers: dict[str, str] = ON) -> Any:
        taken = {c.unique_name for c in self.emu.conversations.conversations.values()}
        unique = next(f"order-{n}" for n in range(1, 100) if f"order-{n}" not in taken)
        form = {"FriendlyName": "Order 1", "UniqueName": unique, "Attributes": '{"a":1}'}
        return self.http.post(f"{CONV}/Conversations", form, headers=headers)

    def prepare(self, event: str) -> None:
        """Set up, without webhooks, what the action behind ``event`` needs."""
        h, off = self.http, {}
        if event != "onConversationAdd" and not self.conv:
            self.conv = self.add_conversation(off).json["sid"]
        base = f"{CONV}/Conversations/{self.conv}"
        needs_part = event.startswith(("onParticipantUpdate", "onParticipantRemove", "onMessage"))
        if needs_part and not self.part:
            made = h.post(f"{base}/Participants", {"Identity": "alice"}, headers=off)
            self.part = made.json["sid"]
        if event in ("onMessageUpdate", "onMessageRemove") and not self.msg:
            made = h.post(f"{base}/Messages", {"Author": "alice", "Body": "hi"}, headers=off)
            self.msg = made.json["sid"]

    def run(self, event: str, headers: dict[str, str] = ON) -> Any:
        """Perform the action behind ``event`` (after `prepare`)."""
        self.prepare(event)
        h = self.http
        base = f"{CONV}/Conversations/{self.conv}"
        if event == "onConversationAdd":
            return self.add_conversation(headers)
        if event == "onConversationUpdate":
            return h.post(base, {"FriendlyName": "Order 2"}, headers=headers)
        if event == "onConversationRemove":
            return h.delete(base, headers=headers)
        if event == "onParticipantAdd":
            return h.post(f"{base}/Participants", {"Identity": "bob"}, headers=headers)
        if event == "onParticipantUpdate":
            return h.post(f"{base}/Participants/{self.part}", {"Attributes": "{}"}, headers=headers)
        if event == "onParticipantRemove":
            return h.delete(f"{base}/Participants/{self.part}", headers=headers)
        if event == "onMessageAdd":
            return h.post(f"{base}/Messages", {"Author": "alice", "Body": "two"}, headers=headers)
        if event == "onMessageUpdate":
            return h.post(f"{base}/Messages/{self.msg}", {"Body": "edited"}, headers=headers)
        assert event == "onMessageRemove"
        return h.delete(f"{base}/Messages/{self.msg}", headers=headers)


@pytest.mark.parametrize("event", PRE_EVENTS)
def test_each_pre_event_goes_out_signed_with_the_documented_fields(
    emu: Emulator, http: Http, event: str
) -> None:
    seen: list[ConversationsEvent] = []
    receiver_for(emu, allow, seen)
    configure(http, event)
    done = Walk(emu, http).run(event)
    assert done.status in (200, 201, 204)
    assert [e.event_type for e in seen] == [event]
    (got,) = seen
    assert got.is_pre_event
    assert sorted((COMMON | DOCUMENTED[event]) - set(got.params)) == []
    assert got.params["Source"] == "API"
    if event != "onConversationAdd":  # the others name their conversation
        assert got.conversation_sid is not None
    sent = emu.webhooks.deliveries(url=PRE)
    assert [d.status for d in sent] == [200]  # the Receiver accepted the signature


@pytest.mark.parametrize("event", PRE_EVENTS)
def test_a_refusal_fails_the_rest_call_and_changes_nothing(
    emu: Emulator, http: Http, event: str
) -> None:
    seen: list[ConversationsEvent] = []
    receiver_for(emu, lambda e: PreEventAnswer.refuse(), seen)
    post_event = event.replace("Add", "Added").replace("Update", "Updated")
    post_event = post_event.replace("Remove", "Removed")
    configure(http, event, post_event)
    walk = Walk(emu, http)
    if event != "onConversationAdd":
        walk.prepare(event)
    before = json.dumps(emu.inspect()["conversations"], sort_keys=True, default=str)
    refused = walk.run(event)
    assert (refused.status, refused.json["code"]) == (403, 20403)
    assert event in refused.json["message"]
    after = json.dumps(emu.inspect()["conversations"], sort_keys=True, default=str)
    assert after == before
    assert emu.webhooks.deliveries(url=POST) == []  # no post-action webhook either
    assert [e.event_type for e in seen] == [event]


def test_a_200_json_answer_changes_only_the_documented_fields(emu: Emulator, http: Http) -> None:
    """Conversation actions may change `friendly_name`; message actions `body`, `author`,
    `attributes`; any other key, and any key in an answer to another event, is ignored."""

    def answer(event: ConversationsEvent) -> PreEventAnswer:
        extra = {"unique_name": "changed", "attributes": '{"changed":true}', "identity": "eve"}
        if event.event_type in ("onConversationAdd", "onConversationUpdate"):
            return PreEventAnswer.modify(extra, friendly_name=f"via {event.event_type}")
        if event.event_type in ("onMessageAdd", "onMessageUpdate"):
            return PreEventAnswer.modify(
                body=(event.body or "").upper(), author="moderator", attributes={"ok": True}
            )
        return PreEventAnswer.modify(extra)

    seen: list[ConversationsEvent] = []
    receiver_for(emu, answer, seen)
    configure(http, *PRE_EVENTS)
    walk = Walk(emu, http)
    made = walk.add_conversation().json
    assert made["friendly_name"] == "via onConversationAdd"
    assert (made["unique_name"], made["attributes"]) == ("order-1", '{"a":1}')
    walk.conv = made["sid"]
    updated = walk.run("onConversationUpdate").json
    assert updated["friendly_name"] == "via onConversationUpdate"
    joined = walk.run("onParticipantAdd").json
    assert (joined["identity"], joined["attributes"]) == ("bob", "{}")
    sent = walk.run("onMessageAdd").json
    assert (sent["body"], sent["author"], json.loads(sent["attributes"])) == (
        "TWO",
        "moderator",
        {"ok": True},
    )
    walk.msg = sent["sid"]
    edited = walk.run("onMessageUpdate").json
    assert (edited["body"], edited["author"]) == ("EDITED", "moderator")
    stored = emu.conversations.get(walk.conv)
    assert stored.friendly_name == "via onConversationUpdate"
    assert stored.messages[-1].body == "EDITED"


def test_invalid_changed_attributes_fail_the_call(emu: Emulator, http: Http) -> None:
    """ "If modified values fail validation, the error will be returned to the SDK (or REST
    client) that triggered the event.\""""
    emu.webhooks.register(PRE, lambda r: (200, {"attributes": "not json"}))
    configure(http, "onMessageAdd")
    walk = Walk(emu, http)
    failed = walk.run("onMessageAdd")
    assert failed.status == 400
    assert emu.conversations.get(walk.conv).messages == []


def test_filters_target_and_the_webhook_switch_decide_what_is_sent(
    emu: Emulator, http: Http
) -> None:
    emu.webhooks.register(PRE, lambda r: 403)
    walk = Walk(emu, http)
    configure(http, "onConversationAdded", "onMessageAdd")  # onConversationAdd not filtered in
    assert walk.add_conversation().status == 201
    walk.conv = emu.conversations.get("order-1").sid
    assert walk.run("onMessageAdd", headers={}).status == 201  # no X-Twilio-Webhook-Enabled
    assert emu.webhooks.deliveries(url=PRE) == []
    configure(http, "onMessageAdd", target="flex")  # Target flex: no webhook target
    assert walk.run("onMessageAdd").status == 201
    assert emu.webhooks.deliveries(url=PRE) == []
    configure(http, "onMessageAdd")
    assert walk.run("onMessageAdd").status == 403
    assert [d.event_type for d in emu.webhooks.deliveries(url=PRE)] == ["onMessageAdd"]


def test_auto_created_conversation_sends_add_events_in_order(emu: Emulator, http: Http) -> None:
    """A first message from a customer creates the conversation, adds the customer, then adds
    the message: onConversationAdd (carrying the binding and `MessageBody`), onParticipantAdd,
    onMessageAdd, each before its post-action webhook."""
    seen: list[ConversationsEvent] = []
    receiver_for(emu, lambda e: None, seen)
    configure(
        http,
        "onConversationAdd",
        "onParticipantAdd",
        "onMessageAdd",
        "onConversationAdded",
        "onParticipantAdded",
        "onMessageAdded",
    )
    inbound = emu.simulate.customer_message(LINE, CUSTOMER, "Hi, my order?")
    assert inbound.message is not None
    assert [e.event_type for e in seen] == ["onConversationAdd", "onParticipantAdd", "onMessageAdd"]
    order = [d.event_type for d in emu.webhooks.log if d.url in (PRE, POST)]
    assert order == [
        "onConversationAdd",
        "onConversationAdded",
        "onParticipantAdd",
        "onParticipantAdded",
        "onMessageAdd",
        "onMessageAdded",
    ]
    added, joined, message = (e.params for e in seen)
    assert added["MessagingBinding.Address"] == CUSTOMER
    assert added["MessagingBinding.ProxyAddress"] == LINE
    assert added["MessageBody"] == "Hi, my order?"
    assert "ConversationSid" not in added  # not created yet
    assert (joined["MessagingBinding.Address"], joined["MessagingBinding.Type"]) == (
        CUSTOMER,
        "SMS",
    )
    assert joined["ConversationSid"] == inbound.conversation_sid
    assert (message["Author"], message["Body"], message["Source"]) == (
        CUSTOMER,
        "Hi, my order?",
        "SMS",
    )


@pytest.mark.parametrize(
    ("refuse", "conversation", "participants"),
    [("onConversationAdd", False, 0), ("onParticipantAdd", True, 0), ("onMessageAdd", True, 1)],
)
def test_a_refusal_stops_auto_creation_at_its_step(
    emu: Emulator, http: Http, refuse: str, conversation: bool, participants: int
) -> None:
    def answer(event: ConversationsEvent) -> PreEventAnswer | None:
        if event.event_type == refuse:
            return PreEventAnswer.refuse()
        if event.event_type == "onConversationAdd":
            return PreEventAnswer.modify(friendly_name="Customer +1555")
        return None

    seen: list[ConversationsEvent] = []
    receiver_for(emu, answer, seen)
    configure(http, "onConversationAdd", "onParticipantAdd", "onMessageAdd")
    before = len(emu.conversations.conversations)
    inbound = emu.simulate.customer_message(LINE, CUSTOMER, "Hello")
    assert inbound.refused
    assert (inbound.conversation is not None) is conversation
    assert len(emu.conversations.conversations) == before + int(conversation)
    if inbound.conversation is not None:
        assert inbound.conversation.friendly_name == "Customer +1555"
        assert len(inbound.conversation.participants) == participants
        assert inbound.conversation.messages == []
    assert seen[-1].event_type == refuse


def test_sdk_actions_name_the_client_identity(emu: Emulator, http: Http) -> None:
    """ "ClientIdentity: The identity of the user that performed the action (SDK-originating
    events only)": an agent's message from the Flex UI."""
    inbound = emu.simulate.customer_message(LINE, CUSTOMER, "Hi")
    emu.advance(0)
    emu.simulate.accept("alice")
    seen: list[ConversationsEvent] = []
    receiver_for(emu, lambda e: PreEventAnswer.modify(body="[checked] " + (e.body or "")), seen)
    configure(http, "onMessageAdd")
    sent = emu.simulate.agent_message("alice", "Hello!")
    assert sent.body == "[checked] Hello!"
    (event,) = seen
    assert (event.source, event.client_identity, event.author) == ("SDK", sent.author, sent.author)
    assert event.conversation_sid == inbound.conversation_sid


def test_pre_events_are_not_redelivered_and_url_fragments_are_not_sent(
    emu: Emulator, http: Http
) -> None:
    """Connection overrides (`#rc=`, `#rp=`, ...) "are available on all product webhooks except
    for Twilio Conversations" (https://www.twilio.com/docs/usage/webhooks/webhooks-connection-
    overrides), and the fragment never reaches the server nor the signature: a refusal or a
    failure is not retried, even with the emulator's own `retries` fault switched on."""
    asked: list[WebhookRequest] = []
    receiver = Receiver(emu.auth_token)

    @receiver.on("onMessageAdd")
    def refuse(event: ConversationsEvent) -> PreEventAnswer:
        return PreEventAnswer.refuse(500)

    def adapter(request: WebhookRequest) -> tuple[int, bytes]:
        asked.append(request)
        got = receiver.handle(request.method, request.url, request.headers, request.body)
        return got.status, got.body

    emu.webhooks.register(PRE, adapter)
    emu.webhooks.configure(retries=3)
    configure(http, "onMessageAdd", pre=PRE + "#rc=5&rp=all")
    walk = Walk(emu, http)
    assert walk.run("onMessageAdd").status == 403
    assert [r.url for r in asked] == [PRE]  # once, without the fragment
    assert [d.status for d in emu.webhooks.deliveries(url=PRE)] == [500]  # signature was valid


@pytest.fixture
def served() -> Iterator[tuple[Emulator, ServerThread]]:
    emu = Emulator.from_scenario(seed=5)
    with ServerThread(emu) as server:
        yield emu, server


def test_official_client_over_http_is_refused_and_modified(
    served: tuple[Emulator, ServerThread],
) -> None:
    """`flexconv emulator serve` and a receiver served over HTTP: the official client's calls
    wait for the pre-action answer; the receiver reads the emulator over HTTP while answering."""
    twilio_rest = pytest.importorskip("twilio.rest")
    twilio_base = pytest.importorskip("twilio.base.exceptions")
    from tests.emulator.test_official_client import Exchanges, loopback_client

    emu, server = served
    log = Exchanges()
    official = loopback_client(server, emu, log)
    assert isinstance(official, twilio_rest.Client)
    listed: list[int] = []
    receiver = Receiver(emu.auth_token)

    @receiver.on("onConversationAdd", "onMessageAdd")
    def decide(event: ConversationsEvent) -> PreEventAnswer | None:
        listed.append(len(official.conversations.v1.conversations.list()))  # over HTTP
        if event.event_type == "onConversationAdd":
            return PreEventAnswer.modify(friendly_name=f"{event.friendly_name} (checked)")
        if "spam" in (event.body or ""):
            return PreEventAnswer.refuse()
        return None

    with asgi_server(receiver.asgi()) as base:
        official.conversations.v1.configuration.webhooks().update(
            pre_webhook_url=base + "/pre",
            filters=["onConversationAdd", "onMessageAdd"],
            target="webhook",
            method="POST",
        )
        conv = official.conversations.v1.conversations.create(
            friendly_name="Order 7", x_twilio_webhook_enabled="true"
        )
        assert conv.friendly_name == "Order 7 (checked)"
        messages = official.conversations.v1.conversations(conv.sid).messages
        ok = messages.create(author="bot", body="hello", x_twilio_webhook_enabled="true")
        assert ok.body == "hello"
        with pytest.raises(twilio_base.TwilioRestException) as refused:
            messages.create(author="bot", body="spam", x_twilio_webhook_enabled="true")
    assert (refused.value.status, refused.value.code) == (403, 20403)
    assert [m.body for m in messages.list()] == ["hello"]
    assert len(listed) == 3
    assert log.problems == []


_POST_CONV = {*_CONV_EXISTING}
_POST_PART = {"ConversationSid", "ParticipantSid", "DateCreated", "Identity", "RoleSid"}
_POST_PART |= {"Attributes", "MessagingBinding.Type"}
_POST_MSG = {"ConversationSid", "MessageSid", "Index", "DateCreated", "Body", "Author"}
_POST_MSG |= {"ParticipantSid", "Attributes"}
#: "Post Action Webhooks request parameters", per event, by name.
POST_DOCUMENTED = {
    "onConversationAdded": _POST_CONV,
    "onConversationUpdated": _POST_CONV,
    "onConversationRemoved": {*_POST_CONV, "DateRemoved"},
    "onParticipantAdded": _POST_PART,
    "onParticipantUpdated": {*_POST_PART, "DateUpdated"},
    "onParticipantRemoved": {*_POST_PART, "DateUpdated", "DateRemoved"},
    "onMessageAdded": {*_POST_MSG, "MessagingServiceSid"},
    "onMessageUpdated": {*_POST_MSG, "DateUpdated"},
    "onMessageRemoved": {*_POST_MSG, "DateUpdated", "DateRemoved"},
}


def test_post_events_carry_the_documented_fields(emu: Emulator, http: Http) -> None:
    """The post-action webhook of each action above, with the parameters the page lists."""
    emu.webhooks.register(POST, lambda r: 200)
    configure(http, *POST_DOCUMENTED)
    missing: dict[str, list[str]] = {}
    for pre in PRE_EVENTS:
        post = pre + ("ed" if pre.endswith("Add") else "d")
        walk = Walk(emu, http)
        if pre != "onConversationAdd":
            walk.prepare(pre)
        done = len(emu.webhooks.deliveries(url=POST))
        assert walk.run(pre).status in (200, 201, 204)
        sent = [d.form() for d in emu.webhooks.deliveries(url=POST)[done:]]
        (params,) = [p for p in sent if p["EventType"] == post]
        lacking = sorted((COMMON | POST_DOCUMENTED[post]) - set(params))
        if lacking:
            missing[post] = lacking
        if post.startswith("onParticipant"):
            assert params["MessagingBinding.Type"] == "CHAT"  # alice and bob are chat users
    assert missing == {}


def test_paused_post_events_stay_queued_while_a_pre_event_is_answered(
    emu: Emulator, http: Http
) -> None:
    """A pre-action webhook must be answered now; `paused` still holds everything else."""
    seen: list[ConversationsEvent] = []
    receiver_for(emu, allow, seen)
    configure(http, "onConversationAdd", "onParticipantAdd", "onConversationAdded")
    emu.webhooks.configure(paused=True)
    inbound = emu.simulate.customer_message(LINE, CUSTOMER, "Hi")
    assert inbound.message is not None
    assert [e.event_type for e in seen] == ["onConversationAdd", "onParticipantAdd"]
    (added,) = emu.webhooks.deliveries(url=POST)
    assert added.outcome == "pending"
    emu.webhooks.configure(paused=False)
    emu.webhooks.flush()
    assert added.outcome == "delivered"


def test_an_invalid_request_is_refused_before_the_pre_event(emu: Emulator, http: Http) -> None:
    """The webhook is asked about valid actions only: a bad `MediaSid` answers 400 at once."""
    emu.webhooks.register(PRE, lambda r: 200)
    configure(http, "onMessageAdd")
    walk = Walk(emu, http)
    walk.prepare("onMessageAdd")
    bad = http.post(
        f"{CONV}/Conversations/{walk.conv}/Messages",
        {"Author": "alice", "MediaSid": "ME" + "0" * 32},
        headers=ON,
    )
    assert bad.status == 400
    assert emu.webhooks.deliveries(url=PRE) == []


@pytest.mark.parametrize("event", [e for e in PRE_EVENTS if e != "onConversationAdd"])
def test_an_action_on_a_conversation_deleted_during_its_pre_event_answers_404(
    emu: Emulator, http: Http, event: str
) -> None:
    """The receiver deletes the conversation before it answers 200 (the emulator's lock is
    released meanwhile): the action finds nothing to act on and no post-action event goes out."""
    walk = Walk(emu, http)
    walk.prepare(event)

    def delete_then_allow(request: WebhookRequest) -> int:
        gone = http.delete(f"{CONV}/Conversations/{walk.conv}")
        assert gone.status == 204
        return 200

    emu.webhooks.register(PRE, delete_then_allow)
    emu.webhooks.register(POST, lambda r: 200)
    configure(http, event, event + "d" if event.endswith("e") else event + "ed")
    answer = walk.run(event)
    assert answer.status == 404
    assert len(emu.webhooks.deliveries(url=PRE)) == 1
    assert emu.webhooks.deliveries(url=POST) == []
