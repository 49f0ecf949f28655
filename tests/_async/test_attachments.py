"""client.attachments against the emulator: lossless writes, no lost updates, validation first."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from typing import Any

import pytest

from flexconv import AsyncFlexConv, ConflictError, ValidationError
from flexconv._core.attachments import default_settings
from flexconv.emulator import Emulator
from flexconv.models.attachments import AttachmentConflictError, AttachmentSettings
from tests.attachments_helpers import (
    Watched,
    channel_configs,
    other_writer_sets_sms_size,
    set_channel_configs,
    with_odd_entry,
)

MB = 1024 * 1024


@pytest.fixture
def emulator() -> Emulator:
    return Emulator(seed=7)


@pytest.fixture
def watched(emulator: Emulator) -> Watched:
    return Watched(emulator)


@pytest.fixture
async def client(watched: Watched) -> AsyncIterator[AsyncFlexConv]:
    async with AsyncFlexConv.emulated(watched) as c:
        yield c


def with_change(configs: list[Any], kind: str, **values: Any) -> list[Any]:
    out = copy.deepcopy(configs)
    for entry in out:
        if entry.get("address_type") == kind:
            entry["cbm_attachments"].update(values)
    return out


# ------------------------------------------------------------------------------ reading


async def test_list_gives_every_channel_typed(client: AsyncFlexConv, emulator: Emulator) -> None:
    with_odd_entry(emulator)
    settings = await client.attachments.fetch_all()
    assert list(settings)[:3] == ["web", "rcs", "sms"]
    web = settings["web"]
    assert isinstance(web, AttachmentSettings)
    assert web.enabled is True
    assert web.max_file_size == 16_777_216
    assert web.max_total_file_size == 67_108_864
    assert web.number_of_attachments == 1
    assert web.accepted_extensions is not None
    assert "gif" in web.accepted_extensions
    assert settings["rcs"].extra == {"novel": "kept"}
    assert settings["whatsapp"].extra == {"twilio_added_later": {"a": 1}}


async def test_get(client: AsyncFlexConv, watched: Watched) -> None:
    sms = await client.attachments.fetch("SMS")
    assert sms is not None
    assert sms.max_file_size == 2_097_152
    assert await client.attachments.fetch("rcs", allow_unknown_channel=True) is None
    before = len(watched.calls)
    with pytest.raises(ValidationError, match="known ones are web, sms, whatsapp"):
        await client.attachments.fetch("fax")
    assert len(watched.calls) == before
    assert client.attachments.describe_limits("email").max_attachments == 10
    watched.spec.assert_clean()


# ------------------------------------------------------------------------------ writing


async def test_disable_web_keeps_every_other_entry(
    client: AsyncFlexConv, emulator: Emulator, watched: Watched
) -> None:
    odd = with_odd_entry(emulator)
    start = channel_configs(emulator)

    result = await client.attachments.disable("web")

    final = channel_configs(emulator)
    assert final == with_change(start, "web", enabled=False)
    assert final[1] == odd
    assert [e["address_type"] for e in final] == [e["address_type"] for e in start]
    assert result.written
    assert not result.dry_run
    assert result.attempts == 1
    assert result.settings["web"].enabled is False
    assert [str(c) for c in result.diff.changes] == ["web: cbm_attachments.enabled: True -> False"]
    # the FAQ's shape: account_sid plus the whole channel_configs array, nothing else
    (post,) = watched.posts
    assert post.url == "https://flex-api.twilio.com/v1/Configuration"
    assert post.headers["content-type"].startswith("application/json")
    body = post.json()
    assert set(body) == {"account_sid", "channel_configs"}
    assert body["account_sid"] == emulator.account_sid
    assert body["channel_configs"] == final
    watched.spec.assert_clean()


async def test_update_normalises_and_checks(client: AsyncFlexConv, emulator: Emulator) -> None:
    result = await client.attachments.update(
        "whatsapp",
        max_file_size="8MB",
        max_total_file_size="32MB",
        accepted_extensions=[".JPG", "png", "OGA"],
    )
    entry = next(e for e in channel_configs(emulator) if e["address_type"] == "whatsapp")
    assert entry["cbm_attachments"]["max_file_size"] == 8 * MB
    assert entry["cbm_attachments"]["max_total_file_size"] == 32 * MB
    assert entry["cbm_attachments"]["accepted_extensions"] == ["jpg", "png", "oga"]
    assert result.settings["whatsapp"].accepted_extensions == ["jpg", "png", "oga"]


async def test_enable_with_settings(client: AsyncFlexConv, emulator: Emulator) -> None:
    set_channel_configs(emulator, with_change(channel_configs(emulator), "email", enabled=False))
    await client.attachments.enable("email", number_of_attachments=5)
    entry = next(e for e in channel_configs(emulator) if e["address_type"] == "email")
    assert entry["cbm_attachments"]["enabled"] is True
    assert entry["cbm_attachments"]["number_of_attachments"] == 5


async def test_update_many_is_one_write(
    client: AsyncFlexConv, emulator: Emulator, watched: Watched
) -> None:
    start = channel_configs(emulator)
    result = await client.attachments.update_many(
        {"web": {"enabled": False}, "sms": {"max_file_size": "1MB", "max_total_file_size": "2MB"}}
    )
    assert len(watched.posts) == 1
    expected = with_change(start, "web", enabled=False)
    expected = with_change(expected, "sms", max_file_size=MB, max_total_file_size=2 * MB)
    assert channel_configs(emulator) == expected
    assert set(result.settings) == {"web", "sms"}
    watched.spec.assert_clean()


async def test_missing_entry_is_built_from_defaults(
    client: AsyncFlexConv, emulator: Emulator
) -> None:
    start = [e for e in channel_configs(emulator) if e["address_type"] != "email"]
    set_channel_configs(emulator, start)
    await client.attachments.update("email", number_of_attachments=3)
    final = channel_configs(emulator)
    assert final[:-1] == start
    assert final[-1] == {
        "address_type": "email",
        "cbm_attachments": {**default_settings("email"), "number_of_attachments": 3},
    }


async def test_unknown_channel_needs_opt_in(client: AsyncFlexConv, emulator: Emulator) -> None:
    with_odd_entry(emulator)
    with pytest.raises(ValidationError, match="allow_unknown_channel=True"):
        await client.attachments.disable("rcs")
    await client.attachments.disable("rcs", allow_unknown_channel=True)
    rcs = next(e for e in channel_configs(emulator) if e["address_type"] == "rcs")
    assert rcs["cbm_attachments"] == {"enabled": False, "max_file_size": 1000, "novel": "kept"}
    assert rcs["future_setting"] == {"nested": [1, 2, 3]}


async def test_nothing_to_write_sends_no_update(
    client: AsyncFlexConv, emulator: Emulator, watched: Watched
) -> None:
    result = await client.attachments.enable("web")
    assert not result.changed
    assert not result.written
    assert watched.posts == []


async def test_dry_run_returns_a_diff_and_writes_nothing(
    client: AsyncFlexConv, emulator: Emulator, watched: Watched
) -> None:
    start = channel_configs(emulator)
    result = await client.attachments.update(
        "sms", enabled=False, max_file_size="1MB", dry_run=True
    )
    assert result.dry_run
    assert not result.written
    assert watched.posts == []
    assert channel_configs(emulator) == start
    assert "--- channel_configs[address_type=sms] (before)" in result.diff.text
    assert '-    "enabled": true,' in result.diff.text
    assert '+    "max_file_size": 1048576,' in result.diff.text
    assert str(result) == result.diff.text
    assert {(c.path, c.before, c.after) for c in result.diff.changes} == {
        (("cbm_attachments", "enabled"), True, False),
        (("cbm_attachments", "max_file_size"), 2_097_152, MB),
    }
    assert result.after == with_change(start, "sms", enabled=False, max_file_size=MB)


# ------------------------------------------------------------------------------ no lost update


async def test_concurrent_writer_between_read_and_write_is_not_lost(
    client: AsyncFlexConv, emulator: Emulator, watched: Watched
) -> None:
    start = channel_configs(emulator)
    # another client changes sms right after our first read
    watched.after_get[1] = other_writer_sets_sms_size(emulator, MB)

    result = await client.attachments.disable("web")

    final = channel_configs(emulator)
    assert final == with_change(with_change(start, "web", enabled=False), "sms", max_file_size=MB)
    assert result.attempts == 2
    assert len(watched.posts) == 1
    watched.spec.assert_clean()


async def test_overwritten_after_our_write_is_reapplied(
    client: AsyncFlexConv, emulator: Emulator, watched: Watched
) -> None:
    start = channel_configs(emulator)
    stale = with_change(start, "sms", max_file_size=MB)  # another writer with an old copy

    watched.after_post[1] = lambda: set_channel_configs(emulator, stale)
    result = await client.attachments.disable("web")

    assert channel_configs(emulator) == with_change(stale, "web", enabled=False)
    assert result.attempts == 2
    assert len(watched.posts) == 2


async def test_a_writer_that_never_stops_raises_conflict(
    client: AsyncFlexConv, emulator: Emulator, watched: Watched
) -> None:
    start = channel_configs(emulator)
    for n in range(1, 10):
        watched.after_get[n] = other_writer_sets_sms_size(emulator, 1000 + n)

    with pytest.raises(AttachmentConflictError) as info:
        await client.attachments.disable("web", max_attempts=3)

    assert isinstance(info.value, ConflictError)
    assert watched.posts == []
    assert "sms: cbm_attachments.max_file_size" in str(info.value)
    assert info.value.differences
    assert len(watched.gets) == 4  # the first read, then one re-read per attempt
    assert channel_configs(emulator) == with_change(start, "sms", max_file_size=1004)


async def test_overwritten_every_time_raises_conflict(
    client: AsyncFlexConv, emulator: Emulator, watched: Watched
) -> None:
    start = channel_configs(emulator)
    for n in range(1, 4):
        watched.after_post[n] = lambda: set_channel_configs(emulator, start)
    with pytest.raises(AttachmentConflictError, match="does not hold"):
        await client.attachments.disable("web", max_attempts=2)
    assert len(watched.posts) == 2


# ------------------------------------------------------------------------------ validation

INVALID: list[tuple[str, dict[str, Any], str]] = [
    ("sms", {"max_file_size": "3MB"}, "exceeds 'sms'"),
    ("web", {"max_total_file_size": "65MB"}, "exceeds 'web'"),
    ("web", {"max_file_size": "8MB", "max_total_file_size": "4MB"}, "at least max_file_size"),
    ("web", {"number_of_attachments": 2}, "exceeds 'web'"),
    ("email", {"number_of_attachments": 0}, "at least 1"),
    ("sms", {"accepted_extensions": ["gif"]}, "not accepted on 'sms'"),
    ("web", {"accepted_extensions": ["jp g"]}, "not an extension"),
    ("web", {"accepted_extensions": []}, "at least one"),
    ("web", {"max_file_size": "16 parsecs"}, "max_file_size must be"),
    ("web", {"enabled": "no"}, "True or False"),
    ("web", {}, "Nothing to change"),
    ("fax", {"enabled": False}, "known ones are web, sms"),
]


@pytest.mark.parametrize(("kind", "values", "message"), INVALID)
async def test_invalid_input_sends_nothing(
    client: AsyncFlexConv, watched: Watched, kind: str, values: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        await client.attachments.update(kind, **values)
    with pytest.raises(ValidationError, match=message):
        await client.attachments.update_many({"whatsapp": {"enabled": True}, kind: values})
    assert watched.calls == []


async def test_invalid_many_and_attempts_send_nothing(
    client: AsyncFlexConv, watched: Watched
) -> None:
    with pytest.raises(ValidationError, match="non-empty mapping"):
        await client.attachments.update_many({})
    with pytest.raises(ValidationError, match="max_attempts"):
        await client.attachments.disable("web", max_attempts=0)
    assert watched.calls == []


async def test_total_below_current_single_size_is_refused_before_writing(
    client: AsyncFlexConv, watched: Watched
) -> None:
    with pytest.raises(ValidationError, match="total is at least the single-file size"):
        await client.attachments.update("web", max_total_file_size="8MB")
    assert watched.posts == []
