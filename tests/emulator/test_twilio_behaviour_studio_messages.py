"""Studio and 2010 Messages behaviour the emulator must share with Twilio (where it differs).

Raw Twilio-shaped HTTP checked against Twilio's spec by ``Http``; each test cites the spec or
documentation wording it holds the emulator to.
"""

from __future__ import annotations

from typing import Any

from flexconv.emulator import Emulator
from flexconv.emulator.webhooks import WebhookRequest
from tests.emulator.conftest import API, STUDIO, Http


def test_execution_and_step_lists_include_context(emu: Emulator, http: Http) -> None:
    """Spec: `studio.v2.flow.execution` and `...execution_step` list items carry `context`
    ("The current state of the Flow's Execution"), as a fetch does."""
    flow = emu.seeded.flows["Messaging Flow"]
    emu.simulate.customer_message("+15005550006", "+15551230000", "hi")
    base = f"{STUDIO}/Flows/{flow}/Executions"
    (listed,) = http.get(base).json["executions"]
    fetched = http.get(f"{base}/{listed['sid']}").json
    assert listed["context"] == fetched["context"]
    assert listed["context"]["trigger"]["conversation"]["Body"] == "hi"
    steps = http.get(f"{base}/{listed['sid']}/Steps").json["steps"]
    assert steps
    assert all("context" in s for s in steps)


def test_execution_list_filters_by_creation_date(emu: Emulator, http: Http) -> None:
    """Spec, Executions list: `DateCreatedFrom` / `DateCreatedTo` ("Only show Execution resources
    starting on or after/before this ISO 8601 date-time")."""
    flow = emu.seeded.flows["Messaging Flow"]
    emu.simulate.customer_message("+15005550006", "+15551230000", "first")
    first_at = emu.now()
    emu.advance(3600)
    emu.simulate.customer_message("+15005550006", "+15551239999", "second")
    base = f"{STUDIO}/Flows/{flow}/Executions"
    cut = (first_at.replace(microsecond=0)).isoformat().replace("+00:00", "Z")
    early = http.get(base, params={"DateCreatedTo": cut}).json["executions"]
    late = http.get(base, params={"DateCreatedFrom": emu.now().isoformat()}).json["executions"]
    assert [e["contact_channel_address"] for e in early] == ["+15551230000"]
    assert [e["contact_channel_address"] for e in late] == ["+15551239999"]
    assert http.get(base, params={"DateCreatedFrom": "yesterday"}).status == 400


def test_send_an_sms_creates_a_message(emu: Emulator, http: Http) -> None:
    """Spec, `POST /2010-04-01/Accounts/{AccountSid}/Messages.json` (201, `api.v2010.account.
    message`): `To` required, `From` or `MessagingServiceSid`, `Body`/`MediaUrl`/`ContentSid`;
    docs: a new message is `queued` (`accepted` through a Messaging Service), then `sent` and
    `delivered`, each reported to `StatusCallback` with `MessageStatus`."""
    url = f"{API}/Accounts/{emu.account_sid}/Messages.json"
    statuses: list[dict[str, str]] = []

    def status_callback(request: WebhookRequest) -> int:
        statuses.append(request.form())
        return 204

    emu.webhooks.register("https://backend.example.com/status", status_callback)
    sent = http.post(
        url,
        {
            "To": "+15551230000",
            "From": "+15005550006",
            "Body": "Your order shipped",
            "StatusCallback": "https://backend.example.com/status",
        },
    )
    assert sent.status == 201, sent.json
    msg: dict[str, Any] = sent.json
    assert msg["sid"].startswith("SM")
    assert (msg["status"], msg["direction"]) == ("queued", "outbound-api")
    assert (msg["to"], msg["from"], msg["body"]) == (
        "+15551230000",
        "+15005550006",
        "Your order shipped",
    )
    assert msg["num_segments"] == "1"
    emu.advance(5)
    fetched = http.get(f"{API}/Accounts/{emu.account_sid}/Messages/{msg['sid']}.json").json
    assert fetched["status"] == "delivered"
    assert [s["MessageStatus"] for s in statuses] == ["sent", "delivered"]
    assert statuses[0]["MessageSid"] == msg["sid"]
    listed = http.get(url, params={"To": "+15551230000"}).json["messages"]
    assert [m["sid"] for m in listed] == [msg["sid"]]

    mms = http.post(
        url,
        [
            ("To", "+15551230000"),
            ("MessagingServiceSid", "MG" + "1" * 32),
            ("MediaUrl", "https://example.com/a.png"),
            ("MediaUrl", "https://example.com/b.png"),
        ],
    ).json
    assert mms["sid"].startswith("MM")
    assert (mms["status"], mms["num_media"]) == ("accepted", "2")
    long = http.post(url, {"To": "+15551230000", "From": "+15005550006", "Body": "x" * 161}).json
    assert long["num_segments"] == "2"


def test_send_an_sms_refuses_bad_input(emu: Emulator, http: Http) -> None:
    """Twilio's errors 21604 ('To' required), 21603 ('From' or a Messaging Service required),
    21602 (a body, media or content required), 21211 (invalid 'To')."""
    url = f"{API}/Accounts/{emu.account_sid}/Messages.json"
    cases = [
        ({"From": "+15005550006", "Body": "x"}, 21604),
        ({"To": "+15551230000", "Body": "x"}, 21603),
        ({"To": "+15551230000", "From": "+15005550006"}, 21602),
        ({"To": "not a number", "From": "+15005550006", "Body": "x"}, 21211),
    ]
    for form, code in cases:
        resp = http.post(url, form)
        assert (resp.status, resp.json["code"]) == (400, code), form
    assert http.get(url).json["messages"] == []


def test_message_list_filters_by_date_sent(emu: Emulator, http: Http) -> None:
    """Spec, Messages list: `DateSent`, `DateSent<`, `DateSent>` filter on the sending date."""
    url = f"{API}/Accounts/{emu.account_sid}/Messages.json"
    form = {"To": "+15551230000", "From": "+15005550006", "Body": "one"}
    first = http.post(url, form).json["sid"]
    emu.advance(1)
    first_day = emu.now().date().isoformat()
    emu.advance(2 * 86400)
    second = http.post(url, {**form, "Body": "two"}).json["sid"]
    emu.advance(1)
    day = emu.now().date().isoformat()
    assert [m["sid"] for m in http.get(url, params={"DateSent": day}).json["messages"]] == [second]
    before = http.get(url, params={"DateSent<": first_day}).json["messages"]  # on or before
    assert [m["sid"] for m in before] == [first]
    after = http.get(url, params={"DateSent>": day}).json["messages"]  # on or after
    assert [m["sid"] for m in after] == [second]
    assert http.get(url, params={"DateSent": "soon"}).status == 400
