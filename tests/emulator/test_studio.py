"""Studio v2: flows, executions (lowercase ``status`` filter), steps and contexts."""

from __future__ import annotations

from flexconv.emulator import Emulator
from flexconv.emulator.studio import messaging_flow_definition
from tests.emulator.conftest import STUDIO, Http


def test_default_messaging_flow_is_seeded(emu: Emulator, http: Http) -> None:
    flows = http.get(f"{STUDIO}/Flows").json
    assert flows["meta"]["key"] == "flows"
    (flow,) = flows["flows"]
    assert flow["friendly_name"] == "Messaging Flow"
    assert flow["sid"].startswith("FW")
    assert flow["status"] == "published"
    widget = next(s for s in flow["definition"]["states"] if s["type"] == "send-to-flex")
    assert widget["properties"]["workflow"] == emu.seeded.workflows["Assign to Anyone"]
    assert widget["properties"]["channel"] == emu.seeded.task_channels["chat"]


def test_flow_crud(bare: Emulator) -> None:
    http = Http(bare)
    definition = messaging_flow_definition(None, None)
    created = http.post(
        f"{STUDIO}/Flows", {"FriendlyName": "F", "Status": "draft", "Definition": definition}
    )
    assert created.status == 201
    sid = created.json["sid"]
    upd = http.post(f"{STUDIO}/Flows/{sid}", {"Status": "published", "CommitMessage": "go"})
    assert upd.json["revision"] == 2
    assert upd.json["status"] == "published"
    assert (
        http.post(
            f"{STUDIO}/Flows",
            {"FriendlyName": "F", "Status": "draft", "Definition": {"states": []}},
        ).status
        == 400
    )
    assert http.post(f"{STUDIO}/Flows/{sid}", {}).status == 400
    assert http.delete(f"{STUDIO}/Flows/{sid}").status == 204
    assert http.get(f"{STUDIO}/Flows/{sid}").status == 404


def test_executions_trace_send_to_flex(emu: Emulator, http: Http) -> None:
    flow = emu.seeded.flows["Messaging Flow"]
    inbound = emu.simulate.customer_message("+15005550006", "+15551230000", "hi")
    base = f"{STUDIO}/Flows/{flow}/Executions"
    execs = http.get(base, params={"status": "ended"}).json
    assert execs["meta"]["key"] == "executions"
    assert "status=ended" in execs["meta"]["url"]
    (ex,) = execs["executions"]
    assert ex["sid"].startswith("FN")
    assert ex["contact_channel_address"] == "+15551230000"
    assert http.get(base, params={"status": "active"}).json["executions"] == []
    full = http.get(f"{base}/{ex['sid']}").json
    assert full["context"]["trigger"]["conversation"]["ConversationSid"] == inbound.conversation_sid
    ctx = http.get(f"{base}/{ex['sid']}/Context").json["context"]
    (inter,) = emu.flex.interactions.values()
    assert ctx["widgets"]["SendMessageToAgent"]["InteractionSid"] == inter.sid
    steps = http.get(f"{base}/{ex['sid']}/Steps").json["steps"]
    assert all(s["sid"].startswith("FT") for s in steps)
    step = http.get(f"{base}/{ex['sid']}/Steps/{steps[1]['sid']}").json
    assert step["type"] == "send-to-flex"
    assert step["transitioned_from"] == "Trigger"
    sctx = http.get(f"{base}/{ex['sid']}/Steps/{steps[1]['sid']}/Context").json
    assert sctx["context"]["event"] == "callComplete"
    # the task attributes come from the widget's template
    emu.advance(0)
    task_sid = inter.channels[next(iter(inter.channels))].task_sids[0]
    task = emu.taskrouter.get_task(emu.seeded.workspace_sid, task_sid)
    assert task.attributes["channelSid"] == inbound.conversation_sid
    assert task.attributes["channelType"] == "sms"


def test_rest_execution_without_a_conversation(emu: Emulator, http: Http) -> None:
    flow = emu.seeded.flows["Messaging Flow"]
    base = f"{STUDIO}/Flows/{flow}/Executions"
    created = http.post(
        base, {"To": "+15551230000", "From": "+15005550006", "Parameters": {"x": 1}}
    )
    assert created.status == 201
    assert created.json["status"] == "ended"
    assert http.post(base, {"To": "+1"}).status == 400
    upd = http.post(f"{base}/{created.json['sid']}", {"Status": "ended"})
    assert upd.status == 200
    assert http.delete(f"{base}/{created.json['sid']}").status == 204


def test_unpublished_flow_leaves_the_conversation_orphaned(bare: Emulator) -> None:
    flow = bare.studio.create_flow("Draft", messaging_flow_definition(None, None), status="draft")
    http = Http(bare)
    http.post(
        "https://conversations.twilio.com/v1/Configuration/Addresses",
        {
            "Type": "sms",
            "Address": "+15005550006",
            "AutoCreation.Enabled": "true",
            "AutoCreation.Type": "studio",
            "AutoCreation.StudioFlowSid": flow.sid,
        },
    )
    bare.simulate.customer_message("+15005550006", "+15551230000", "hi")
    assert bare.flex.interactions == {}
    assert bare.studio.errors
