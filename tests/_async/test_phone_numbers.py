"""client.phone_numbers against the spec-checked emulator: the account's numbers (2010 API
IncomingPhoneNumbers) listed, found, fetched and pointed at a backend."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from urllib.parse import parse_qs

import pytest

from flexconv import AsyncFlexConv
from flexconv._core.errors import ValidationError
from flexconv.emulator import Emulator
from flexconv.emulator.scenario import default_scenario
from tests.checked import CheckedEmulator


@pytest.fixture
def checked() -> CheckedEmulator:
    scenario = default_scenario()
    scenario["phone_numbers"] = [
        {"phone_number": "+15005550007", "sms_url": "https://old.example.com/sms"},
        {"phone_number": "+442071838750", "friendly_name": "London"},
    ]
    return CheckedEmulator(Emulator.from_scenario(scenario))


@pytest.fixture
async def client(checked: CheckedEmulator) -> AsyncIterator[AsyncFlexConv]:
    async with AsyncFlexConv.emulated(checked) as c:
        yield c
    checked.recorder.assert_clean()


async def test_list_find_fetch(client: AsyncFlexConv, checked: CheckedEmulator) -> None:
    numbers = await client.phone_numbers.list().to_list()
    assert {n.phone_number for n in numbers} == {"+15005550006", "+15005550007", "+442071838750"}
    # the default scenario's support line is a number of the account
    support = await client.phone_numbers.find("+15005550006")
    assert support is not None
    assert support.sid == checked.emu.seeded.phone_numbers["+15005550006"]
    assert support.friendly_name == "(500) 555-0006"
    assert support.sms_url == ""
    assert isinstance(support.date_created, datetime)
    assert await client.phone_numbers.find("+15005550099") is None
    us = await client.phone_numbers.list(phone_number="+1500555000*").to_list()
    assert {n.phone_number for n in us} == {"+15005550006", "+15005550007"}
    london = await client.phone_numbers.list(friendly_name="London").to_list()
    assert [n.phone_number for n in london] == ["+442071838750"]
    fetched = await client.phone_numbers.fetch(support.sid or "")
    assert fetched.phone_number == "+15005550006"
    # 2010-style pages, followed through next_page_uri
    paged = await client.phone_numbers.list(page_size=1).to_list()
    assert len(paged) == 3
    assert "/IncomingPhoneNumbers.json" in checked.requests[-1].url


async def test_update_points_the_number_at_a_backend(
    client: AsyncFlexConv, checked: CheckedEmulator
) -> None:
    number = await client.phone_numbers.find("+15005550007")
    assert number is not None
    assert number.sms_url == "https://old.example.com/sms"
    sid = number.sid or ""
    updated = await client.phone_numbers.update(
        sid,
        sms_url="https://backend.example.com/sms",
        sms_method="GET",
        extra={"VoiceFallbackUrl": "https://backend.example.com/voice-fallback"},
    )
    assert updated.sms_url == "https://backend.example.com/sms"
    assert updated.sms_method == "GET"
    assert updated.voice_fallback_url == "https://backend.example.com/voice-fallback"
    form = parse_qs(checked.requests[-1].body.decode())
    assert form["SmsUrl"] == ["https://backend.example.com/sms"]
    cleared = await client.phone_numbers.update(sid, sms_url="")
    assert cleared.sms_url == ""
    assert (await client.phone_numbers.fetch(sid)).sms_url == ""

    sent = len(checked.requests)
    with pytest.raises(ValidationError, match="http"):
        await client.phone_numbers.update(sid, sms_url="backend.example.com/sms")
    with pytest.raises(ValidationError, match="GET' or 'POST"):
        await client.phone_numbers.update(sid, sms_method="PUT")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="does not take 'SmsUrl' in extra"):
        await client.phone_numbers.update(sid, extra={"SmsUrl": "https://x.example.com"})
    with pytest.raises(ValidationError, match="at least one"):
        await client.phone_numbers.update(sid)
    with pytest.raises(ValidationError, match="PN SID"):
        await client.phone_numbers.fetch("+15005550007")
    with pytest.raises(ValidationError, match=r"E\.164"):
        await client.phone_numbers.find("15005550007")
    assert len(checked.requests) == sent
