"""Flex Interactions behaviour the emulator must share with Twilio (where it differs from Twilio).

Raw Twilio-shaped HTTP, checked against Twilio's spec by ``Http``; each test cites the spec or
documentation wording it holds the emulator to.
"""

from __future__ import annotations

import json
from typing import Any

from flexconv.emulator import Emulator
from tests.emulator.conftest import CONV, FLEX, TR, Http


def conversation(http: Http, customer: str = "+15551230000") -> str:
    conv = http.post(f"{CONV}/Conversations", {"FriendlyName": "c"}).json["sid"]
    http.post(
        f"{CONV}/Conversations/{conv}/Participants",
        {"MessagingBinding.Address": customer, "MessagingBinding.ProxyAddress": "+15005550006"},
    )
    return str(conv)


def routing(emu: Emulator, **extra: Any) -> dict[str, Any]:
    return {
        "properties": {
            "workspace_sid": emu.seeded.workspace_sid,
            "workflow_sid": emu.seeded.workflows["Assign to Anyone"],
            "task_channel_unique_name": "chat",
            "attributes": {"topic": "order"},
            **extra,
        }
    }


def fetch_task(http: Http, emu: Emulator, sid: str) -> dict[str, Any]:
    url = f"{TR}/Workspaces/{emu.seeded.workspace_sid}/Tasks/{sid}"
    return dict(http.get(url).json)


def test_interaction_create_answers_the_created_task(emu: Emulator, http: Http) -> None:
    """Spec example of `POST /v1/Interactions`: `routing.properties` is the created task (`sid`
    WT…, `assignment_status`, `queue_name`, `queue_sid`, `workflow_sid`, `workflow_name`,
    `routing_target`, `attributes` as a JSON string with `flexInteractionSid`...), with
    `routing.reservation` null."""
    conv = conversation(http)
    resp = http.post(
        f"{FLEX}/Interactions",
        {
            "Channel": {
                "type": "sms",
                "initiated_by": "customer",
                "properties": {"media_channel_sid": conv},
            },
            "Routing": routing(emu),
        },
    )
    assert resp.status == 200, resp.json
    props = resp.json["routing"]["properties"]
    assert resp.json["routing"]["reservation"] is None
    assert props["sid"].startswith("WT")
    task = fetch_task(http, emu, props["sid"])
    assert props["workflow_sid"] == emu.seeded.workflows["Assign to Anyone"]
    assert props["workflow_name"] == "Assign to Anyone"
    assert props["queue_sid"] == emu.seeded.task_queues["Everyone"]
    assert props["queue_name"] == "Everyone"
    assert props["assignment_status"] in ("pending", "reserved")
    assert props["routing_target"] is None
    assert props["task_channel_unique_name"] == "chat"
    attrs = json.loads(props["attributes"])
    assert attrs["flexInteractionSid"] == resp.json["sid"]
    assert attrs["conversationSid"] == conv
    assert attrs["topic"] == "order"
    assert json.loads(task["attributes"]) == attrs
    # Fetching the interaction later gives the same routing.
    again = http.get(f"{FLEX}/Interactions/{resp.json['sid']}").json
    assert again["routing"]["properties"]["sid"] == props["sid"]


def test_agent_initiated_task_targets_the_worker_with_an_invite(emu: Emulator, http: Http) -> None:
    """Spec example: an agent-initiated interaction's task carries `routing_target` WK… and the
    attribute `flexChannelInviteSid` KG…"""
    bob = emu.seeded.workers["bob"]
    resp = http.post(
        f"{FLEX}/Interactions",
        {
            "Channel": {
                "type": "sms",
                "initiated_by": "agent",
                "participants": [{"address": "+15559990000", "proxy_address": "+15005550006"}],
            },
            "Routing": routing(emu, worker_sid=bob),
        },
    )
    props = resp.json["routing"]["properties"]
    assert props["routing_target"] == bob
    invite_sid = json.loads(props["attributes"])["flexChannelInviteSid"]
    assert invite_sid.startswith("KG")
    assert fetch_task(http, emu, props["sid"])["routing_target"] == bob


