"""Twilio sends a webhook again after a 5xx answer only when its URL carries the connection
overrides ``#rp=...5xx``: `Wiring` writes them on the TaskRouter callback URLs (never on the
Conversations ones, which take none), and a handler that fails once runs again on Twilio's
redelivery, through the wired URL."""

from __future__ import annotations

import pytest

from flexconv.lifecycle import Wiring
from flexconv.lifecycle.wiring_plan import (
    DEFAULT_RETRY_COUNT,
    DEFAULT_RETRY_ON,
    check_retry_count,
    check_retry_on,
    redelivery_url,
)
from tests.lifecycle.helpers import CUSTOMER, HOOK, SUPPORT_LINE, centre

WIRED = HOOK + "#rc=5&rp=ct,rt,5xx"


def test_taskrouter_urls_get_the_overrides_and_conversations_urls_do_not() -> None:
    with centre() as c:
        wiring = Wiring(c.client)
        planned = wiring.ensure(HOOK, workflows=[c.workflow_sid], dry_run=True)
        new = {(ch.target.split()[0], ch.field): ch.new for ch in planned.changes}
        assert new[("workspace", "event_callback_url")] == WIRED
        assert new[("workflow", "assignment_callback_url")] == WIRED
        assert new[("conversations", "post_webhook_url")] == HOOK
        assert f"event_callback_url None -> {WIRED!r}" in planned.diff()

        wiring.ensure(HOOK, workflows=[c.workflow_sid])
        assert c.client.routing.workspaces.fetch().event_callback_url == WIRED
        assert c.client.routing.workflows.fetch(c.workflow_sid).assignment_callback_url == WIRED
        assert c.client.conversations.configuration.webhooks.fetch().post_webhook_url == HOOK
        again = wiring.ensure(HOOK, workflows=[c.workflow_sid])
        assert again.unchanged, again.diff()


def test_a_url_wired_before_without_overrides_gets_them() -> None:
    with centre() as c:
        Wiring(c.client, retry_count=None).ensure(HOOK)
        assert c.client.routing.workspaces.fetch().event_callback_url == HOOK
        plan = Wiring(c.client).ensure(HOOK, dry_run=True)
        assert [(ch.field, ch.old, ch.new) for ch in plan.changes] == [
            ("event_callback_url", HOOK, WIRED)
        ]


def test_a_fragment_of_your_own_is_kept_and_values_are_configurable() -> None:
    with centre() as c:
        own = HOOK + "#rc=2&rp=all&ct=1000"
        Wiring(c.client).ensure(own)
        assert c.client.routing.workspaces.fetch().event_callback_url == own
        assert c.client.conversations.configuration.webhooks.fetch().post_webhook_url == HOOK
        assert Wiring(c.client).ensure(own).unchanged

        Wiring(c.client, retry_count=3, retry_on=["5xx", "ct"]).ensure(HOOK)
        assert c.client.routing.workspaces.fetch().event_callback_url == HOOK + "#rc=3&rp=5xx,ct"


@pytest.mark.parametrize(
    ("count", "on", "named"),
    [
        (6, ("5xx",), "retry_count"),
        (-1, ("5xx",), "retry_count"),
        (True, ("5xx",), "retry_count"),
        (5, (), "retry_on"),
        (5, ("500",), "retry_on"),
    ],
)
def test_bad_override_values_are_refused_before_anything_is_sent(
    count: object, on: tuple[str, ...], named: str
) -> None:
    with centre() as c:
        before = c.client.routing.workspaces.fetch().event_callback_url
        with pytest.raises(ValueError, match=named):
            Wiring(c.client, retry_count=count, retry_on=on).ensure(HOOK)  # type: ignore[arg-type]
        assert c.client.routing.workspaces.fetch().event_callback_url == before
        with pytest.raises(ValueError, match=named):
            redelivery_url(HOOK, count, on)  # type: ignore[arg-type]


def test_a_handler_that_fails_once_runs_again_on_twilios_redelivery() -> None:
    with centre() as c:
        Wiring(c.client).ensure(HOOK)
        calls: list[str] = []
        done: list[str] = []

        @c.receiver.on("reservation.created")
        def flaky(event: object) -> None:
            calls.append(getattr(event, "reservation_sid", ""))
            if len(calls) == 1:
                raise RuntimeError("the database blinked")
            done.append(calls[-1])

        c.emu.simulate.customer_message(SUPPORT_LINE, CUSTOMER, "Hello?")
        c.emu.advance(0)
        c.emu.webhooks.flush()
        assert len(calls) == 2
        assert calls[0] == calls[1]
        assert calls[0].startswith("WR")
        assert done == [calls[0]]
        attempts = [
            (d.attempt, d.status)
            for d in c.emu.webhooks.log
            if d.event_type == "reservation.created"
        ]
        assert attempts == [(0, 500), (1, 204)]


def test_cli_wire_writes_the_overrides_and_refuses_bad_ones(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from flexconv.cli import main
    from flexconv.emulator import Emulator
    from flexconv.emulator.server import ServerThread

    emu = Emulator.from_scenario()
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", emu.account_sid)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", emu.auth_token)
    with ServerThread(emu) as server:
        args = ["events", "wire", HOOK, "--base-url", server.url, "--no-conversations"]
        assert main([*args, "--retry-count", "9"]) == 2
        assert "--retry-count" in capsys.readouterr().err
        assert main([*args, "--retry-on", "5xx,500"]) == 2
        assert "--retry-on" in capsys.readouterr().err
        assert emu.taskrouter.get_workspace(emu.seeded.workspace_sid).event_callback_url is None
        assert main([*args, "--retry-count", "4", "--retry-on", "5xx,ct"]) == 0
        wired = emu.taskrouter.get_workspace(emu.seeded.workspace_sid).event_callback_url
        assert wired == HOOK + "#rc=4&rp=5xx,ct"


def test_a_conversations_handler_that_fails_once_is_retried_by_the_receiver() -> None:
    # Conversations webhooks take no connection overrides: the emulator, like Twilio, sends
    # them once whatever the answer, so the receiver acknowledges and retries in the background
    with centre(studio=False) as c:
        Wiring(c.client).ensure(HOOK)
        calls: list[str] = []

        @c.receiver.on("onMessageAdded")
        def flaky(event: object) -> None:
            calls.append(getattr(event, "message_sid", "") or "")
            if len(calls) == 1:
                raise RuntimeError("the database blinked")

        c.emu.simulate.customer_message(SUPPORT_LINE, CUSTOMER, "Hello?")
        c.emu.webhooks.flush()
        c.receiver.drain()
        sent = [d for d in c.emu.webhooks.log if d.event_type == "onMessageAdded"]
        assert [(d.attempt, d.status) for d in sent] == [(0, 200)]  # sent once, acknowledged
        assert len(calls) == 2
        assert calls[0] == calls[1]
        assert calls[0].startswith("IM")


def test_the_override_checks_return_the_values_they_accept() -> None:
    assert check_retry_count(None) is None
    assert check_retry_count(0) == 0
    assert check_retry_on("all") == ("all",)
    assert check_retry_on(["5xx", "ct"]) == ("5xx", "ct")
    with pytest.raises(ValueError, match="retry_count"):
        check_retry_count(6)
    with pytest.raises(ValueError, match="retry_on"):
        check_retry_on(["ct", "500"])
    assert check_retry_on(DEFAULT_RETRY_ON) == DEFAULT_RETRY_ON
    assert check_retry_count(DEFAULT_RETRY_COUNT) == DEFAULT_RETRY_COUNT
