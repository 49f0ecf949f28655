"""Conversations: addresses, conversations, participants, messages, webhooks, roles, paging."""

from __future__ import annotations

import json

import pytest

from flexconv.emulator import Emulator
from flexconv.emulator.conversations import AGENT_PERMISSIONS
from tests.emulator.conftest import API, CONV, Http

SID = r"^[A-Z]{2}[0-9a-f]{32}$"


@pytest.fixture
def http(bare: Emulator) -> Http:
    return Http(bare)


def new_conv(http: Http, **form: str) -> dict[str, object]:
    resp = http.post(f"{CONV}/Conversations", form)
    assert resp.status == 201, resp.json
    return resp.json  # type: ignore[no-any-return]


def add_sms(http: Http, conv: str, address: str, proxy: str = "+15005550006") -> object:
    return http.post(
        f"{CONV}/Conversations/{conv}/Participants",
        {"MessagingBinding.Address": address, "MessagingBinding.ProxyAddress": proxy},
    )


# ------------------------------------------------------------------ address configurations


def test_address_configuration_with_dotted_auto_creation(http: Http) -> None:
    resp = http.post(
        f"{CONV}/Configuration/Addresses",
        [
            ("Type", "whatsapp"),
            ("Address", "whatsapp:+15005550007"),
            ("FriendlyName", "WA"),
            ("AutoCreation.Enabled", "true"),
            ("AutoCreation.Type", "webhook"),
            ("AutoCreation.WebhookUrl", "https://example.com/hook"),
            ("AutoCreation.WebhookMethod", "get"),
            ("AutoCreation.WebhookFilters", "onMessageAdded"),
            ("AutoCreation.WebhookFilters", "onParticipantAdded"),
        ],
    )
    assert resp.status == 201
    body = resp.json
    assert body["sid"].startswith("IG")
    assert body["auto_creation"]["webhook_method"] == "GET"
    assert body["auto_creation"]["webhook_filters"] == ["onMessageAdded", "onParticipantAdded"]
    assert body["auto_creation"]["conversation_service_sid"].startswith("IS")
    by_address = http.get(f"{CONV}/Configuration/Addresses/whatsapp:+15005550007")
    assert by_address.json["sid"] == body["sid"]
    upd = http.post(
        f"{CONV}/Configuration/Addresses/{body['sid']}",
        {"AutoCreation.Type": "studio", "AutoCreation.StudioFlowSid": "FW" + "a" * 32},
    )
    assert upd.json["auto_creation"]["type"] == "studio"
    assert upd.json["auto_creation"]["studio_flow_sid"] == "FW" + "a" * 32
    assert http.delete(f"{CONV}/Configuration/Addresses/{body['sid']}").status == 204
    assert http.get(f"{CONV}/Configuration/Addresses/{body['sid']}").status == 404


@pytest.mark.parametrize(
    ("kind", "address"),
    [("sms", "5551234"), ("whatsapp", "+15551234567"), ("fax", "+15551234567")],
)
def test_bad_addresses_are_rejected(http: Http, kind: str, address: str) -> None:
    resp = http.post(f"{CONV}/Configuration/Addresses", {"Type": kind, "Address": address})
    assert resp.status == 400


def test_address_auto_creation_needs_its_target(http: Http) -> None:
    resp = http.post(
        f"{CONV}/Configuration/Addresses",
        {
            "Type": "sms",
            "Address": "+15005550001",
            "AutoCreation.Enabled": "true",
            "AutoCreation.Type": "studio",
        },
    )
    assert resp.status == 400


