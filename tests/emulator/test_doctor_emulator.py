"""What the emulator models for the doctor: legacy Flex Flows (``/v1/FlexFlows``) and Studio's
HTTP Request / Run Function widgets, whose failures are recorded in the step's context."""

from __future__ import annotations

from flexconv.emulator import Emulator
from flexconv.emulator.doctor_scenarios import FAILING_URL, plant
from flexconv.emulator.webhooks import WebhookRequest
from tests.emulator.conftest import FLEX, STUDIO, Http

CHAT = "IS" + "a" * 32


def test_flex_flow_crud_follows_the_spec(emu: Emulator, http: Http) -> None:
    created = http.post(
        f"{FLEX}/FlexFlows",
        {
            "FriendlyName": "SMS",
            "ChatServiceSid": CHAT,
            "ChannelType": "sms",
            "ContactIdentity": "+15005550009",
            "IntegrationType": "studio",
            "Integration.FlowSid": "FW" + "b" * 32,
            "Integration.RetryCount": "2",
            "JanitorEnabled": "true",
        },
    )
    assert created.status == 201
    flow = created.json
    assert flow["sid"].startswith("FO")
    assert flow["integration"] == {"flow_sid": "FW" + "b" * 32, "retry_count": 2}
    assert flow["janitor_enabled"] is True
    listed = http.get(f"{FLEX}/FlexFlows?FriendlyName=SMS").json
    assert listed["meta"]["key"] == "flex_flows"
    assert [f["sid"] for f in listed["flex_flows"]] == [flow["sid"]]
    assert http.get(f"{FLEX}/FlexFlows?FriendlyName=other").json["flex_flows"] == []
    updated = http.post(f"{FLEX}/FlexFlows/{flow['sid']}", {"Enabled": "false"}).json
    assert updated["enabled"] is False
    assert updated["channel_type"] == "sms"
    assert http.get(f"{FLEX}/FlexFlows/{flow['sid']}").json["enabled"] is False
    assert http.delete(f"{FLEX}/FlexFlows/{flow['sid']}").status == 204
    assert http.get(f"{FLEX}/FlexFlows/{flow['sid']}", check=False).status == 404


def test_flex_flow_refuses_bad_values(emu: Emulator, http: Http) -> None:
    base = {"FriendlyName": "F", "ChatServiceSid": CHAT, "ChannelType": "sms"}
    for change, word in (
        ({"ChannelType": "fax"}, "ChannelType"),
        ({"ChatServiceSid": "CH1"}, "ChatServiceSid"),
        ({"IntegrationType": "bot"}, "IntegrationType"),
        ({"FriendlyName": ""}, "FriendlyName"),
    ):
        resp = http.post(f"{FLEX}/FlexFlows", {**base, **change}, check=False)
        assert resp.status == 400
        assert word in resp.json["message"]


def test_http_request_widget_failure_is_recorded(emu: Emulator, http: Http) -> None:
    planted = plant(emu, "studio_step_failed")
    flow = emu.conversations.find_address(planted.flex_number)
    assert flow is not None
    flow_sid = str(flow.auto_creation.studio_flow_sid)
    (execution,) = http.get(f"{STUDIO}/Flows/{flow_sid}/Executions").json["executions"]
    steps = http.get(f"{STUDIO}/Flows/{flow_sid}/Executions/{execution['sid']}/Steps").json
    lookup = next(s for s in steps["steps"] if s["name"] == "LookupCustomer")
    assert lookup["transitioned_to"] == "Ended"
    ctx = http.get(
        f"{STUDIO}/Flows/{flow_sid}/Executions/{execution['sid']}/Steps/{lookup['sid']}/Context"
    ).json["context"]
    assert ctx["event"] == "failed"
    assert ctx["widgets"]["LookupCustomer"]["status_code"] == 500
    assert FAILING_URL in ctx["widgets"]["LookupCustomer"]["error"]


def test_http_request_widget_success_continues_the_flow(emu: Emulator) -> None:
    seen: list[WebhookRequest] = []

    def ok(request: WebhookRequest) -> int:
        seen.append(request)
        return 200

    planted = plant(emu, "studio_step_failed")
    emu.webhooks.register(FAILING_URL, ok)
    inbound = emu.simulate.customer_message(planted.flex_number, "+15559999999", "again")
    emu.advance(0)
    assert seen
    assert seen[-1].kind == "studio"
    tasks = [
        t
        for t in emu.taskrouter.get_workspace(emu.seeded.workspace_sid).tasks.values()
        if t.attributes.get("conversationSid") == inbound.conversation_sid
    ]
    assert len(tasks) == 1
