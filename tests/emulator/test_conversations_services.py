"""Conversations services (``/v1/Services``): the account's one service, the Flex Chat Service."""

from __future__ import annotations

from flexconv.emulator import Emulator
from tests.emulator.conftest import CONV, Http
from tests.spec_check import assert_request


def test_list_services_shows_the_default_service(emu: Emulator, http: Http) -> None:
    assert_request("GET", f"{CONV}/Services?PageSize=20")
    resp = http.get(f"{CONV}/Services", params={"PageSize": 20})
    assert resp.status == 200, resp.json
    (service,) = resp.json["services"]
    default = http.get(f"{CONV}/Configuration").json["default_chat_service_sid"]
    assert service["sid"] == default
    assert service["friendly_name"] == "Flex Chat Service"
    assert service["account_sid"] == emu.account_sid
    assert service["links"]["participant_conversations"].endswith(
        f"/v1/Services/{default}/ParticipantConversations"
    )
    assert resp.json["meta"]["key"] == "services"


def test_fetch_the_default_service_and_not_another(http: Http) -> None:
    default = http.get(f"{CONV}/Configuration").json["default_chat_service_sid"]
    assert_request("GET", f"{CONV}/Services/{default}")
    resp = http.get(f"{CONV}/Services/{default}")
    assert resp.status == 200, resp.json
    assert resp.json["url"].endswith(f"/v1/Services/{default}")
    other = "IS" + "0" * 32
    missing = http.get(f"{CONV}/Services/{other}", check=False)
    assert missing.status == 404
    assert missing.json["code"] == 20404