def test_address_list_max_page_50_and_type_filter(http: Http) -> None:
    for i in range(55):
        http.post(f"{CONV}/Configuration/Addresses", {"Type": "sms", "Address": f"+1500555{i:04d}"})
    http.post(f"{CONV}/Configuration/Addresses", {"Type": "chat", "Address": "web-chat"})
    page = http.get(f"{CONV}/Configuration/Addresses", params={"PageSize": 1000}).json
    assert page["meta"]["page_size"] == 50
    assert page["meta"]["key"] == "address_configurations"
    assert len(page["address_configurations"]) == 50
    nxt = http.get(page["meta"]["next_page_url"]).json
    assert len(nxt["address_configurations"]) == 6
    chats = http.get(f"{CONV}/Configuration/Addresses", params={"Type": "chat"}).json
    assert [a["type"] for a in chats["address_configurations"]] == ["chat"]


# ------------------------------------------------------------------ conversations


def test_conversation_fields_and_unique_name(http: Http) -> None:
    conv = new_conv(http, UniqueName="order-1", Attributes=json.dumps({"order": 1}))
    assert conv["sid"].startswith("CH")
    assert conv["state"] == "active"
    assert conv["attributes"] == '{"order": 1}'
    assert conv["chat_service_sid"].startswith("IS")
    by_name = http.get(f"{CONV}/Conversations/order-1")
    assert by_name.json["sid"] == conv["sid"]
    dup = http.post(f"{CONV}/Conversations", {"UniqueName": "order-1"})
    assert dup.status == 409
    assert dup.json["code"] == 50353
    bad = http.post(f"{CONV}/Conversations", {"Attributes": "{not json"})
    assert bad.status == 400


def test_closed_is_terminal(http: Http) -> None:
    conv = new_conv(http)
    url = f"{CONV}/Conversations/{conv['sid']}"
    assert http.post(url, {"State": "inactive"}).json["state"] == "inactive"
    assert http.post(url, {"State": "closed"}).json["state"] == "closed"
    for state in ("active", "inactive"):
        resp = http.post(url, {"State": state})
        assert resp.status == 400
    assert http.get(url).json["state"] == "closed"
    msg = http.post(f"{url}/Messages", {"Body": "hello?"})
    assert msg.status == 400
    part = http.post(f"{url}/Participants", {"Identity": "late"})
    assert part.status == 400


def test_timers_fire_on_the_virtual_clock(bare: Emulator, http: Http) -> None:
    conv = new_conv(http, **{"Timers.Inactive": "PT5M", "Timers.Closed": "PT30M"})
    url = f"{CONV}/Conversations/{conv['sid']}"
    assert conv["timers"] == {
        "date_inactive": "2026-01-01T12:05:00Z",
        "date_closed": "2026-01-01T12:30:00Z",
    }
    bare.advance(4 * 60)
    http.post(f"{url}/Messages", {"Author": "a", "Body": "still here"})  # restarts the timers
    bare.advance(4 * 60)
    assert http.get(url).json["state"] == "active"
    bare.advance(60)
    assert http.get(url).json["state"] == "inactive"
    http.post(f"{url}/Messages", {"Author": "a", "Body": "back"})
    assert http.get(url).json["state"] == "active"
    bare.advance(30 * 60)
    assert http.get(url).json["state"] == "closed"
    assert http.get(url).json["timers"] == {}


@pytest.mark.parametrize(
    ("name", "value"),
    [("Timers.Inactive", "PT30S"), ("Timers.Closed", "PT5M"), ("Timers.Closed", "5 minutes")],
)
def test_timer_limits(http: Http, name: str, value: str) -> None:
    assert http.post(f"{CONV}/Conversations", {name: value}).status == 400


def test_list_filters_and_max_page_100(http: Http) -> None:
    for _ in range(105):
        new_conv(http)
    closed = new_conv(http)
    http.post(f"{CONV}/Conversations/{closed['sid']}", {"State": "closed"})
    page = http.get(f"{CONV}/Conversations", params={"PageSize": 500}).json
    assert page["meta"]["page_size"] == 100
    assert len(page["conversations"]) == 100
    only_closed = http.get(f"{CONV}/Conversations", params={"State": "closed"}).json
    assert [c["sid"] for c in only_closed["conversations"]] == [closed["sid"]]
    assert "State=closed" in only_closed["meta"]["url"]


