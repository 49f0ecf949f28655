"""Flex Configuration: defaults, the account_sid rule and wholesale replacement of keys."""

from __future__ import annotations

import json

from flexconv.emulator import Emulator
from tests.emulator.conftest import FLEX, Http
from tests.spec_check import check_response, load_spec

LIMITS = {
    "web": (1, 16_777_216, 67_108_864, {"txt", "gif"}),
    "sms": (1, 2_097_152, 5_242_880, set()),
    "whatsapp": (1, 16_777_216, 67_108_864, {"oga"}),
    "email": (10, 157_286_400, 157_286_400, {"txt", "gif"}),
    "messenger": (1, 26_214_400, 26_214_400, set()),
}


def test_new_account_has_every_spec_field_and_default_channel_configs(bare: Emulator) -> None:
    resp = Http(bare).get(f"{FLEX}/Configuration")
    body = resp.json
    schema = load_spec("flex-api")["components"]["schemas"]["flex.v1.configuration"]
    assert set(body) == set(schema["properties"])
    problems = check_response(
        "GET", f"{FLEX}/Configuration", 200, resp.headers, resp.body, require_all_fields=True
    )
    assert problems == []
    configs = {c["address_type"]: c["cbm_attachments"] for c in body["channel_configs"]}
    for kind, (count, max_file, max_total, extra) in LIMITS.items():
        att = configs[kind]
        assert att["enabled"] is True
        assert att["number_of_attachments"] == count
        assert att["max_file_size"] == max_file
        assert att["max_total_file_size"] == max_total
        assert {"jpg", "jpeg", "png", "mp3", "mp4", "pdf"} <= set(att["accepted_extensions"])
        assert extra <= set(att["accepted_extensions"])
    assert body["account_sid"] == bare.account_sid


def test_post_requires_account_sid(bare: Emulator) -> None:
    http = Http(bare)
    resp = http.post(f"{FLEX}/Configuration", json_body={"ui_language": "fr"}, data=None)
    assert resp.status == 400
    assert resp.json["status"] == 400
    other = http.post(
        f"{FLEX}/Configuration", json_body={"account_sid": "AC" + "0" * 32}, data=None
    )
    assert other.status == 400


def test_posting_one_channel_config_drops_the_others(bare: Emulator) -> None:
    http = Http(bare)
    only_web = {
        "address_type": "web",
        "cbm_attachments": {"enabled": False, "number_of_attachments": 1},
        "custom_key": {"kept": True},
    }
    resp = http.post(
        f"{FLEX}/Configuration",
        json_body={"account_sid": bare.account_sid, "channel_configs": [only_web]},
        data=None,
    )
    assert resp.status == 200
    assert resp.json["channel_configs"] == [only_web]
    again = http.get(f"{FLEX}/Configuration").json
    assert again["channel_configs"] == [only_web]


def test_json_keys_are_replaced_not_merged(bare: Emulator) -> None:
    http = Http(bare)
    acc = bare.account_sid
    http.post(
        f"{FLEX}/Configuration",
        json_body={"account_sid": acc, "ui_attributes": {"a": 1, "b": 2}},
        data=None,
    )
    resp = http.post(
        f"{FLEX}/Configuration",
        json_body={"account_sid": acc, "ui_attributes": {"c": 3}},
        data=None,
    )
    assert resp.json["ui_attributes"] == {"c": 3}
    # untouched keys stay; read-only keys and unknown keys are ignored
    assert resp.json["ui_language"] == "en"
    resp = http.post(
        f"{FLEX}/Configuration",
        json_body={"account_sid": acc, "date_created": "1999-01-01T00:00:00Z", "bogus": 1},
        data=None,
    )
    assert resp.json["date_created"] != "1999-01-01T00:00:00Z"
    assert "bogus" not in resp.json


def test_post_body_must_be_json(bare: Emulator) -> None:
    http = Http(bare, check=False)
    resp = http.request(
        "POST",
        f"{FLEX}/Configuration",
        headers={"Content-Type": "application/json"},
    )
    assert resp.status == 400
    raw = bare.handle(
        "POST",
        f"{FLEX}/Configuration",
        {"Authorization": http.auth, "Content-Type": "application/json"},
        b"not json",
    )
    assert raw.status == 400
    assert json.loads(raw.body)["code"] == 20001


def test_seeded_configuration_points_at_the_workspace(emu: Emulator) -> None:
    body = Http(emu).get(f"{FLEX}/Configuration").json
    seeded = emu.seeded
    assert body["taskrouter_workspace_sid"] == seeded.workspace_sid
    assert body["taskrouter_target_workflow_sid"] == seeded.workflows["Assign to Anyone"]
    assert body["taskrouter_offline_activity_sid"] == seeded.activities["Offline"]
