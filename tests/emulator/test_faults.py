"""Injected faults: statuses, latency, dropped connections; matching; determinism."""

from __future__ import annotations

import pytest

from flexconv.emulator import DroppedConnection, Emulator
from tests.emulator.conftest import CONV, FLEX, Http


def test_rate_limit_with_retry_after_then_recovers(emu: Emulator, http: Http) -> None:
    emu.faults.rate_limit(retry_after=2, product="conversations", times=2)
    for _ in range(2):
        resp = http.get(f"{CONV}/Conversations", check=False)
        assert resp.status == 429
        assert resp.headers["Retry-After"] == "2"
        assert resp.json["code"] == 20429
        assert resp.json["more_info"].endswith("/20429")
    assert http.get(f"{CONV}/Conversations").status == 200
    assert http.get(f"{FLEX}/Configuration").status == 200


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors(emu: Emulator, http: Http, status: int) -> None:
    emu.faults.server_error(status, times=1)
    resp = http.get(f"{FLEX}/Configuration", check=False)
    assert resp.status == status
    assert resp.json["status"] == status


def test_precondition_failed_by_template(emu: Emulator, http: Http) -> None:
    emu.faults.precondition_failed(method="POST", path="/v1/Conversations/{Sid}")
    conv = http.post(f"{CONV}/Conversations", {}).json["sid"]
    resp = http.post(f"{CONV}/Conversations/{conv}", {"FriendlyName": "x"}, check=False)
    assert resp.status == 412
    assert http.get(f"{CONV}/Conversations/{conv}").status == 200


def test_concrete_path_matches_too(emu: Emulator, http: Http) -> None:
    emu.faults.server_error(503, path="/v1/Configuration", product="flex-api")
    assert http.get(f"{FLEX}/Configuration", check=False).status == 503
    assert http.get(f"{CONV}/Configuration").status == 200


def test_latency_sets_delay(emu: Emulator, http: Http) -> None:
    emu.faults.latency(1.5, method="GET", times=1)
    assert http.get(f"{FLEX}/Configuration").delay == 1.5
    assert http.get(f"{FLEX}/Configuration").delay == 0


def test_drop_before_send_changes_nothing(emu: Emulator, http: Http) -> None:
    emu.faults.drop(before_send=True, method="POST", times=1)
    with pytest.raises(DroppedConnection) as err:
        http.post(f"{CONV}/Conversations", {"UniqueName": "x"})
    assert err.value.before_send is True
    assert emu.conversations.conversations == {}


def test_drop_after_send_applies_the_change(emu: Emulator, http: Http) -> None:
    emu.faults.drop(before_send=False, method="POST", times=1)
    with pytest.raises(DroppedConnection) as err:
        http.post(f"{CONV}/Conversations", {"UniqueName": "x"})
    assert err.value.before_send is False
    assert http.get(f"{CONV}/Conversations/x").status == 200
    # a retry that is not idempotent now conflicts, as in production
    assert http.post(f"{CONV}/Conversations", {"UniqueName": "x"}).status == 409


def outcomes(seed: int) -> list[int]:
    emu = Emulator(seed=seed)
    emu.faults.server_error(503, probability=0.5)
    http = Http(emu, check=False)
    return [http.get(f"{FLEX}/Configuration").status for _ in range(40)]


def test_probabilistic_faults_are_deterministic_with_a_seed() -> None:
    first = outcomes(11)
    assert first == outcomes(11)
    assert {200, 503} == set(first)
    assert first != outcomes(12)


def test_clear_and_fired_count(emu: Emulator, http: Http) -> None:
    fault = emu.faults.server_error(500)
    http.get(f"{FLEX}/Configuration", check=False)
    assert fault.fired == 1
    emu.faults.clear()
    assert http.get(f"{FLEX}/Configuration").status == 200


def test_faults_apply_before_auth(emu: Emulator, http: Http) -> None:
    emu.faults.rate_limit(times=1)
    assert http.get(f"{FLEX}/Configuration", auth="", check=False).status == 429


def test_2010_paths_match_with_or_without_json(emu: Emulator, http: Http) -> None:
    emu.faults.server_error(500, path="/2010-04-01/Accounts/{AccountSid}/Messages.json", times=1)
    emu.faults.server_error(503, path=f"/2010-04-01/Accounts/{emu.account_sid}/Messages", times=1)
    url = f"https://api.twilio.com/2010-04-01/Accounts/{emu.account_sid}/Messages.json"
    assert http.get(url, check=False).status == 500
    assert http.get(url, check=False).status == 503
    assert http.get(url).status == 200
