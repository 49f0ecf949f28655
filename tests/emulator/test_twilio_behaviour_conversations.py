"""Conversations behaviour the emulator must share with Twilio (where it differs from Twilio).

Raw Twilio-shaped HTTP checked against Twilio's spec by ``Http``; each test cites the spec or
documentation wording it holds the emulator to.
"""

from __future__ import annotations

import re

import pytest

from flexconv.emulator import ApiError, Emulator
from flexconv.emulator.webhooks import WebhookRequest
from tests.emulator.conftest import CONV, Http

HOOK = "https://backend.example.com/conversations"
LOUD = {"X-Twilio-Webhook-Enabled": "true"}


def listen(emu: Emulator, http: Http) -> list[dict[str, str]]:
    got: list[dict[str, str]] = []

    def receive(request: WebhookRequest) -> int:
        got.append(request.form())
        return 200

    emu.webhooks.register(HOOK, receive)
    http.post(
        f"{CONV}/Configuration/Webhooks",
        [("PostWebhookUrl", HOOK), ("Filters", "onConversationStateUpdated"), ("Method", "POST")],
    )
    return got


def test_state_updated_reasons_are_api_timer_and_event(emu: Emulator, http: Http) -> None:
    """Event type `com.twilio.conversations.conversation-state.updated` (Twilio's docs) carries
    `StateUpdated`, `StateFrom`, `StateTo` and `Reason`; the reasons are `API` (a REST update),
    `TIMER` (a conversation timer) and `EVENT` (a new message reactivating the conversation)."""
    got = listen(emu, http)
    conv = http.post(
        f"{CONV}/Conversations", {"FriendlyName": "c", "Timers.Inactive": "PT5M"}, headers=LOUD
    ).json["sid"]
    emu.advance(300)  # the inactive timer fires
    http.post(
        f"{CONV}/Conversations/{conv}/Messages", {"Author": "a", "Body": "back"}, headers=LOUD
    )
    http.post(f"{CONV}/Conversations/{conv}", {"State": "closed"}, headers=LOUD)
    states = [(g["StateFrom"], g["StateTo"], g["Reason"]) for g in got]
    assert states == [
        ("active", "inactive", "TIMER"),
        ("inactive", "active", "EVENT"),
        ("active", "closed", "API"),
    ]
    iso_ms = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
    assert all(iso_ms.match(g["StateUpdated"]) for g in got), got


def test_media_sid_must_name_uploaded_media(emu: Emulator, http: Http) -> None:
    """Conversations Message create, `MediaSid`: "The Media SID to be attached to the new
    Message" -- media uploaded to the Media Content Service first.  A well-formed SID that names
    no uploaded media is refused; registered media is attached with its metadata."""
    conv = http.post(f"{CONV}/Conversations", {"FriendlyName": "c"}).json["sid"]
    unknown = "ME" + "0" * 32
    refused = http.post(
        f"{CONV}/Conversations/{conv}/Messages", {"Author": "a", "MediaSid": unknown}
    )
    assert refused.status == 400
    assert unknown in refused.json["message"]
    assert http.get(f"{CONV}/Conversations/{conv}/Messages").json["messages"] == []
    media = emu.conversations.create_media("image/png", "receipt.png", 2048)
    sent = http.post(
        f"{CONV}/Conversations/{conv}/Messages", {"Author": "a", "MediaSid": media.sid}
    )
    assert sent.status == 201, sent.json
    assert sent.json["media"] == [
        {
            "sid": media.sid,
            "category": "media",
            "filename": "receipt.png",
            "content_type": "image/png",
            "size": 2048,
        }
    ]


def test_scenario_media_can_be_attached() -> None:
    """A scenario's `media` stands for uploads to the Media Content Service (not in the bundled
    specs); their SIDs are on `emu.seeded.media` and a message may name them."""
    emu = Emulator.from_scenario(
        {"media": [{"filename": "receipt.png", "content_type": "image/png", "size": 10}]}
    )
    own = Http(emu)
    conv = own.post(f"{CONV}/Conversations", {"FriendlyName": "c"}).json["sid"]
    sid = emu.seeded.media["receipt.png"]
    sent = own.post(f"{CONV}/Conversations/{conv}/Messages", {"Author": "a", "MediaSid": sid})
    assert sent.json["media"][0]["filename"] == "receipt.png"
    with pytest.raises(ApiError, match="filename"):
        Emulator.from_scenario({"media": [{"size": 1}]})


