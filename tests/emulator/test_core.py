"""The facade: URL splitting, auth, errors, determinism, templates, reset, thread safety."""

from __future__ import annotations

import threading

from flexconv.emulator import Emulator
from tests.emulator.conftest import CONV, FLEX, Http, basic


def test_product_from_host_and_from_path_prefix(emu: Emulator) -> None:
    http = Http(emu)
    by_host = http.get(f"{FLEX}/Configuration")
    by_prefix = http.get("http://127.0.0.1:8080/flex-api/v1/Configuration", check=False)
    assert by_host.status == by_prefix.status == 200
    assert by_host.json["url"] == "https://flex-api.twilio.com/v1/Configuration"
    assert by_prefix.json["url"] == "http://127.0.0.1:8080/flex-api/v1/Configuration"
    edge = http.get("https://conversations.ashburn.us1.twilio.com/v1/Conversations", check=False)
    assert edge.status == 200
    assert edge.json["meta"]["key"] == "conversations"


def test_wrong_or_missing_credentials_answer_20003(emu: Emulator) -> None:
    http = Http(emu)
    for auth in ("", basic(emu.account_sid, "nope"), basic("AC" + "0" * 32, emu.auth_token)):
        resp = http.get(f"{FLEX}/Configuration", auth=auth, check=False)
        assert resp.status == 401
        assert resp.json == {
            "code": 20003,
            "message": "Authenticate",
            "more_info": "https://www.twilio.com/docs/errors/20003",
            "status": 401,
        }
        assert "WWW-Authenticate" in resp.headers


def test_api_key_and_secret_authenticate(emu: Emulator) -> None:
    key = emu.create_api_key("ci")
    assert key.sid.startswith("SK")
    assert len(key.sid) == 34
    assert key.secret not in repr(key)
    http = Http(emu)
    assert http.get(f"{FLEX}/Configuration", auth=basic(key.sid, key.secret)).status == 200
    bad = http.get(f"{FLEX}/Configuration", auth=basic(key.sid, "wrong"), check=False)
    assert bad.status == 401


def test_unmodelled_paths_answer_twilio_404(emu: Emulator) -> None:
    http = Http(emu)
    for url in (
        f"{FLEX}/PluginService/Plugins",
        "https://voice.twilio.com/v1/Calls",
        f"{CONV}/Nope",
    ):
        resp = http.get(url, check=False)
        assert resp.status == 404
        assert resp.json["code"] == 20404
        assert resp.json["more_info"] == "https://www.twilio.com/docs/errors/20404"
        assert resp.json["status"] == 404
        assert resp.json["message"]


def test_wrong_method_answers_405(emu: Emulator) -> None:
    resp = Http(emu).request("DELETE", f"{FLEX}/Configuration", check=False)
    assert resp.status == 405


def test_same_seed_same_sids_and_credentials() -> None:
    a, b, c = Emulator(seed=3), Emulator(seed=3), Emulator(seed=4)
    assert (a.account_sid, a.auth_token) == (b.account_sid, b.auth_token)
    assert a.account_sid != c.account_sid
    assert a.auth_token not in repr(a)
    sa = Emulator.from_scenario(seed=5).seeded
    sb = Emulator.from_scenario(seed=5).seeded
    assert sa == sb


def test_fixed_credentials() -> None:
    emu = Emulator(account_sid="AC" + "1" * 32, auth_token="secret")
    http = Http(emu)
    assert http.get(f"{FLEX}/Configuration").json["account_sid"] == "AC" + "1" * 32


def test_templates_list_the_modelled_routes(emu: Emulator) -> None:
    templates = set(emu.templates())
    for expected in (
        ("GET", "flex-api", "/v1/Configuration"),
        ("POST", "flex-api", "/v1/Interactions"),
        ("POST", "conversations", "/v1/Conversations/{ConversationSid}/Participants"),
        ("GET", "conversations", "/v1/ParticipantConversations"),
        ("GET", "studio", "/v2/Flows/{FlowSid}/Executions"),
        ("GET", "api", "/2010-04-01/Accounts/{AccountSid}/Messages"),
        ("POST", "taskrouter", "/v1/Workspaces/{WorkspaceSid}/Tasks"),
    ):
        assert expected in templates


def test_reset_forgets_everything(emu: Emulator) -> None:
    account = emu.account_sid
    http = Http(emu)
    http.post(f"{CONV}/Conversations", {"FriendlyName": "x"})
    emu.reset()
    assert emu.account_sid == account
    assert Http(emu).get(f"{CONV}/Conversations").json["conversations"] == []
    assert emu.taskrouter.workspaces == {}


def test_inspect_is_plain_values(emu: Emulator) -> None:
    emu.simulate.customer_message("+15005550006", "+15551230000", "hi")
    emu.advance(0)
    state = emu.inspect()
    assert state["account_sid"] == emu.account_sid
    assert state["conversations"]["conversations"][0]["messages"][0]["body"] == "hi"
    assert state["flex"]["interactions"][0]["channels"][0]["status"] == "active"
    assert state["taskrouter"]["tasks"]
    assert state["messages"][0]["direction"] == "inbound"


def test_concurrent_requests_are_serialised(emu: Emulator) -> None:
    http = Http(emu, check=False)
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            for j in range(20):
                resp = http.post(f"{CONV}/Conversations", {"UniqueName": f"t{i}-{j}"})
                assert resp.status == 201
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(emu.conversations.conversations) == 160
    sids = [c.sid for c in emu.conversations.conversations.values()]
    assert len(set(sids)) == 160
