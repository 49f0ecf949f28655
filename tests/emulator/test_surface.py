"""Routes the other emulator tests reach only in passing: each answers a spec-checked success.

Together with the rest of the suite this covers every route the emulator models; the full run
fails otherwise (see ``pytest_sessionfinish`` in tests/conftest.py).
"""

from __future__ import annotations

from typing import Any

from flexconv.emulator import Emulator
from tests.emulator.conftest import CONV, FLEX, STUDIO, TR, Form, Http, form_body
from tests.spec_check import assert_request


def checked(http: Http, method: str, url: str, data: Form | None = None) -> Any:
    """Check the request against the spec, send it with ``http`` (which checks the response)."""
    assert_request(method, url, body=form_body(data) if data is not None else None)
    resp = http.request(method, url, data=data)
    assert 200 <= resp.status < 300, resp.json
    return resp


def test_conversations_service_webhook_configuration(http: Http) -> None:
    resp = checked(http, "GET", f"{CONV}/Configuration/Webhooks")
    assert resp.json["account_sid"] == http.emu.account_sid


def test_fetch_one_scoped_webhook(http: Http) -> None:
    conv = checked(http, "POST", f"{CONV}/Conversations", data={}).json["sid"]
    form = {"Target": "webhook", "Configuration.Url": "https://example.com/h"}
    hook = checked(http, "POST", f"{CONV}/Conversations/{conv}/Webhooks", data=form).json
    fetched = checked(http, "GET", f"{CONV}/Conversations/{conv}/Webhooks/{hook['sid']}").json
    assert fetched["sid"] == hook["sid"]
    assert fetched["configuration"]["url"] == "https://example.com/h"


def test_fetch_one_studio_flow(emu: Emulator, http: Http) -> None:
    flow = emu.seeded.flows["Messaging Flow"]
    resp = checked(http, "GET", f"{STUDIO}/Flows/{flow}")
    assert resp.json["friendly_name"] == "Messaging Flow"


def test_fetch_workspace_activity_and_queue(emu: Emulator, http: Http) -> None:
    ws = emu.seeded.workspace_sid
    assert checked(http, "GET", f"{TR}/Workspaces/{ws}").json["sid"] == ws
    available = emu.seeded.activities["Available"]
    activity = checked(http, "GET", f"{TR}/Workspaces/{ws}/Activities/{available}").json
    assert activity["available"] is True
    queue = emu.seeded.task_queues["Everyone"]
    assert checked(http, "GET", f"{TR}/Workspaces/{ws}/TaskQueues/{queue}").json["sid"] == queue


def test_delete_a_worker(emu: Emulator, http: Http) -> None:
    ws = emu.seeded.workspace_sid
    bob = emu.seeded.workers["bob"]
    assert checked(http, "DELETE", f"{TR}/Workspaces/{ws}/Workers/{bob}").status == 204
    assert http.get(f"{TR}/Workspaces/{ws}/Workers/{bob}").status == 404


def test_update_an_interaction(emu: Emulator, http: Http) -> None:
    conv = checked(http, "POST", f"{CONV}/Conversations", data={}).json["sid"]
    form = {
        "Channel": {
            "type": "sms",
            "initiated_by": "customer",
            "properties": {"media_channel_sid": conv},
        },
        "Routing": {"properties": {"workspace_sid": emu.seeded.workspace_sid}},
    }
    inter = checked(http, "POST", f"{FLEX}/Interactions", data=form).json
    assert_request(
        "POST",
        f"{FLEX}/Interactions/{inter['sid']}",
        body={"WebhookTtid": "flex_interactionwebhook_1"},
    )
    updated = checked(
        http,
        "POST",
        f"{FLEX}/Interactions/{inter['sid']}",
        data={"WebhookTtid": "flex_interactionwebhook_1"},
    ).json
    assert updated["sid"] == inter["sid"]
    assert updated["webhook_ttid"] == "flex_interactionwebhook_1"