def test_date_created_and_updated_can_be_set(emu: Emulator, http: Http) -> None:
    """Spec: Conversation, Participant and Message create/update take `DateCreated` and
    `DateUpdated` ("The date that this resource was created/last updated", date-time), used
    when importing history; a malformed date is refused before anything is created."""
    stamp = {"DateCreated": "2024-01-02T03:04:05Z", "DateUpdated": "2024-01-03T00:00:00Z"}
    conv = http.post(f"{CONV}/Conversations", {"FriendlyName": "old", **stamp}).json
    assert (conv["date_created"], conv["date_updated"]) == (
        "2024-01-02T03:04:05Z",
        "2024-01-03T00:00:00Z",
    )
    url = f"{CONV}/Conversations/{conv['sid']}"
    part = http.post(f"{url}/Participants", {"Identity": "amy", **stamp}).json
    assert part["date_created"] == "2024-01-02T03:04:05Z"
    msg = http.post(f"{url}/Messages", {"Author": "amy", "Body": "then", **stamp}).json
    assert msg["date_created"] == "2024-01-02T03:04:05Z"
    edited = http.post(f"{url}/Messages/{msg['sid']}", {"DateUpdated": "2024-02-01T00:00:00Z"})
    assert edited.json["date_updated"] == "2024-02-01T00:00:00Z"
    before = len(http.get(f"{CONV}/Conversations").json["conversations"])
    bad = http.post(f"{CONV}/Conversations", {"FriendlyName": "x", "DateCreated": "last week"})
    assert bad.status == 400
    assert "DateCreated" in bad.json["message"]
    assert len(http.get(f"{CONV}/Conversations").json["conversations"]) == before


MCS = "https://mcs.us1.twilio.com/v1"


def test_media_uploaded_to_the_media_content_service(emu: Emulator, http: Http) -> None:
    """Twilio's docs (Conversations, sending media): upload the file's bytes with its
    `Content-Type` to `POST https://mcs.us1.twilio.com/v1/Services/{ChatServiceSid}/Media`; the
    answer's `sid` (ME…) is the `MediaSid` of a message.  MCS is not in the bundled OpenAPI specs,
    so these requests are not spec-checked (see tests/conftest.py)."""
    service = http.get(f"{CONV}/Configuration").json["default_chat_service_sid"]
    url = f"{MCS}/Services/{service}/Media"
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
    resp = emu.handle(
        "POST",
        url,
        {"Authorization": http.auth, "Content-Type": "image/png", "Content-Length": str(len(png))},
        png,
    )
    assert resp.status == 201, resp.body
    media = resp.parsed()
    assert media["sid"].startswith("ME")
    assert (media["service_sid"], media["content_type"], media["size"]) == (
        service,
        "image/png",
        len(png),
    )
    assert media["category"] == "media"
    got = emu.handle("GET", f"{url}/{media['sid']}/Content", {"Authorization": http.auth})
    assert (got.status, got.body, got.headers["content-type"]) == (200, png, "image/png")
    conv = http.post(f"{CONV}/Conversations", {"FriendlyName": "c"}).json["sid"]
    sent = http.post(
        f"{CONV}/Conversations/{conv}/Messages", {"Author": "a", "MediaSid": media["sid"]}
    )
    assert sent.json["media"][0]["size"] == len(png)
    # Another service, an empty body or no credentials are refused.
    other = emu.handle(
        "POST", f"{MCS}/Services/IS{'0' * 32}/Media", {"Authorization": http.auth}, png
    )
    assert other.status == 404
    empty = emu.handle("POST", url, {"Authorization": http.auth, "Content-Type": "image/png"}, b"")
    assert empty.status == 400
    anonymous = emu.handle("POST", url, {"Content-Type": "image/png"}, png)
    assert anonymous.status == 401


@pytest.mark.parametrize("address", ["+15551234567\n", "+15551234567 ", "x+15551234567"])
def test_address_patterns_are_whole_matches(emu: Emulator, http: Http, address: str) -> None:
    """An address with a trailing newline is not the E.164 number it starts with: a `$` anchor
    would accept `"+15551234567\\n"` and create a second address for the same number."""
    created = http.post(
        f"{CONV}/Configuration/Addresses", {"Type": "sms", "Address": "+15551234567"}
    )
    assert created.status == 201
    again = http.post(
        f"{CONV}/Configuration/Addresses", {"Type": "sms", "Address": address}, check=False
    )
    assert again.status == 400
    listed = http.get(f"{CONV}/Configuration/Addresses").json["address_configurations"]
    assert [a["address"] for a in listed if "15551234567" in a["address"]] == ["+15551234567"]