def test_invite_answers_its_task(emu: Emulator, http: Http) -> None:
    """Spec example of `POST .../Invites`: `routing.properties` is the invite's task, whose
    attributes carry `flexChannelInviteSid` (the invite's SID) and `routing_target` the worker."""
    conv = conversation(http)
    inter = http.post(
        f"{FLEX}/Interactions",
        {
            "Channel": {"type": "sms", "properties": {"media_channel_sid": conv}},
            "Routing": routing(emu),
        },
    ).json
    emu.advance(0)
    alice = emu.seeded.workers["alice"]
    url = f"{FLEX}/Interactions/{inter['sid']}/Channels/{inter['channel']['sid']}/Invites"
    invite = http.post(url, {"Routing": {"properties": {"worker_sid": alice}}}).json
    props = invite["routing"]["properties"]
    assert props["sid"].startswith("WT")
    assert props["routing_target"] == alice
    assert json.loads(props["attributes"])["flexChannelInviteSid"] == invite["sid"]
    listed = http.get(url).json["invites"]
    assert listed[0]["routing"]["properties"]["sid"] == props["sid"]


def test_inactive_without_routing_status_is_refused(emu: Emulator, http: Http) -> None:
    """Spec, channel update `Routing`: "Routing status is required, When the channel status is
    set to `inactive`."  The channel and its task are left alone."""
    conv = conversation(http)
    inter = http.post(
        f"{FLEX}/Interactions",
        {
            "Channel": {"type": "sms", "properties": {"media_channel_sid": conv}},
            "Routing": routing(emu),
        },
    ).json
    emu.advance(0)
    url = f"{FLEX}/Interactions/{inter['sid']}/Channels/{inter['channel']['sid']}"
    refused = http.post(url, {"Status": "inactive"})
    assert refused.status == 400
    assert "Routing" in refused.json["message"]
    assert http.get(url).json["status"] == "active"
    task = fetch_task(http, emu, inter["routing"]["properties"]["sid"])
    assert task["assignment_status"] == "reserved"
    assert http.post(url, {"Status": "inactive", "Routing": {}}).status == 400
    parked = http.post(url, {"Status": "inactive", "Routing": {"status": "closed"}})
    assert parked.json["status"] == "inactive"


def test_declined_worker_invite_cancels_its_task(emu: Emulator, http: Http) -> None:
    """Flex Conversations best practices, "Handle declined agent reservations": "When you specify
    a worker SID in your Interactions invite and that agent declines the invite ..., the created
    task gets canceled but the conversation remains active without an agent"."""
    conv = conversation(http)
    inter = http.post(
        f"{FLEX}/Interactions",
        {
            "Channel": {"type": "sms", "properties": {"media_channel_sid": conv}},
            "Routing": routing(emu),
        },
    ).json
    emu.advance(0)
    bob = emu.seeded.workers["bob"]
    url = f"{FLEX}/Interactions/{inter['sid']}/Channels/{inter['channel']['sid']}/Invites"
    task_sid = http.post(url, {"Routing": {"properties": {"worker_sid": bob}}}).json["routing"][
        "properties"
    ]["sid"]
    ws = emu.seeded.workspace_sid
    offers = http.get(f"{TR}/Workspaces/{ws}/Tasks/{task_sid}/Reservations").json["reservations"]
    (offer,) = [r for r in offers if r["reservation_status"] == "pending"]
    assert offer["worker_sid"] == bob
    rejected = http.post(
        f"{TR}/Workspaces/{ws}/Tasks/{task_sid}/Reservations/{offer['sid']}",
        {"ReservationStatus": "rejected"},
    )
    assert rejected.json["reservation_status"] == "rejected"
    assert fetch_task(http, emu, task_sid)["assignment_status"] == "canceled"
    assert http.get(f"{CONV}/Conversations/{conv}").json["state"] == "active"
