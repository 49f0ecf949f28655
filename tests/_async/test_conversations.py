"""client.conversations against the emulator (async source; the sync twin is generated)."""

from __future__ import annotations

import urllib.parse
from datetime import timedelta

import pytest

from flexconv import (
    AsyncFlexConv,
    BadRequestError,
    ConflictError,
    NotFoundError,
    ValidationError,
)
from flexconv.emulator import Emulator
from tests.checked import CheckedEmulator

CUSTOMER = "+15551230000"
NUMBER = "+15005550006"


def checked() -> CheckedEmulator:
    return CheckedEmulator(Emulator(seed=3))


def form(body: bytes) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(body.decode())


async def test_create_fetch_update_close() -> None:
    emu = checked()
    async with AsyncFlexConv.emulated(emu) as client:
        conv = await client.conversations.create(
            friendly_name="Order 1234",
            unique_name="order-1234",
            attributes={"order": 1234},
            inactive_after=timedelta(minutes=5),
            closed_after="PT1H",
        )
        sent = form(emu.requests[-1].body)
        assert sent["Timers.Inactive"] == ["PT5M"]
        assert sent["Timers.Closed"] == ["PT1H"]
        assert sent["Attributes"] == ['{"order":1234}']
        assert conv.sid is not None
        assert conv.sid.startswith("CH")
        assert conv.attributes == {"order": 1234}
        by_name = await client.conversations.fetch("order-1234")
        assert by_name.sid == conv.sid
        renamed = await client.conversations.update(conv.sid, friendly_name="Order #1234")
        assert renamed.friendly_name == "Order #1234"
        closed = await client.conversations.close(conv.sid)
        assert closed.state == "closed"
        with pytest.raises(BadRequestError):  # closed is terminal
            await client.conversations.update(conv.sid, state="active")
    emu.recorder.assert_clean()


async def test_participants_messages_and_the_binding_rule() -> None:
    emu = checked()
    async with AsyncFlexConv.emulated(emu) as client:
        first = await client.conversations.create(friendly_name="first")
        assert first.sid is not None
        customer = await client.conversations.participants.create(
            first.sid, address=CUSTOMER, proxy_address=NUMBER
        )
        assert customer.messaging_binding is not None
        assert customer.messaging_binding["address"] == CUSTOMER
        agent = await client.conversations.participants.create(first.sid, identity="alice")
        assert (await client.conversations.participants.fetch(first.sid, "alice")).sid == agent.sid
        await client.conversations.messages.create(first.sid, author="alice", body="Hello")
        await client.conversations.messages.create(first.sid, author=CUSTOMER, body="Hi")
        bodies = [m.body async for m in client.conversations.messages.list(first.sid)]
        assert bodies == ["Hello", "Hi"]
        newest = [m.body async for m in client.conversations.messages.list(first.sid, order="desc")]
        assert newest == ["Hi", "Hello"]

        # The same binding cannot join a second non-closed conversation (Twilio's 50416).
        second = await client.conversations.create(friendly_name="second")
        assert second.sid is not None
        with pytest.raises(ConflictError) as info:
            await client.conversations.participants.create(
                second.sid, address=CUSTOMER, proxy_address=NUMBER
            )
        assert info.value.code == 50416

        found = await client.conversations.find_reusable(CUSTOMER)
        assert found is not None
        assert found.conversation_sid == first.sid
        await client.conversations.participants.delete(first.sid, agent.sid or "")
        names = [p.identity async for p in client.conversations.participants.list(first.sid)]
        assert names == [None]
        await client.conversations.close(first.sid)
        assert await client.conversations.find_reusable(CUSTOMER) is None
        await client.conversations.delete(second.sid)
        with pytest.raises(NotFoundError):
            await client.conversations.fetch(second.sid)
    emu.recorder.assert_clean()


async def test_list_pages_and_state_filter() -> None:
    emu = checked()
    async with AsyncFlexConv.emulated(emu) as client:
        for n in range(5):
            await client.conversations.create(friendly_name=f"c{n}")
        before = len(emu.requests)
        names = [c.friendly_name async for c in client.conversations.list(page_size=2)]
        assert names == ["c0", "c1", "c2", "c3", "c4"]
        assert len(emu.requests) - before == 3
        closed = [c async for c in client.conversations.list(state="closed")]
        assert closed == []
        with pytest.raises(ValidationError, match="maximum of 100"):
            client.conversations.list(page_size=101)
    emu.recorder.assert_clean()


async def test_scoped_webhooks_send_lower_case_method() -> None:
    emu = checked()
    async with AsyncFlexConv.emulated(emu) as client:
        conv = await client.conversations.create()
        assert conv.sid is not None
        hook = await client.conversations.webhooks.create(
            conv.sid, target="webhook", url="https://example.com/hook", method="POST",
            filters=["onMessageAdded", "onParticipantAdded"],
        )  # fmt: skip
        sent = form(emu.requests[-1].body)
        assert sent["Configuration.Method"] == ["post"]
        assert sent["Configuration.Filters"] == ["onMessageAdded", "onParticipantAdded"]
        assert hook.sid is not None
        assert hook.sid.startswith("WH")
        assert [w.sid async for w in client.conversations.webhooks.list(conv.sid)] == [hook.sid]
        await client.conversations.webhooks.delete(conv.sid, hook.sid)
        assert [w async for w in client.conversations.webhooks.list(conv.sid)] == []
    emu.recorder.assert_clean()


async def test_rest_changes_fire_webhooks_only_when_asked() -> None:
    emu = checked()
    async with AsyncFlexConv.emulated(emu) as client:
        await client.conversations.create(friendly_name="quiet")
        assert "x-twilio-webhook-enabled" not in emu.requests[-1].headers
        await client.conversations.create(friendly_name="loud", webhooks=True)
        assert emu.requests[-1].headers["x-twilio-webhook-enabled"] == "true"
    emu.recorder.assert_clean()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.conversations.create(inactive_after=timedelta(seconds=30)), "at least"),
        (lambda c: c.conversations.create(closed_after="PT5M"), "at least"),
        (lambda c: c.conversations.create(state="open"), "state must be one of"),
        (lambda c: c.conversations.create(messaging_service_sid="XX1"), "MG SID"),
        (lambda c: c.conversations.update("CH" + "0" * 32), "at least one field"),
        (lambda c: c.conversations.fetch("WK" + "0" * 32), "CH SID"),
        (lambda c: c.conversations.participants.create("CH" + "0" * 32), "exactly one of"),
        (lambda c: c.conversations.participants.create("CH" + "0" * 32, address=CUSTOMER), "proxy"),
        (lambda c: c.conversations.messages.create("CH" + "0" * 32), "body="),
        (lambda c: c.conversations.messages.create("CH" + "0" * 32, media_sid="MM1"), "ME SID"),
        (lambda c: c.conversations.webhooks.create("CH" + "0" * 32, target="studio"), "FW SID"),
        (lambda c: c.conversations.webhooks.create("CH" + "0" * 32, target="webhook"), "http"),
        (lambda c: c.conversations.webhooks.create("CH" + "0" * 32, target="x"), "target must"),
    ],
)
async def test_bad_input_sends_nothing(call, message: str) -> None:  # type: ignore[no-untyped-def]
    emu = checked()
    async with AsyncFlexConv.emulated(emu) as client:
        with pytest.raises(ValidationError, match=message):
            await call(client)
    assert emu.requests == []