# ------------------------------------------------------------------ participants


def test_one_open_conversation_per_binding(http: Http) -> None:
    first = new_conv(http)
    second = new_conv(http)
    p = add_sms(http, first["sid"], "+15551230000")
    assert p.status == 201
    assert p.json["sid"].startswith("MB")
    assert p.json["messaging_binding"] == {
        "type": "sms",
        "address": "+15551230000",
        "proxy_address": "+15005550006",
    }
    clash = add_sms(http, second["sid"], "+15551230000")
    assert clash.status == 409
    assert clash.json["code"] == 50416
    assert first["sid"] in clash.json["message"]
    # another proxy address is another binding
    assert add_sms(http, second["sid"], "+15551230000", proxy="+15005550009").status == 201
    # closing the first conversation frees the binding
    http.post(f"{CONV}/Conversations/{first['sid']}", {"State": "closed"})
    third = new_conv(http)
    assert add_sms(http, third["sid"], "+15551230000").status == 201


def test_conversation_with_participants_checks_bindings_first(http: Http) -> None:
    conv = new_conv(http)
    add_sms(http, conv["sid"], "+15551230000")
    before = len(http.get(f"{CONV}/Conversations").json["conversations"])
    participant = json.dumps(
        {"messaging_binding": {"address": "+15551230000", "proxy_address": "+15005550006"}}
    )
    resp = http.post(f"{CONV}/ConversationWithParticipants", {"Participant": [participant]})
    assert resp.status == 409
    assert resp.json["code"] == 50416
    assert len(http.get(f"{CONV}/Conversations").json["conversations"]) == before
    ok = http.post(
        f"{CONV}/ConversationWithParticipants",
        {"FriendlyName": "x", "Participant": [json.dumps({"identity": "alice"})]},
    )
    assert ok.status in (201, 202)
    parts = http.get(f"{CONV}/Conversations/{ok.json['sid']}/Participants").json["participants"]
    assert [p["identity"] for p in parts] == ["alice"]


def test_participant_by_identity_and_duplicates(http: Http) -> None:
    conv = new_conv(http)
    url = f"{CONV}/Conversations/{conv['sid']}/Participants"
    created = http.post(url, {"Identity": "alice", "Attributes": '{"x": 1}'})
    assert created.json["role_sid"].startswith("RL")
    assert created.json["attributes"] == '{"x": 1}'
    assert http.get(f"{url}/alice").json["sid"] == created.json["sid"]
    dup = http.post(url, {"Identity": "alice"})
    assert dup.status == 409
    assert dup.json["code"] == 50433
    assert http.post(url, {}).status == 400
    assert http.post(url, {"MessagingBinding.Address": "+15551230000"}).status == 400
    upd = http.post(f"{url}/{created.json['sid']}", {"Attributes": '{"y": 2}'})
    assert upd.json["attributes"] == '{"y": 2}'
    assert http.delete(f"{url}/alice").status == 204
    assert http.get(f"{url}/alice").status == 404


def test_participant_conversations_by_address_and_identity(http: Http) -> None:
    for _ in range(3):
        conv = new_conv(http)
        add_sms(http, conv["sid"], "+15551230000")
        http.post(f"{CONV}/Conversations/{conv['sid']}/Participants", {"Identity": "alice"})
        http.post(f"{CONV}/Conversations/{conv['sid']}", {"State": "closed"})
    by_address = http.get(
        f"{CONV}/ParticipantConversations", params={"Address": "+15551230000", "PageSize": 2}
    ).json
    assert by_address["meta"]["key"] == "conversations"
    assert len(by_address["conversations"]) == 2
    item = by_address["conversations"][0]
    assert item["participant_messaging_binding"]["address"] == "+15551230000"
    assert item["conversation_state"] == "closed"
    by_identity = http.get(
        f"{CONV}/ParticipantConversations", params={"Identity": "alice", "PageSize": 500}
    ).json
    assert by_identity["meta"]["page_size"] == 50
    assert len(by_identity["conversations"]) == 3
    assert http.get(f"{CONV}/ParticipantConversations").status == 400


