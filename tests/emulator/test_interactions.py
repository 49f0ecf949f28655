"""Flex Interactions: asynchronous setup, tasks, agents joining, closing, participants, invites,
transfers."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from flexconv.emulator import Emulator
from tests.emulator.conftest import CONV, FLEX, TR, Http

SID = re.compile(r"^[A-Z]{2}[0-9a-f]{32}$")


def sms_conversation(http: Http, customer: str = "+15551230000") -> str:
    conv = http.post(f"{CONV}/Conversations", {"FriendlyName": "c"}).json["sid"]
    http.post(
        f"{CONV}/Conversations/{conv}/Participants",
        {"MessagingBinding.Address": customer, "MessagingBinding.ProxyAddress": "+15005550006"},
    )
    return str(conv)


def routing(emu: Emulator, **extra: Any) -> dict[str, Any]:
    props = {
        "workspace_sid": emu.seeded.workspace_sid,
        "workflow_sid": emu.seeded.workflows["Assign to Anyone"],
        "task_channel_unique_name": "chat",
        "attributes": {"topic": "order"},
        **extra,
    }
    return {"properties": props}


def create(http: Http, emu: Emulator, conv: str, **extra: Any) -> dict[str, Any]:
    resp = http.post(
        f"{FLEX}/Interactions",
        {
            "Channel": {
                "type": "sms",
                "initiated_by": "customer",
                "properties": {"media_channel_sid": conv},
            },
            "Routing": routing(emu, **extra),
        },
    )
    assert resp.status == 200, resp.json
    return resp.json  # type: ignore[no-any-return]


def channel_url(inter: dict[str, Any]) -> str:
    return f"{FLEX}/Interactions/{inter['sid']}/Channels/{inter['channel']['sid']}"


def task_json(http: Http, emu: Emulator, task_sid: str) -> dict[str, Any]:
    return http.get(f"{TR}/Workspaces/{emu.seeded.workspace_sid}/Tasks/{task_sid}").json  # type: ignore[no-any-return]


def the_task(emu: Emulator, inter: dict[str, Any]) -> str:
    return emu.flex.channel(inter["channel"]["sid"]).task_sids[0]


def test_setup_until_the_clock_ticks_then_active_with_a_task(emu: Emulator, http: Http) -> None:
    conv = sms_conversation(http)
    inter = create(http, emu, conv)
    assert inter["sid"].startswith("KD")
    assert inter["channel"]["sid"].startswith("UO")
    assert inter["links"]["channels"].endswith(f"/Interactions/{inter['sid']}/Channels")
    assert http.get(channel_url(inter)).json["status"] == "setup"
    # The task exists at once (the create answers it); the channel activates on the next tick.
    assert list(emu.taskrouter.workspaces[emu.seeded.workspace_sid].tasks) == [
        inter["routing"]["properties"]["sid"]
    ]
    emu.advance(0)
    ch = http.get(channel_url(inter)).json
    assert ch["status"] == "active"
    assert ch["type"] == "sms"
    assert ch["error_code"] is None
    listed = http.get(f"{FLEX}/Interactions/{inter['sid']}/Channels").json
    assert listed["meta"]["key"] == "channels"
    assert [c["sid"] for c in listed["channels"]] == [ch["sid"]]
    task = task_json(http, emu, the_task(emu, inter))
    attrs = json.loads(task["attributes"])
    assert attrs["topic"] == "order"
    assert attrs["conversationSid"] == conv
    assert attrs["flexInteractionSid"] == inter["sid"]
    assert attrs["flexInteractionChannelSid"] == ch["sid"]
    assert attrs["channelType"] == "sms"
    assert attrs["customerAddress"] == "+15551230000"
    assert task["task_channel_unique_name"] == "chat"
    assert task["workflow_sid"] == emu.seeded.workflows["Assign to Anyone"]
    assert task["assignment_status"] == "reserved"
    parts = http.get(f"{channel_url(inter)}/Participants").json["participants"]
    assert [p["type"] for p in parts] == ["customer"]
    assert parts[0]["sid"].startswith("UT")
    fetched = http.get(f"{FLEX}/Interactions/{inter['sid']}").json["routing"]["properties"]
    assert fetched["sid"] == task["sid"]
    assert fetched["workflow_sid"] == routing(emu)["properties"]["workflow_sid"]


def test_missing_conversation_fails_the_channel(emu: Emulator, http: Http) -> None:
    inter = create(http, emu, "CH" + "0" * 32)
    emu.advance(0)
    ch = http.get(channel_url(inter)).json
    assert ch["status"] == "failed"
    assert ch["error_code"] == 20404
    assert "CH" + "0" * 32 in ch["error_message"]


@pytest.mark.parametrize(
    "bad",
    [
        {"workspace_sid": "WS" + "0" * 32},
        {"workflow_sid": "WW" + "0" * 32},
        {"task_channel_unique_name": "nope"},
    ],
)
def test_bad_routing_fails_the_channel(emu: Emulator, http: Http, bad: dict[str, str]) -> None:
    inter = create(http, emu, sms_conversation(http), **bad)
    emu.advance(0)
    ch = http.get(channel_url(inter)).json
    assert ch["status"] == "failed"
    assert ch["error_code"] in (20404, 20001)


def test_create_validates_channel_json(emu: Emulator, http: Http) -> None:
    assert http.post(f"{FLEX}/Interactions", {}).status == 400
    assert http.post(f"{FLEX}/Interactions", {"Channel": "{oops"}).status == 400
    assert http.post(f"{FLEX}/Interactions", {"Channel": {"type": "pigeon"}}).status == 400


def accepted(emu: Emulator, http: Http) -> tuple[dict[str, Any], str, str]:
    conv = sms_conversation(http)
    inter = create(http, emu, conv)
    emu.advance(0)
    reservation = emu.simulate.reservations("alice") or emu.simulate.reservations("bob")
    worker = "alice" if emu.simulate.reservations("alice") else "bob"
    assert reservation
    emu.simulate.accept(worker)
    return inter, conv, worker


def test_accepting_adds_the_agent_with_the_agent_role(emu: Emulator, http: Http) -> None:
    inter, conv, worker = accepted(emu, http)
    agent = http.get(f"{CONV}/Conversations/{conv}/Participants/{worker}").json
    assert agent["role_sid"] == emu.conversations.agent_role_sid
    role = http.get(f"{CONV}/Roles/{agent['role_sid']}").json
    assert role["friendly_name"] == "agent"
    parts = http.get(f"{channel_url(inter)}/Participants").json["participants"]
    assert [p["type"] for p in parts] == ["customer", "agent"]
    props = parts[1]["routing_properties"]
    assert props["worker_sid"] == emu.seeded.workers[worker]
    assert props["task_sid"] == the_task(emu, inter)
    assert task_json(http, emu, the_task(emu, inter))["assignment_status"] == "assigned"


def test_custom_orchestration_adds_nobody(emu: Emulator, http: Http) -> None:
    emu.flex.orchestration = "custom"
    inter, conv, _ = accepted(emu, http)
    parts = http.get(f"{CONV}/Conversations/{conv}/Participants").json["participants"]
    assert [p["identity"] for p in parts] == [None]
    assert len(http.get(f"{channel_url(inter)}/Participants").json["participants"]) == 1


def test_closing_the_channel_closes_the_conversation_and_wraps_tasks(
    emu: Emulator, http: Http
) -> None:
    inter, conv, _ = accepted(emu, http)
    resp = http.post(channel_url(inter), {"Status": "closed"})
    assert resp.json["status"] == "closed"
    assert http.get(f"{CONV}/Conversations/{conv}").json["state"] == "closed"
    assert task_json(http, emu, the_task(emu, inter))["assignment_status"] == "wrapping"


def test_inactive_with_routing_closed_completes_tasks(emu: Emulator, http: Http) -> None:
    inter, conv, _ = accepted(emu, http)
    resp = http.post(channel_url(inter), {"Status": "inactive", "Routing": {"status": "closed"}})
    assert resp.json["status"] == "inactive"
    assert task_json(http, emu, the_task(emu, inter))["assignment_status"] == "completed"
    assert http.get(f"{CONV}/Conversations/{conv}").json["state"] == "inactive"


def test_inactive_without_routing_is_refused(emu: Emulator, http: Http) -> None:
    inter, _, _ = accepted(emu, http)
    assert http.post(channel_url(inter), {"Status": "inactive"}).status == 400
    assert task_json(http, emu, the_task(emu, inter))["assignment_status"] == "assigned"


def test_channel_update_validation(emu: Emulator, http: Http) -> None:
    inter, _, _ = accepted(emu, http)
    assert http.post(channel_url(inter), {"Status": "wrapup"}).status == 400
    assert http.post(channel_url(inter), {}).status == 400
    assert (
        http.post(channel_url(inter), {"Status": "closed", "Routing": {"status": "open"}}).status
        == 400
    )


def test_unaccepted_tasks_are_canceled_when_the_channel_closes(emu: Emulator, http: Http) -> None:
    inter = create(http, emu, sms_conversation(http))
    emu.advance(0)
    http.post(channel_url(inter), {"Status": "closed"})
    assert task_json(http, emu, the_task(emu, inter))["assignment_status"] == "canceled"


def agent_participant(http: Http, inter: dict[str, Any]) -> dict[str, Any]:
    parts = http.get(f"{channel_url(inter)}/Participants").json["participants"]
    return next(p for p in parts if p["type"] == "agent")


def test_participant_wrapup_keeps_the_agent(emu: Emulator, http: Http) -> None:
    inter, conv, worker = accepted(emu, http)
    agent = agent_participant(http, inter)
    resp = http.post(f"{channel_url(inter)}/Participants/{agent['sid']}", {"Status": "wrapup"})
    assert resp.status == 200
    assert task_json(http, emu, the_task(emu, inter))["assignment_status"] == "wrapping"
    assert http.get(f"{CONV}/Conversations/{conv}/Participants/{worker}").status == 200
    assert http.get(f"{CONV}/Conversations/{conv}").json["state"] == "active"


def test_participant_closed_completes_and_removes_the_agent(emu: Emulator, http: Http) -> None:
    inter, conv, worker = accepted(emu, http)
    agent = agent_participant(http, inter)
    http.post(f"{channel_url(inter)}/Participants/{agent['sid']}", {"Status": "closed"})
    assert task_json(http, emu, the_task(emu, inter))["assignment_status"] == "completed"
    assert http.get(f"{CONV}/Conversations/{conv}/Participants/{worker}").status == 404
    bad = http.post(f"{channel_url(inter)}/Participants/{agent['sid']}", {"Status": "bogus"})
    assert bad.status == 400


def test_add_channel_participant(emu: Emulator, http: Http) -> None:
    inter, conv, _ = accepted(emu, http)
    url = f"{channel_url(inter)}/Participants"
    resp = http.post(url, {"Type": "supervisor", "MediaProperties": {"identity": "sam"}})
    assert resp.status == 200
    assert resp.json["type"] == "supervisor"
    assert http.get(f"{CONV}/Conversations/{conv}/Participants/sam").status == 200
    again = http.post(url, {"Type": "supervisor", "MediaProperties": {"identity": "sam"}})
    assert again.status == 409
    assert again.json["code"] == 80102
    assert http.post(url, {"Type": "robot", "MediaProperties": {}}).status == 400


def test_invite_a_worker(emu: Emulator, http: Http) -> None:
    inter, conv, worker = accepted(emu, http)
    other = "bob" if worker == "alice" else "alice"
    props = routing(emu, worker_sid=emu.seeded.workers[other])
    resp = http.post(f"{channel_url(inter)}/Invites", {"Routing": props})
    assert resp.status == 200
    assert resp.json["sid"].startswith("KG")
    assert resp.json["routing"]["properties"]["worker_sid"] == props["properties"]["worker_sid"]
    assert resp.json["routing"]["properties"]["routing_target"] == emu.seeded.workers[other]
    listed = http.get(f"{channel_url(inter)}/Invites").json
    assert [i["sid"] for i in listed["invites"]] == [resp.json["sid"]]
    pending = emu.simulate.reservations(other)
    assert len(pending) == 1
    task = task_json(http, emu, pending[0].task_sid)
    assert json.loads(task["attributes"])["flexChannelInviteSid"] == resp.json["sid"]
    emu.simulate.accept(other)
    assert http.get(f"{CONV}/Conversations/{conv}/Participants/{other}").status == 200
    assert http.post(f"{channel_url(inter)}/Invites", {"Routing": {"properties": {}}}).status == 400


def test_invite_a_queue(emu: Emulator, http: Http) -> None:
    inter, _, worker = accepted(emu, http)
    props = routing(emu, queue_sid=emu.seeded.task_queues["Everyone"])
    http.post(f"{channel_url(inter)}/Invites", {"Routing": props})
    other = "bob" if worker == "alice" else "alice"
    assert len(emu.simulate.reservations(other)) == 1


def test_cold_transfer_to_a_worker(emu: Emulator, http: Http) -> None:
    inter, conv, worker = accepted(emu, http)
    other = "bob" if worker == "alice" else "alice"
    agent = agent_participant(http, inter)
    body = {"type": "cold", "from": agent["sid"], "to": emu.seeded.workers[other]}
    resp = http.request("POST", f"{channel_url(inter)}/Transfers", json_body=body)
    assert resp.status == 201
    tr = resp.json
    assert tr["sid"].startswith("UX")
    assert tr["status"] == "active"
    emu.simulate.accept(other)
    fetched = http.get(f"{channel_url(inter)}/Transfers/{tr['sid']}").json
    assert fetched["status"] == "completed"
    assert http.get(f"{CONV}/Conversations/{conv}/Participants/{other}").status == 200
    assert http.get(f"{CONV}/Conversations/{conv}/Participants/{worker}").status == 404
    assert http.get(f"{CONV}/Conversations/{conv}").json["state"] == "active"


def test_warm_transfer_rejected_fails(emu: Emulator, http: Http) -> None:
    inter, conv, worker = accepted(emu, http)
    other = "bob" if worker == "alice" else "alice"
    body = {"type": "warm", "to": emu.seeded.workers[other]}
    tr = http.request("POST", f"{channel_url(inter)}/Transfers", json_body=body).json
    emu.simulate.reject(other)
    assert http.get(f"{channel_url(inter)}/Transfers/{tr['sid']}").json["status"] == "failed"
    assert http.get(f"{CONV}/Conversations/{conv}/Participants/{worker}").status == 200
    upd = http.request(
        "POST", f"{channel_url(inter)}/Transfers/{tr['sid']}", json_body={"status": "completed"}
    )
    assert upd.json["status"] == "completed"


def test_agent_initiated_interaction_creates_the_conversation(emu: Emulator, http: Http) -> None:
    resp = http.post(
        f"{FLEX}/Interactions",
        {
            "Channel": {
                "type": "sms",
                "initiated_by": "agent",
                "participants": [{"address": "+15559990000", "proxy_address": "+15005550006"}],
            },
            "Routing": routing(emu, worker_sid=emu.seeded.workers["bob"]),
        },
    )
    emu.advance(0)
    ch = http.get(channel_url(resp.json)).json
    assert ch["status"] == "active"
    assert len(emu.simulate.reservations("bob")) == 1
    assert emu.simulate.reservations("alice") == []
    # a second outbound interaction for the same binding fails: reuse the open conversation
    again = http.post(
        f"{FLEX}/Interactions",
        {
            "Channel": {
                "type": "sms",
                "initiated_by": "agent",
                "participants": [{"address": "+15559990000", "proxy_address": "+15005550006"}],
            },
            "Routing": routing(emu),
        },
    ).json
    emu.advance(0)
    failed = http.get(channel_url(again)).json
    assert failed["status"] == "failed"
    assert failed["error_code"] == 80102


def test_closing_the_conversation_closes_the_channel(emu: Emulator, http: Http) -> None:
    inter, conv, _ = accepted(emu, http)
    http.post(f"{CONV}/Conversations/{conv}", {"State": "closed"})
    assert http.get(channel_url(inter)).json["status"] == "closed"
    assert task_json(http, emu, the_task(emu, inter))["assignment_status"] == "wrapping"


def test_sid_prefixes(emu: Emulator, http: Http) -> None:
    inter, _, worker = accepted(emu, http)
    other = "bob" if worker == "alice" else "alice"
    invite = http.post(
        f"{channel_url(inter)}/Invites",
        {"Routing": routing(emu, worker_sid=emu.seeded.workers[other])},
    ).json
    part = agent_participant(http, inter)
    transfer = http.request(
        "POST",
        f"{channel_url(inter)}/Transfers",
        json_body={"type": "warm", "to": emu.seeded.workers[other]},
    ).json
    for value, prefix in (
        (inter["sid"], "KD"),
        (inter["channel"]["sid"], "UO"),
        (part["sid"], "UT"),
        (invite["sid"], "KG"),
        (transfer["sid"], "UX"),
    ):
        assert SID.match(value)
        assert value.startswith(prefix)
