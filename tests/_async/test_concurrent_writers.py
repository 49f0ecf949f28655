"""Attachment writers that run at the same time never lose each other's change: serialised per
account within the process, and across processes through a shared lock (``lock=``)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

import flexconv.locks as locks_module
from flexconv import AsyncFlexConv
from flexconv._concurrency import async_sleep
from flexconv.emulator import Emulator
from flexconv.locks import AsyncRedisLock, LockLostError, LockTimeoutError
from tests.attachments_helpers import Watched
from tests.hardening_helpers import Jittery, async_concurrently

TRIALS = 30


async def _enabled(client: AsyncFlexConv) -> tuple[bool | None, bool | None]:
    settings = await client.attachments.fetch_all()
    return settings["web"].enabled, settings["sms"].enabled


async def _race(a: AsyncFlexConv, b: AsyncFlexConv, lock: Any = None) -> None:
    """Each trial flips web (through ``a``) and sms (through ``b``) at the same time; both
    changes must be in the configuration afterwards."""
    for trial in range(TRIALS):
        web, sms = trial % 2 == 0, trial % 2 == 1
        await async_concurrently(
            lambda web=web: a.attachments.update("web", enabled=web, lock=lock),
            lambda sms=sms: b.attachments.update("sms", enabled=sms, lock=lock),
        )
        assert await _enabled(a) == (web, sms), f"a change was lost in trial {trial}"


async def test_two_clients_updating_different_channels_at_once_both_land() -> None:
    shared = Jittery(Emulator(seed=7), seed=11)
    async with AsyncFlexConv.emulated(shared) as a, AsyncFlexConv.emulated(shared) as b:
        await _race(a, b)


async def test_one_client_updating_two_channels_at_once_both_land() -> None:
    async with AsyncFlexConv.emulated(Jittery(Emulator(seed=7), seed=5)) as client:
        await _race(client, client)


# ---------------------------------------------------------------------------- Redis lock


@pytest.fixture
def key() -> str:
    return f"test:{uuid.uuid4().hex}"


@pytest.fixture
def store(redis_url: str) -> Any:
    import redis

    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


@pytest.fixture
async def lock(redis_url: str) -> AsyncIterator[AsyncRedisLock]:
    made = AsyncRedisLock(redis_url, wait=5, poll_interval=0.01)
    yield made
    await made.aclose()


async def test_a_second_holder_times_out_with_a_clear_error(
    redis_url: str, key: str, lock: AsyncRedisLock
) -> None:
    impatient = AsyncRedisLock(redis_url, wait=0.05, poll_interval=0.01)
    try:
        async with lock.hold(key) as lease:
            with pytest.raises(LockTimeoutError, match="another writer holds it"):
                async with impatient.hold(key):
                    pytest.fail("two holders at once")
            await lease.ensure()
        async with impatient.hold(key) as again:  # free once the first let go
            assert again.key == "flexconv:lock:" + key
    finally:
        await impatient.aclose()


async def test_a_second_holder_blocks_until_the_first_releases(
    redis_url: str, key: str, store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = "flexconv:lock:" + key
    waits: list[float] = []

    async def first_lets_go(seconds: float) -> None:  # instead of the lock's poll sleep
        waits.append(seconds)
        store.delete(name)

    monkeypatch.setattr(locks_module, async_sleep.__name__, first_lets_go)
    first = AsyncRedisLock(redis_url)
    second = AsyncRedisLock(redis_url, poll_interval=0.25)
    try:
        async with first.hold(key):
            assert 0 < store.pttl(name) <= 30_000
            async with second.hold(key) as lease:
                assert waits == [0.25]  # it waited once, then took the released lock
                await lease.ensure()
        assert store.get(name) is None
    finally:
        await first.aclose()
        await second.aclose()


async def test_a_lease_that_expired_neither_writes_nor_frees_the_next_holder(
    redis_url: str, key: str, store: Any, lock: AsyncRedisLock
) -> None:
    name = "flexconv:lock:" + key
    late = lock.hold(key)
    lease = await late.__aenter__()
    store.delete(name)  # its ttl passed
    with pytest.raises(LockLostError, match="expired before the write"):
        await lease.ensure()
    other = AsyncRedisLock(redis_url)
    try:
        taken = other.hold(key)
        await taken.__aenter__()
        await late.__aexit__(None, None, None)  # the late holder leaves: not its lock anymore
        assert store.get(name) is not None
        await taken.__aexit__(None, None, None)
        assert store.get(name) is None
    finally:
        await other.aclose()


async def test_bad_lock_settings_are_refused(redis_url: str) -> None:
    for bad in ({"ttl": float("nan")}, {"ttl": 0}, {"wait": -1}, {"poll_interval": 0}):
        with pytest.raises(ValueError):  # flexconv.ValidationError
            AsyncRedisLock(redis_url, **bad)
    with pytest.raises(TypeError):
        AsyncRedisLock(42)  # type: ignore[arg-type]


async def test_two_clients_with_the_redis_lock_both_land(lock: AsyncRedisLock) -> None:
    shared = Jittery(Emulator(seed=7), seed=3)
    async with AsyncFlexConv.emulated(shared) as a, AsyncFlexConv.emulated(shared) as b:
        await _race(a, b, lock)


async def test_attachments_wait_for_the_lock_and_write_nothing_when_it_stays_taken(
    redis_url: str, store: Any
) -> None:
    watched = Watched(Emulator(seed=7))
    impatient = AsyncRedisLock(redis_url, wait=0.05, poll_interval=0.01)
    try:
        async with AsyncFlexConv.emulated(watched) as client:
            store.set(f"flexconv:lock:attachments:{client.account_sid}", "another machine")
            with pytest.raises(LockTimeoutError):
                await client.attachments.update("web", enabled=False, lock=impatient)
            store.delete(f"flexconv:lock:attachments:{client.account_sid}")
            done = await client.attachments.update("web", enabled=False, lock=impatient)
    finally:
        await impatient.aclose()
    assert done.written
    assert len(watched.posts) == 1


async def test_attachments_write_nothing_when_the_lock_expired_before_the_write(
    redis_url: str, store: Any, lock: AsyncRedisLock
) -> None:
    watched = Watched(Emulator(seed=7))
    async with AsyncFlexConv.emulated(watched) as client:
        name = f"flexconv:lock:attachments:{client.account_sid}"
        watched.after_get[1] = lambda: store.delete(name)  # expires after the first read
        with pytest.raises(LockLostError):
            await client.attachments.update("web", enabled=False, lock=lock)
    assert watched.posts == []