# ------------------------------------------------------------------ messages


def test_messages_media_attributes_and_order(bare: Emulator, http: Http) -> None:
    conv = new_conv(http)
    url = f"{CONV}/Conversations/{conv['sid']}/Messages"
    add_sms(http, conv["sid"], "+15551230000")
    media = bare.conversations.create_media("image/png", "a.png", 1234)
    first = http.post(url, {"Author": "alice", "Body": "hi", "Attributes": '{"k": "v"}'})
    assert first.status == 201
    assert first.json["sid"].startswith("IM")
    assert first.json["index"] == 0
    assert first.json["attributes"] == '{"k": "v"}'
    assert first.json["delivery"]["total"] == 1
    second = http.post(url, {"Author": "alice", "MediaSid": media.sid})
    assert second.json["index"] == 1
    assert second.json["media"] == [
        {
            "sid": media.sid,
            "category": "media",
            "filename": "a.png",
            "content_type": "image/png",
            "size": 1234,
        }
    ]
    assert http.post(url, {"Author": "alice"}).status == 400
    desc = http.get(url, params={"Order": "desc"}).json["messages"]
    assert [m["index"] for m in desc] == [1, 0]
    assert http.get(f"{url}/{first.json['sid']}").json["body"] == "hi"
    upd = http.post(f"{url}/{first.json['sid']}", {"Body": "hello"})
    assert upd.json["body"] == "hello"
    # the SMS participant got the messages: the 2010 log shows them
    log = http.get(f"{API}/Accounts/{bare.account_sid}/Messages.json").json["messages"]
    assert {m["direction"] for m in log} == {"outbound-api"}
    assert {m["to"] for m in log} == {"+15551230000"}
    assert http.delete(f"{url}/{first.json['sid']}").status == 204


def test_message_page_max_100(http: Http) -> None:
    conv = new_conv(http)
    url = f"{CONV}/Conversations/{conv['sid']}/Messages"
    for i in range(101):
        http.post(url, {"Body": str(i)}, check=False)
    page = http.get(url, params={"PageSize": 200}).json
    assert page["meta"]["page_size"] == 100
    assert page["meta"]["next_page_url"]


# ------------------------------------------------------------------ scoped webhooks


def test_scoped_webhooks(http: Http) -> None:
    conv = new_conv(http)
    url = f"{CONV}/Conversations/{conv['sid']}/Webhooks"
    hook = http.post(
        url,
        [
            ("Target", "webhook"),
            ("Configuration.Url", "https://example.com/h"),
            ("Configuration.Method", "get"),
            ("Configuration.Filters", "onMessageAdded"),
            ("Configuration.Filters", "onParticipantAdded"),
        ],
    )
    assert hook.status == 201
    assert hook.json["sid"].startswith("WH")
    assert hook.json["configuration"]["method"] == "GET"
    assert hook.json["configuration"]["filters"] == ["onMessageAdded", "onParticipantAdded"]
    studio = http.post(url, {"Target": "studio", "Configuration.FlowSid": "FW" + "b" * 32})
    assert studio.json["configuration"]["flow_sid"] == "FW" + "b" * 32
    assert http.post(url, {"Target": "studio"}).status == 400
    assert http.post(url, {"Target": "webhook"}).status == 400
    assert http.post(url, {"Target": "elsewhere", "Configuration.Url": "https://x"}).status == 400
    for _ in range(5):
        http.post(
            url,
            {
                "Target": "trigger",
                "Configuration.Url": "https://t",
                "Configuration.Triggers": "help",
            },
        )
    page = http.get(url, params={"PageSize": 50}).json
    assert page["meta"]["page_size"] == 5
    assert len(page["webhooks"]) == 5
    upd = http.post(f"{url}/{hook.json['sid']}", {"Configuration.Method": "post"})
    assert upd.json["configuration"]["method"] == "POST"
    assert http.delete(f"{url}/{hook.json['sid']}").status == 204


def test_rest_changes_fire_webhooks_only_with_the_header(bare: Emulator, http: Http) -> None:
    received: list[dict[str, str]] = []
    bare.webhooks.register(
        "https://team.example.com/hook", lambda r: received.append(r.form()) or 200
    )
    http.post(
        f"{CONV}/Configuration/Webhooks",
        [
            ("PostWebhookUrl", "https://team.example.com/hook"),
            ("Filters", "onMessageAdded"),
            ("Filters", "onConversationAdded"),
            ("Method", "POST"),
        ],
    )
    conv = new_conv(http)
    http.post(f"{CONV}/Conversations/{conv['sid']}/Messages", {"Author": "a", "Body": "quiet"})
    assert received == []
    hdr = {"X-Twilio-Webhook-Enabled": "true"}
    http.post(f"{CONV}/Conversations", {"FriendlyName": "loud"}, headers=hdr)
    http.post(
        f"{CONV}/Conversations/{conv['sid']}/Messages", {"Author": "a", "Body": "loud"}, headers=hdr
    )
    assert [r["EventType"] for r in received] == ["onConversationAdded", "onMessageAdded"]
    msg = received[1]
    assert msg["Body"] == "loud"
    assert msg["Author"] == "a"
    assert msg["ConversationSid"] == conv["sid"]
    assert msg["MessageSid"].startswith("IM")
    assert msg["Source"] == "API"


# ------------------------------------------------------------------ roles and configuration


def test_roles_include_flex_agent(http: Http) -> None:
    page = http.get(f"{CONV}/Roles", params={"PageSize": 1000}).json
    assert page["meta"]["page_size"] == 50
    roles = {r["friendly_name"]: r for r in page["roles"]}
    assert {"channel user", "channel admin", "service user", "service admin", "agent"} <= set(roles)
    agent = roles["agent"]
    assert agent["type"] == "conversation"
    assert agent["permissions"] == list(AGENT_PERMISSIONS)
    assert set(AGENT_PERMISSIONS) == {
        "sendMessage",
        "sendMediaMessage",
        "leaveConversation",
        "editConversationAttributes",
        "editOwnMessage",
        "editOwnMessageAttributes",
        "deleteOwnMessage",
    }
    created = http.post(
        f"{CONV}/Roles",
        {"FriendlyName": "bot", "Type": "conversation", "Permission": ["sendMessage"]},
    )
    assert created.status == 201
    assert created.json["sid"].startswith("RL")
    upd = http.post(
        f"{CONV}/Roles/{created.json['sid']}", {"Permission": ["sendMessage", "leaveConversation"]}
    )
    assert upd.json["permissions"] == ["sendMessage", "leaveConversation"]
    assert http.delete(f"{CONV}/Roles/{created.json['sid']}").status == 204


def test_account_configuration(http: Http) -> None:
    body = http.get(f"{CONV}/Configuration").json
    assert body["default_chat_service_sid"].startswith("IS")
    assert body["default_messaging_service_sid"].startswith("MG")
    upd = http.post(f"{CONV}/Configuration", {"DefaultInactiveTimer": "PT10M"}).json
    assert upd["default_inactive_timer"] == "PT10M"
    conv = new_conv(http)
    assert "date_inactive" in conv["timers"]


def test_message_indexes_are_never_reused(http: Http) -> None:
    conv = new_conv(http)
    url = f"{CONV}/Conversations/{conv['sid']}/Messages"
    http.post(url, {"Body": "a"})
    last = http.post(url, {"Body": "b"}).json
    http.delete(f"{url}/{last['sid']}")
    assert http.post(url, {"Body": "c"}).json["index"] == 2
